import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeClusterState } from './cluster-state.js';
import { LocalCluster } from './local-cluster.js';

// The JVM paths are covered by test/integration/local-cluster.test.ts; these need no Java.
describe('LocalCluster without a running JVM', () => {
  it('reports stopped with no nodes before the first start', async () => {
    const cluster = new LocalCluster({ dataDir: mkdtempSync(join(tmpdir(), 'kwb-lc-')), cacheDir: '/nonexistent' });
    expect(await cluster.status()).toMatchObject({ state: 'stopped', nodes: [], bootstrapServers: [], logFile: null });
    expect(await cluster.logs(10)).toEqual({ file: null, text: '' });
  });

  it('does not take a reused pid for its broker', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kwb-lc-'));
    // Our own pid is alive but is not a JVM running this node's server.properties.
    await writeClusterState(join(dataDir, 'local-kafka', 'cluster.json'), {
      version: 1,
      clusterId: 'x',
      kafkaVersion: '4.4.0',
      brokers: 1,
      port: 39092,
      nodes: [{ nodeId: 1, port: 39092, controllerPort: 39093, pid: process.pid, startedAt: Date.now() }],
    });
    const cluster = new LocalCluster({ dataDir, cacheDir: '/nonexistent' });
    const status = await cluster.status();
    expect(status.state).toBe('stopped');
    expect(status.nodes).toEqual([{ nodeId: 1, port: 39092, controllerPort: 39093, pid: null, alive: false }]);
    expect(status.bootstrapServers).toEqual(['127.0.0.1:39092']);
    // stop() must not signal the unrelated process (this test runner).
    expect((await cluster.stop()).state).toBe('stopped');
  });

  it('rejects options outside the contract', async () => {
    const cluster = new LocalCluster({ dataDir: mkdtempSync(join(tmpdir(), 'kwb-lc-')), cacheDir: '/nonexistent' });
    await expect(cluster.start({ brokers: 2 as 1, port: 9092 })).rejects.toThrow(/Invalid cluster options/);
  });
});
