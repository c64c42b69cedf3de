import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { ensureMavenJars } from '../scripts/maven-jars.js';
import { findFreePortBlock, isPortOpen } from '../electron/engine/cluster/ports.js';
import { resolveCacheDir } from '../electron/engine/paths.js';

/** The one place the Apache Cassandra release of the sink tests is pinned; test/cassandra/jars.lock.json lists its jars. */
export const CASSANDRA_VERSION = '5.0.9';
/** The superuser a fresh node creates (PasswordAuthenticator's default role). */
export const CASSANDRA_SUPERUSER = { username: 'cassandra', password: 'cassandra' } as const;
/** `SimpleSnitch` puts the single node in this data centre. */
export const CASSANDRA_LOCAL_DC = 'datacenter1';

const POM = resolve('test/cassandra/pom.xml');
export const CASSANDRA_LOCK_FILE = resolve('test/cassandra/jars.lock.json');

const lockSchema = z.object({
  version: z.string(),
  jars: z.array(z.object({ name: z.string(), size: z.number().int().positive(), sha256: z.string().regex(/^[0-9a-f]{64}$/) })).min(1),
});
export type CassandraJarLock = z.infer<typeof lockSchema>;

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Name, size and SHA-256 of every jar in a libs folder (what `npm run cassandra -- lock` writes). */
export function lockOf(libs: string): CassandraJarLock {
  const jars = readdirSync(libs)
    .filter((name) => name.endsWith('.jar'))
    .sort()
    .map((name) => ({ name, size: statSync(join(libs, name)).size, sha256: sha256(join(libs, name)) }));
  return { version: CASSANDRA_VERSION, jars };
}

/** Throws, naming the jar, unless `libs` holds exactly the pinned jars with their pinned sizes and SHA-256s. */
export function checkCassandraJars(libs: string, lockFile = CASSANDRA_LOCK_FILE): void {
  const lock = lockSchema.parse(JSON.parse(readFileSync(lockFile, 'utf8')));
  if (lock.version !== CASSANDRA_VERSION) throw new Error(`${lockFile} pins Cassandra ${lock.version}, not ${CASSANDRA_VERSION}`);
  const present = new Set(readdirSync(libs).filter((name) => name.endsWith('.jar')));
  for (const jar of lock.jars) {
    const file = join(libs, jar.name);
    if (!present.delete(jar.name)) throw new Error(`Cassandra jar ${jar.name} is missing from ${libs}`);
    if (statSync(file).size !== jar.size || sha256(file) !== jar.sha256)
      throw new Error(`Cassandra jar ${jar.name} in ${libs} does not match the pinned size and SHA-256 (${lockFile})`);
  }
  if (present.size > 0) throw new Error(`Jars the Cassandra lock does not pin are in ${libs}: ${[...present].join(', ')}`);
}

/**
 * Apache Cassandra's jars (org.apache.cassandra:cassandra-all and its dependencies from Maven Central),
 * resolved with mvn into the cache once with the same atomic download the S3 and Spark test servers use,
 * then checked against the lock.
 */
export async function ensureCassandraJars(cacheDir = resolveCacheDir(), { check = true } = {}): Promise<string> {
  const libs = await ensureMavenJars(cacheDir, {
    pomFile: POM,
    cacheName: `cassandra-${CASSANDRA_VERSION}`,
    expectJar: `cassandra-all-${CASSANDRA_VERSION}.jar`,
    version: CASSANDRA_VERSION,
  });
  if (check) checkCassandraJars(libs);
  return libs;
}

/** A single node on loopback: native protocol on `nativePort`, gossip on `storagePort`, password auth and role-based permissions on. */
export function cassandraYaml(dataDir: string, nativePort: number, storagePort: number): string {
  const dir = (name: string): string => JSON.stringify(join(dataDir, name));
  return [
    'cluster_name: kwb-test',
    'num_tokens: 1',
    'partitioner: org.apache.cassandra.dht.Murmur3Partitioner',
    // Acknowledged means on disk: in the default periodic mode a node killed with SIGKILL replays its
    // commit log only up to the last sync marker and loses up to 10 s of acknowledged writes (the
    // outage test lost 75 of 200 rows that way). Group mode syncs before it acknowledges.
    'commitlog_sync: group',
    'commitlog_sync_group_window: 10ms',
    `data_file_directories: [${dir('data')}]`,
    `commitlog_directory: ${dir('commitlog')}`,
    `saved_caches_directory: ${dir('saved_caches')}`,
    `hints_directory: ${dir('hints')}`,
    `cdc_raw_directory: ${dir('cdc_raw')}`,
    'seed_provider:',
    '  - class_name: org.apache.cassandra.locator.SimpleSeedProvider',
    '    parameters:',
    `      - seeds: "127.0.0.1:${storagePort}"`,
    'listen_address: 127.0.0.1',
    `storage_port: ${storagePort}`,
    'rpc_address: 127.0.0.1',
    `native_transport_port: ${nativePort}`,
    'start_native_transport: true',
    'endpoint_snitch: SimpleSnitch',
    'authenticator: PasswordAuthenticator',
    'authorizer: CassandraAuthorizer',
    'role_manager: CassandraRoleManager',
    'concurrent_compactors: 1',
    '',
  ].join('\n');
}

const LOGBACK = `<configuration>
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>\${cassandra.logdir}/system.log</file>
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="FILE"/></root>
</configuration>
`;

/** The module openings of Cassandra 5.0's conf/jvm17-server.options (its code reaches into these JDK internals). */
const JAVA17_OPENS = [
  ...['java.base/jdk.internal.misc', 'java.base/jdk.internal.ref', 'java.base/sun.nio.ch', 'java.sql/java.sql'].flatMap((p) => [
    '--add-exports',
    `${p}=ALL-UNNAMED`,
  ]),
  ...[
    'java.base/java.lang.module',
    'java.base/jdk.internal.loader',
    'java.base/jdk.internal.ref',
    'java.base/jdk.internal.reflect',
    'java.base/jdk.internal.math',
    'java.base/jdk.internal.module',
    'java.base/jdk.internal.util.jar',
    'jdk.management/com.sun.management.internal',
    'java.base/sun.nio.ch',
    'java.base/java.io',
    'java.base/java.nio',
    'java.base/java.util.concurrent',
    'java.base/java.util',
    'java.base/java.util.concurrent.atomic',
    'java.base/java.lang',
    'java.base/java.math',
    'java.base/java.lang.reflect',
    'java.base/java.net',
  ].flatMap((p) => ['--add-opens', `${p}=ALL-UNNAMED`]),
];

/**
 * The JVM command line of CassandraDaemon: a small heap (the CI machine has 2 shared cores), no JMX
 * (no -Dcassandra.jmx.*.port: SECURITY.md, no JMX paths), the jamm agent Cassandra measures memtables
 * with, and the start-up waits for other nodes set to zero (there are none).
 */
export function cassandraJavaArgs(libs: string, dataDir: string): string[] {
  return [
    '-Xms512m',
    '-Xmx1g',
    '-Xss512k',
    '-XX:+UseG1GC',
    '-XX:+ExitOnOutOfMemoryError',
    '-XX:ActiveProcessorCount=2',
    '-Djdk.attach.allowAttachSelf=true',
    ...JAVA17_OPENS,
    `-javaagent:${join(libs, 'jamm-0.4.0.jar')}`,
    `-Dcassandra.config=file://${join(dataDir, 'cassandra.yaml')}`,
    `-Dcassandra.storagedir=${dataDir}`,
    `-Dcassandra.logdir=${dataDir}`,
    `-Dlogback.configurationFile=${join(dataDir, 'logback.xml')}`,
    '-Dcassandra-foreground=yes',
    '-Dcassandra.superuser_setup_delay_ms=0',
    '-Dcassandra.skip_wait_for_gossip_to_settle=0',
    '-Dcassandra.ring_delay_ms=0',
    '-cp',
    `${libs}/*`,
    'org.apache.cassandra.service.CassandraDaemon',
  ];
}

export interface CassandraServer {
  host: string;
  port: number;
  /** `127.0.0.1:<port>`, as the driver's contactPoints take it. */
  contactPoint: string;
  localDataCenter: string;
  dataDir: string;
  pid(): number;
  /** SIGTERM (drains, flushes), then removes the data folder. */
  stop(): Promise<void>;
  /** SIGKILL of the node (a crash); the data folder stays, for `restart`. */
  kill(): Promise<void>;
  /** Stops the node (SIGTERM) if it runs, then starts it again on the same ports and data. */
  restart(): Promise<void>;
}

export interface StartCassandraOptions {
  /** [min, max) for the two ports (native protocol, gossip). */
  ports?: readonly [number, number];
  /** Keeps the data here (the CLI's node); a temporary folder otherwise. */
  dataDir?: string;
  /** The CLI's node outlives its launcher: own process group, output to a file. */
  detached?: boolean;
  startTimeoutMs?: number;
}

/**
 * Starts a single Cassandra node on loopback with its own data folder; resolves once the native port
 * answers and the default superuser can log in (the role is created a moment after the port opens).
 */
export async function startCassandraServer(options: StartCassandraOptions = {}): Promise<CassandraServer> {
  const [min, max] = options.ports ?? [46_000, 47_000];
  const libs = await ensureCassandraJars();
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'kwb-cassandra-')));
  mkdirSync(dataDir, { recursive: true });
  const base = await findFreePortBlock(2, min, max);
  const port = base;
  writeFileSync(join(dataDir, 'cassandra.yaml'), cassandraYaml(dataDir, port, base + 1));
  writeFileSync(join(dataDir, 'logback.xml'), LOGBACK);
  const timeoutMs = options.startTimeoutMs ?? 240_000;
  let child = await launch(libs, dataDir, port, options.detached ?? false, timeoutMs);
  const killChild = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  };
  return {
    host: '127.0.0.1',
    port,
    contactPoint: `127.0.0.1:${port}`,
    localDataCenter: CASSANDRA_LOCAL_DC,
    dataDir,
    pid: () => child.pid ?? -1,
    async stop() {
      await killChild('SIGTERM');
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
    kill: () => killChild('SIGKILL'),
    async restart() {
      await killChild('SIGTERM');
      child = await launch(libs, dataDir, port, options.detached ?? false, timeoutMs);
    },
  };
}

async function launch(libs: string, dataDir: string, port: number, detached: boolean, timeoutMs: number): Promise<ChildProcess> {
  const out = openSync(join(dataDir, 'stdout.log'), 'a');
  const child = spawn('java', cassandraJavaArgs(libs, dataDir), { stdio: ['ignore', out, out], detached });
  closeSync(out);
  if (detached) child.unref();
  const deadline = Date.now() + timeoutMs;
  const tail = (): string => {
    const log = join(dataDir, 'system.log');
    const text = existsSync(log) ? readFileSync(log, 'utf8') : readFileSync(join(dataDir, 'stdout.log'), 'utf8');
    return text
      .split('\n')
      .filter((line) => /ERROR|Exception/.test(line))
      .slice(-5)
      .join('\n');
  };
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Cassandra exited with ${child.exitCode} before serving CQL: ${tail()}`);
    if ((await isPortOpen(port)) && (await superuserCanLogIn(port))) return child;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Cassandra did not serve CQL on 127.0.0.1:${port} within ${timeoutMs / 1000} s: ${tail()}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function superuserCanLogIn(port: number): Promise<boolean> {
  const { Client } = (await import('cassandra-driver')).default;
  const client = new Client({
    contactPoints: [`127.0.0.1:${port}`],
    localDataCenter: CASSANDRA_LOCAL_DC,
    credentials: CASSANDRA_SUPERUSER,
    socketOptions: { connectTimeout: 2000 },
  });
  try {
    await client.execute('SELECT release_version FROM system.local');
    return true;
  } catch {
    return false;
  } finally {
    await client.shutdown();
  }
}

/**
 * Runs CQL through the independent client (test/cassandra/cql.py, DataStax's Python driver, not the
 * app's): the statements in order, then `query`, whose rows it returns (timestamps as epoch ms).
 */
export async function runCqlIndependently(
  server: Pick<CassandraServer, 'host' | 'port'>,
  request: { statements?: string[]; query?: string },
  user: { username: string; password: string } = CASSANDRA_SUPERUSER,
): Promise<Record<string, unknown>[]> {
  const child = spawn('python3', [resolve('test/cassandra/cql.py'), server.host, String(server.port), user.username, user.password], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  child.stdin.end(JSON.stringify(request));
  const code = await new Promise<number | null>((r) => child.once('close', r));
  if (code !== 0) throw new Error(`cql.py exited with ${code}: ${stderr}`);
  return JSON.parse(stdout) as Record<string, unknown>[];
}
