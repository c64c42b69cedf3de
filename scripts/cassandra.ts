// Developer tool: a single-node Apache Cassandra on loopback for trying the Cassandra sink by hand.
//   npm run cassandra -- start|stop|status|fetch|lock [--port N]
// start: jars from Maven Central into the cache (test/cassandra-server.ts), a node on 127.0.0.1:N
// (default 19042; gossip on N+1), data under the cache, user cassandra / cassandra.
// fetch: only the jars (CI). lock: rewrites test/cassandra/jars.lock.json from the resolved jars.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isPortOpen } from '../electron/engine/cluster/ports.js';
import { resolveCacheDir } from '../electron/engine/paths.js';
import {
  CASSANDRA_LOCAL_DC,
  CASSANDRA_LOCK_FILE,
  CASSANDRA_SUPERUSER,
  CASSANDRA_VERSION,
  ensureCassandraJars,
  lockOf,
  startCassandraServer,
} from '../test/cassandra-server.js';

const USAGE = 'usage: npm run cassandra -- start|stop|status|fetch|lock [--port N]';

const home = join(resolveCacheDir(), 'cassandra-local');
const stateFile = join(home, 'state.json');

interface State {
  pid: number;
  port: number;
  dataDir: string;
}

function readState(): State | null {
  if (!existsSync(stateFile)) return null;
  return JSON.parse(readFileSync(stateFile, 'utf8')) as State;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const out = (line: string): boolean => process.stdout.write(`${line}\n`);

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { port: { type: 'string' } } });
  const port = values.port === undefined ? 19_042 : Number(values.port);
  if (!Number.isInteger(port) || port < 1024 || port > 65_534) throw new Error(`--port must be a port number, got "${values.port}"`);
  const state = readState();
  switch (positionals[0]) {
    case 'fetch':
      out(`[cassandra] Apache Cassandra ${CASSANDRA_VERSION} jars in ${await ensureCassandraJars()}`);
      return 0;
    case 'lock': {
      const libs = await ensureCassandraJars(undefined, { check: false });
      const lock = lockOf(libs);
      writeFileSync(CASSANDRA_LOCK_FILE, `${JSON.stringify(lock, null, 2)}\n`);
      out(`wrote ${CASSANDRA_LOCK_FILE}: ${lock.jars.length} jars, ${(lock.jars.reduce((s, j) => s + j.size, 0) / 1e6).toFixed(1)} MB`);
      return 0;
    }
    case 'start': {
      if (state && alive(state.pid)) {
        out(`already running: pid ${state.pid}, 127.0.0.1:${state.port}`);
        return 0;
      }
      const started = Date.now();
      const server = await startCassandraServer({ ports: [port, port + 2], dataDir: join(home, 'data'), detached: true });
      writeFileSync(stateFile, JSON.stringify({ pid: server.pid(), port: server.port, dataDir: server.dataDir } satisfies State));
      out(`Apache Cassandra ${CASSANDRA_VERSION} running in ${((Date.now() - started) / 1000).toFixed(1)} s: pid ${server.pid()}`);
      out(`contact point 127.0.0.1:${server.port}, local data centre ${CASSANDRA_LOCAL_DC}, user ${CASSANDRA_SUPERUSER.username}`);
      out(`log: ${join(server.dataDir, 'system.log')}`);
      return 0;
    }
    case 'stop': {
      if (!state || !alive(state.pid)) {
        out('not running');
        rmSync(stateFile, { force: true });
        return 0;
      }
      process.kill(state.pid, 'SIGTERM');
      const deadline = Date.now() + 60_000;
      while (alive(state.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
      if (alive(state.pid)) process.kill(state.pid, 'SIGKILL');
      rmSync(stateFile, { force: true });
      out(`stopped pid ${state.pid}`);
      return 0;
    }
    case 'status': {
      if (!state || !alive(state.pid)) {
        out('state: stopped');
        return 0;
      }
      const answering = await isPortOpen(state.port);
      out(`state: running, pid ${state.pid}, 127.0.0.1:${state.port} ${answering ? 'answering' : 'not answering'}`);
      out(`log: ${join(state.dataDir, 'system.log')}`);
      return 0;
    }
    default:
      out(USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
