import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COMPAT_KAFKA_VERSIONS,
  ensureKafkaJars,
  KAFKA_VERSION,
  kafkaLibsDir,
  readJarLock,
  selectKafkaVersion,
  type JarLock,
} from './kafka-jars.js';

const root = mkdtempSync(join(tmpdir(), 'kwb-jars-'));
const sha = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

// A mirror here is a real HTTP server the test controls (what a corporate Nexus is to the app);
// the download from Maven Central itself is tested in test/integration/kafka-jars.test.ts.
const files = new Map<string, Buffer>();
const served: string[] = [];
let server: Server;
let mirror = '';

const A = Buffer.from('jar a '.repeat(1000));
const B = Buffer.from('jar b '.repeat(500));
const lock: JarLock = {
  repository: 'https://repo.invalid/maven2/',
  versions: {
    '9.9.9': {
      jars: [
        { path: 'org/example/a/9.9.9/a-9.9.9.jar', size: A.length, sha256: sha(A) },
        { path: 'org/example/b/1.0/b-1.0.jar', size: B.length, sha256: sha(B) },
      ],
    },
  },
};
const lockFile = join(root, 'jars.lock.json');

beforeAll(async () => {
  writeFileSync(lockFile, JSON.stringify(lock));
  server = createServer((request, response) => {
    const path = (request.url ?? '').replace(/^\/maven2\//, '');
    served.push(path);
    const body = files.get(path);
    if (body === undefined) response.writeHead(404).end();
    else response.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolvePromise) => server.listen(0, '127.0.0.1', resolvePromise));
  mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}/maven2`;
});
afterAll(() => new Promise<void>((resolvePromise) => server.close(() => resolvePromise())));

function serveGood(): void {
  files.set('org/example/a/9.9.9/a-9.9.9.jar', A);
  files.set('org/example/b/1.0/b-1.0.jar', B);
}

describe('the pinned jar lock', () => {
  it('pins every jar of each pinned Kafka release with its Maven Central path, size and SHA-256', () => {
    const pinned = readJarLock();
    expect(pinned.repository).toBe('https://repo1.maven.org/maven2/');
    expect(Object.keys(pinned.versions).sort()).toEqual([KAFKA_VERSION, ...COMPAT_KAFKA_VERSIONS].sort());
    for (const [version, { jars }] of Object.entries(pinned.versions)) {
      expect(jars.map((jar) => jar.path)).toContain(`org/apache/kafka/kafka_2.13/${version}/kafka_2.13-${version}.jar`);
    }
  });
});

describe('ensureKafkaJars', () => {
  it('fetches every jar from the mirror, checks it and does not fetch again when the cache is whole', async () => {
    serveGood();
    const cache = mkdtempSync(join(root, 'cache-'));
    const progress: number[] = [];
    const libs = await ensureKafkaJars(cache, {
      version: '9.9.9',
      lockFile,
      repositoryUrl: mirror,
      onProgress: (p) => progress.push(p.filesDone),
    });
    expect(libs).toBe(kafkaLibsDir(cache, '9.9.9'));
    expect(readdirSync(libs).sort()).toEqual(['a-9.9.9.jar', 'b-1.0.jar']);
    expect(progress.at(-1)).toBe(2);
    const before = served.length;
    await ensureKafkaJars(cache, { version: '9.9.9', lockFile, repositoryUrl: mirror });
    expect(served.length).toBe(before);
  });

  it('refuses a cached jar with one flipped byte, says so, and fetches it again', async () => {
    serveGood();
    const cache = mkdtempSync(join(root, 'cache-'));
    const libs = await ensureKafkaJars(cache, { version: '9.9.9', lockFile, repositoryUrl: mirror });
    const bad = Buffer.from(A);
    bad[100] = (bad[100] ?? 0) ^ 0x01;
    writeFileSync(join(libs, 'a-9.9.9.jar'), bad);
    const lines: string[] = [];
    await ensureKafkaJars(cache, { version: '9.9.9', lockFile, repositoryUrl: mirror, log: (line) => lines.push(line) });
    expect(lines[0]).toBe(
      `a-9.9.9.jar in the cache does not match the pinned SHA-256 (expected ${sha(A)}, got ${sha(bad)}); refusing it and fetching it again`,
    );
    expect(sha(readFileSync(join(libs, 'a-9.9.9.jar')))).toBe(sha(A));
  });

  it('refuses a download whose SHA-256 is not the pinned one and leaves no file behind', async () => {
    serveGood();
    const tampered = Buffer.from(B);
    tampered[0] = (tampered[0] ?? 0) ^ 0xff;
    files.set('org/example/b/1.0/b-1.0.jar', tampered);
    const cache = mkdtempSync(join(root, 'cache-'));
    await expect(ensureKafkaJars(cache, { version: '9.9.9', lockFile, repositoryUrl: mirror })).rejects.toThrow(
      `${mirror}/org/example/b/1.0/b-1.0.jar is not the pinned b-1.0.jar (${B.length} bytes, SHA-256 ${sha(tampered)}; expected ${B.length} bytes, ${sha(B)}); refusing it`,
    );
    const libs = kafkaLibsDir(cache, '9.9.9');
    expect(existsSync(join(libs, 'b-1.0.jar'))).toBe(false);
    expect(readdirSync(libs).filter((name) => name.endsWith('.part'))).toEqual([]);
  });

  it('names the missing URL and the mirror setting when the mirror lacks a jar', async () => {
    serveGood();
    files.delete('org/example/a/9.9.9/a-9.9.9.jar');
    const cache = mkdtempSync(join(root, 'cache-'));
    await expect(ensureKafkaJars(cache, { version: '9.9.9', lockFile, repositoryUrl: mirror })).rejects.toThrow(
      `${mirror}/org/example/a/9.9.9/a-9.9.9.jar does not exist (HTTP 404); check the Maven mirror URL in Settings`,
    );
  });

  it('removes a jar the lock does not list, as the broker would load it', async () => {
    serveGood();
    const cache = mkdtempSync(join(root, 'cache-'));
    const libs = await ensureKafkaJars(cache, { version: '9.9.9', lockFile, repositoryUrl: mirror });
    writeFileSync(join(libs, 'a-9.9.8.jar'), 'old');
    await ensureKafkaJars(cache, { version: '9.9.9', lockFile, repositoryUrl: mirror });
    expect(readdirSync(libs).sort()).toEqual(['a-9.9.9.jar', 'b-1.0.jar']);
  });

  it('names the pinned releases when asked for one the lock lacks', async () => {
    await expect(ensureKafkaJars(root, { version: '1.0.0', lockFile })).rejects.toThrow(
      'The jar lock has no Apache Kafka 1.0.0; pinned: 9.9.9',
    );
  });
});

describe('selectKafkaVersion', () => {
  it('runs the pinned release unless KWB_KAFKA_VERSION names another pinned one', () => {
    expect(selectKafkaVersion({})).toBe(KAFKA_VERSION);
    expect(selectKafkaVersion({ KWB_KAFKA_VERSION: '' })).toBe(KAFKA_VERSION);
    expect(COMPAT_KAFKA_VERSIONS).toContain('3.9.2');
    expect(selectKafkaVersion({ KWB_KAFKA_VERSION: '3.9.2' })).toBe('3.9.2');
    expect(selectKafkaVersion({ KWB_KAFKA_VERSION: KAFKA_VERSION })).toBe(KAFKA_VERSION);
  });

  it('refuses a release that is not pinned, naming the ones that are', () => {
    expect(() => selectKafkaVersion({ KWB_KAFKA_VERSION: '3.9.x' })).toThrow(
      `KWB_KAFKA_VERSION=3.9.x is not a pinned Kafka release; use one of ${KAFKA_VERSION}, 3.9.2`,
    );
  });
});
