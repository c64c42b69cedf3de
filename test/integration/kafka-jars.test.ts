import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kafkaLibsDir, readJarLock, selectKafkaVersion } from '../../electron/engine/cluster/kafka-jars.js';
import { locateJava } from '../../electron/engine/cluster/java.js';
import { findFreePortBlock } from '../../electron/engine/cluster/ports.js';
import { runKafkaCli } from '../kafka-cli.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'kwb-jar-cache-'));
const dataDir = mkdtempSync(join(tmpdir(), 'kwb-jar-data-'));
const version = selectKafkaVersion();
const java = locateJava();

/**
 * PATH holds only node's folder: no mvn (here /usr/bin/mvn sits beside /usr/bin/java, so java is
 * found through JAVA_HOME instead). KWB_CACHE_DIR is empty: every jar comes from Maven Central.
 */
function envWithoutMaven(): NodeJS.ProcessEnv {
  if (java === null) throw new Error('the suite needs a Java 17+ to start the cluster');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: dirname(process.execPath),
    JAVA_HOME: dirname(dirname(java)),
    KWB_CACHE_DIR: cacheDir,
  };
  delete env.KWB_MAVEN_MIRROR;
  return env;
}

afterAll(async () => {
  await runKafkaCli(['stop', '--data-dir', dataDir], envWithoutMaven());
  rmSync(cacheDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the local cluster without Maven', () => {
  it('fetches and checks every pinned jar from Maven Central into an empty cache and starts, with mvn off PATH', async () => {
    const port = await findFreePortBlock(2, 26_000, 27_000);
    const started = Date.now();
    const result = await runKafkaCli(['start', '--data-dir', dataDir, '--port', String(port)], envWithoutMaven());
    const jars = readJarLock().versions[version]?.jars ?? [];
    process.stdout.write(
      `[kafka-jars] ${jars.length} jars fetched, checked and started in ${((Date.now() - started) / 1000).toFixed(1)} s\n${result.stderr}`,
    );
    expect(result.stderr).toContain(`Fetching ${jars.length} Apache Kafka ${version} jar(s)`);
    expect(result.stderr).toContain('https://repo1.maven.org/maven2/');
    expect(result.stderr).toMatch(new RegExp(`\\[${jars.length}/${jars.length}\\] \\S+\\.jar \\([\\d.]+ MB\\) SHA-256 ok`));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('state: running');
    for (const jar of jars) {
      const file = join(kafkaLibsDir(cacheDir, version), jar.path.split('/').at(-1) ?? '');
      expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(jar.sha256);
    }
  });

  it('refuses a cached jar with one flipped byte with a clear message and fetches it again', async () => {
    const jar = readJarLock().versions[version]?.jars.find((j) => j.path.includes('/kafka-clients/'));
    if (!jar) throw new Error('kafka-clients is not in the lock');
    const name = jar.path.split('/').at(-1) ?? '';
    const file = join(kafkaLibsDir(cacheDir, version), name);
    const bytes = readFileSync(file);
    bytes[1000] = (bytes[1000] ?? 0) ^ 0x01;
    writeFileSync(file, bytes);
    const result = await runKafkaCli(['fetch'], envWithoutMaven());
    expect(result.stderr).toContain(`${name} in the cache does not match the pinned SHA-256 (expected ${jar.sha256}, got `);
    expect(result.stderr).toContain(`Fetching 1 Apache Kafka ${version} jar(s)`);
    expect(result.code).toBe(0);
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(jar.sha256);
  });
});
