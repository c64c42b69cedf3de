import { spawn, type ChildProcess } from 'node:child_process';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureMavenJars } from '../scripts/maven-jars.js';
import { findFreePortBlock } from '../electron/engine/cluster/ports.js';
import { resolveCacheDir } from '../electron/engine/paths.js';

export const S3PROXY_VERSION = '2.6.0';

/**
 * S3Proxy (org.gaul:s3proxy from Maven Central, Apache-2.0): a real HTTP server speaking the S3 API,
 * here with its filesystem backend. Its jars are resolved with mvn into the cache once, with the same
 * atomic download the local Kafka uses (scripts/fetch-s3proxy.ts does it ahead of the suite in CI).
 */
export async function ensureS3ProxyJars(cacheDir = resolveCacheDir()): Promise<string> {
  return ensureMavenJars(cacheDir, {
    pomFile: resolve('test/s3proxy/pom.xml'),
    cacheName: `s3proxy-${S3PROXY_VERSION}`,
    expectJar: `s3proxy-${S3PROXY_VERSION}.jar`,
    version: S3PROXY_VERSION,
  });
}

export interface S3Server {
  endpoint: string;
  port: number;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Folder of the filesystem backend: one sub-folder per bucket. */
  dataDir: string;
  stop(): Promise<void>;
  /** SIGKILL of the server process (a crash): the data folder stays, for `restart`. */
  kill(): Promise<void>;
  /** Starts the server again on the same port, data folder and credentials. */
  restart(): Promise<void>;
}

/**
 * Starts S3Proxy on a free loopback port (in `ports`, [min, max), when a test file keeps to its own
 * range) with its own data folder and credentials; resolves when it answers.
 */
export async function startS3Server(ports: readonly [number, number] = [22_000, 23_000]): Promise<S3Server> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kwb-s3-'));
  const port = await findFreePortBlock(1, ports[0], ports[1]);
  const accessKeyId = `test-${Math.random().toString(36).slice(2, 10)}`;
  const secretAccessKey = `secret-${Math.random().toString(36).slice(2)}`;
  const properties = join(dataDir, 's3proxy.properties');
  const storage = join(dataDir, 'buckets');
  writeFileSync(
    properties,
    [
      `s3proxy.endpoint=http://127.0.0.1:${port}`,
      's3proxy.authorization=aws-v2-or-v4',
      `s3proxy.identity=${accessKeyId}`,
      `s3proxy.credential=${secretAccessKey}`,
      'jclouds.provider=filesystem',
      `jclouds.filesystem.basedir=${storage}`,
      '',
    ].join('\n'),
  );
  const endpoint = `http://127.0.0.1:${port}`;
  const ours = { endpoint, accessKeyId, secretAccessKey };
  let child = await launch(properties, ours);
  const killChild = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return {
    endpoint,
    port,
    region: 'us-east-1',
    accessKeyId,
    secretAccessKey,
    dataDir: storage,
    async stop() {
      await killChild('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    },
    kill: () => killChild('SIGKILL'),
    async restart() {
      await killChild('SIGTERM');
      child = await launch(properties, ours);
    },
  };
}

/**
 * Starts S3Proxy and resolves once it serves S3 requests signed with this server's own random keys.
 * Any HTTP answer is not enough: for a moment after it binds, S3Proxy answers 404 to everything,
 * and another test file's server could hold the port (then our process exits, but theirs answers).
 */
async function launch(properties: string, ours: { endpoint: string; accessKeyId: string; secretAccessKey: string }): Promise<ChildProcess> {
  const libs = await ensureS3ProxyJars();
  const child: ChildProcess = spawn('java', ['-DLOG_LEVEL=warn', '-cp', `${libs}/*`, 'org.gaul.s3proxy.Main', '--properties', properties], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const client = new S3Client({
    region: 'us-east-1',
    endpoint: ours.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: ours.accessKeyId, secretAccessKey: ours.secretAccessKey },
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 5000, requestTimeout: 10_000 },
  });
  const deadline = Date.now() + 90_000;
  let last = '';
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`S3Proxy exited with ${child.exitCode}: ${stderr}`);
      const up = await client.send(new ListBucketsCommand({})).then(
        () => true,
        (error: unknown) => ((last = String(error)), false),
      );
      // Our own random keys were accepted: this is our server (not another file's on a reused port), past its 404 phase.
      if (up && child.exitCode === null) break;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`S3Proxy did not serve signed requests on ${ours.endpoint} within 90 s (last: ${last}): ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    client.destroy();
  }
  return child;
}
