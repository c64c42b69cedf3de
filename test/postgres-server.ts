import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findFreePortBlock } from '../electron/engine/cluster/ports.js';

const run = promisify(execFile);

/**
 * A real PostgreSQL server for the database-sink tests: Debian's `postgresql` package (installed by
 * .ci/run), one throw-away cluster per test file in a temp folder, listening on 127.0.0.1 only,
 * password (scram-sha-256) authentication. PostgreSQL refuses to run as root ("root execution of the
 * PostgreSQL server is not permitted", src/backend/main/main.c), so as root initdb and pg_ctl run as
 * the `postgres` system user the package creates, through runuser.
 */
export interface PostgresServer {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  dataDir: string;
  /** Runs SQL through `psql` (an independent client, not the app's driver); rows as tab-separated lines. */
  psql(sql: string): Promise<string[]>;
  /** `pg_ctl stop -m immediate`: the server dies without a clean shutdown, as in a crash. */
  kill(): Promise<void>;
  /** Starts the server again on the same port and data folder. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** The folder of Debian's PostgreSQL server binaries (`/usr/lib/postgresql/<major>/bin`), newest major first. */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((d) => existsSync(join(root, d, 'bin', 'initdb'))) : [];
  const newest = majors.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql: apt-get install postgresql (.ci/run does)');
  return join(root, newest, 'bin');
}

export async function startPostgres(ports: readonly [number, number] = [45_100, 45_900]): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const root = mkdtempSync(join(tmpdir(), 'kwb-pg-'));
  const dataDir = join(root, 'data');
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const user = 'workbench';
  const database = 'workbench_test';
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim() || null : null;
  if (asRoot && owner === null) throw new Error('running as root needs the postgres system user (apt-get install postgresql creates it)');
  const pwfile = join(root, 'pwfile');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (owner !== null) {
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    chownSync(root, Number(owner), gid);
    chownSync(pwfile, Number(owner), gid);
  }
  const as = async (command: string, args: string[]) =>
    owner !== null ? run('runuser', ['-u', 'postgres', '--', join(bin, command), ...args]) : run(join(bin, command), args);
  await as('initdb', ['-D', dataDir, '-U', user, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8']);
  const port = await findFreePortBlock(1, ports[0], ports[1]);
  writeFileSync(
    join(dataDir, 'postgresql.auto.conf'),
    [`listen_addresses = '127.0.0.1'`, `port = ${port}`, `unix_socket_directories = '${root}'`, 'fsync = off', `max_connections = 50`].join(
      '\n',
    ) + '\n',
  );
  if (owner !== null) spawnSync('chown', ['postgres:postgres', join(dataDir, 'postgresql.auto.conf')]);
  const log = join(root, 'server.log');
  const start = () => as('pg_ctl', ['-D', dataDir, '-l', log, '-w', '-t', '60', 'start']);
  await start();
  const env = { ...process.env, PGPASSWORD: password };
  const psqlAt = async (db: string, sql: string) => {
    const { stdout } = await run(
      'psql',
      ['-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', db, '-X', '-At', '-v', 'ON_ERROR_STOP=1', '-c', sql],
      { env },
    );
    return stdout.split('\n').filter((line) => line !== '');
  };
  await psqlAt('postgres', `CREATE DATABASE ${database}`);
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    database,
    dataDir,
    psql: (sql) => psqlAt(database, sql),
    kill: async () => {
      await as('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    },
    restart: async () => {
      await start();
    },
    stop: async () => {
      await as('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
