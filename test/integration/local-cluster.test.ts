import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectKafkaVersion } from '../../electron/engine/cluster/kafka-jars.js';
import { LocalCluster } from '../../electron/engine/cluster/local-cluster.js';
import { findFreePortBlock } from '../../electron/engine/cluster/ports.js';
import { isPidAlive } from '../../electron/engine/cluster/processes.js';
import { resolveCacheDir } from '../../electron/engine/paths.js';
import { withAdmin } from '../kafka.js';
import { runKafkaCli } from '../kafka-cli.js';

/** The environment without any way to find java; node itself stays reachable through execPath. */
function envWithoutJava(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: dirname(process.execPath) };
  delete env.JAVA_HOME;
  return env;
}

describe('the managed local cluster in 3-broker mode', () => {
  // Its own folder and ports, away from the 1-broker cluster of the global setup (39000–49000).
  const dataDir = resolve('.test-output', `local-cluster-${process.pid}`);
  let port = 0;
  // The suite's release: 3.9.2 under `npm run test:compat` (KWB_KAFKA_VERSION).
  const cluster = new LocalCluster({ dataDir, cacheDir: resolveCacheDir(), kafkaVersion: selectKafkaVersion() });

  beforeAll(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
    port = await findFreePortBlock(6, 25_000, 26_000);
  });

  afterAll(async () => {
    // Safety net: a failed assertion must not leave three JVMs behind.
    await cluster.stop();
    await cluster.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts three brokers that all register, serves RF-3 topics, and stops leaving no JVM', async () => {
    const first = cluster.start({ brokers: 3, port });
    expect(cluster.start({ brokers: 3, port })).toBe(first);
    const status = await first;
    expect(status.state).toBe('running');
    expect(status.bootstrapServers).toEqual([`127.0.0.1:${port}`, `127.0.0.1:${port + 2}`, `127.0.0.1:${port + 4}`]);
    expect(status.nodes.map((n) => [n.nodeId, n.port, n.controllerPort, n.alive])).toEqual([
      [1, port, port + 1, true],
      [2, port + 2, port + 3, true],
      [3, port + 4, port + 5, true],
    ]);
    const pids = status.nodes.map((n) => n.pid);
    for (const pid of pids) expect(pid).toEqual(expect.any(Number));

    await withAdmin(status.bootstrapServers.join(','), async (admin) => {
      const described = await admin.describeCluster();
      expect(described.brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3]);
      // The app's own create-and-wait, which polls until every partition has a leader: a new
      // topic's metadata can still be spreading across the three brokers (seen in a loaded CI run).
      expect(await admin.createTopicsAndWait([{ topic: 'rf3-check', numPartitions: 1, replicationFactor: 3 }])).toBe(true);
    });

    // Already running with the same options: no new JVMs.
    const again = await cluster.start({ brokers: 3, port });
    expect(again.nodes.map((n) => n.pid)).toEqual(pids);

    const stopped = await cluster.stop();
    expect(stopped.state).toBe('stopped');
    expect(stopped.nodes.every((n) => n.pid === null && !n.alive)).toBe(true);
    for (const pid of pids) expect(isPidAlive(pid as number)).toBe(false);
  });
});

describe('the kafka CLI', () => {
  it('fails with one line when no Java can be found', async () => {
    const dataDir = mkdtempSync(resolve(tmpdir(), 'kwb-nojava-'));
    // Its own empty cache too: a Java runtime the app downloaded into the shared cache would be found.
    const result = await runKafkaCli(['start', '--data-dir', dataDir, '--port', '9092'], {
      ...envWithoutJava(),
      KWB_CACHE_DIR: resolve(dataDir, 'cache'),
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^kafka: Java 17 or newer is needed to run the local Kafka cluster and none was found: download a Java runtime [^\n]*install-java[^\n]*JAVA_HOME\n$/,
    );
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('names the port that is already in use', async () => {
    const port = await findFreePortBlock(2, 26_000, 27_000);
    const server = createServer();
    await new Promise<void>((done) => server.listen({ host: '127.0.0.1', port: port + 1 }, done));
    const dataDir = mkdtempSync(resolve(tmpdir(), 'kwb-busy-'));
    try {
      const result = await runKafkaCli(['start', '--data-dir', dataDir, '--port', String(port)], process.env);
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n').at(-1)).toMatch(new RegExp(`^kafka: Port ${port + 1} on 127\\.0\\.0\\.1 is already in use`));
    } finally {
      await new Promise((done) => server.close(done));
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('prints status as JSON and exits 0 when the cluster is stopped', async () => {
    const dataDir = mkdtempSync(resolve(tmpdir(), 'kwb-status-'));
    const result = await runKafkaCli(['status', '--json', '--data-dir', dataDir], process.env);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ state: 'stopped', nodes: [] });
    rmSync(dataDir, { recursive: true, force: true });
  });
});
