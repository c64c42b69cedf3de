import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeClusterState } from './cluster/cluster-state.js';
import { moveLegacyFolders } from './legacy-folders.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** A userData folder as version 0.1.0 left it: jars in cache/, the cluster in local-kafka/. */
async function oldInstall(
  pid: number | null = null,
): Promise<{ root: string; userData: string; cacheDir: string; clusterDataDir: string }> {
  const root = mkdtempSync(join(tmpdir(), 'kwb-legacy-'));
  const userData = join(root, 'Kafka Workbench');
  mkdirSync(join(userData, 'cache', 'kafka-4.4.0', 'libs'), { recursive: true });
  writeFileSync(join(userData, 'cache', 'kafka-4.4.0', 'libs', 'kafka-clients-4.4.0.jar'), 'jar');
  mkdirSync(join(userData, 'local-kafka', 'node-1', 'data'), { recursive: true });
  writeFileSync(join(userData, 'local-kafka', 'node-1', 'data', 'meta.properties'), 'cluster.id=x');
  writeFileSync(join(userData, 'workbench.sqlite'), 'db');
  await writeClusterState(join(userData, 'local-kafka', 'cluster.json'), {
    version: 1,
    clusterId: 'AAAAAAAAAAAAAAAAAAAAAA',
    kafkaVersion: '4.4.0',
    brokers: 1,
    port: 9092,
    nodes: [{ nodeId: 1, port: 9092, controllerPort: 9093, pid, startedAt: null }],
  });
  return { root, userData, cacheDir: join(root, 'cache', 'kafka-workbench'), clusterDataDir: join(root, 'data', 'kafka-workbench') };
}

describe('moving an existing install out of userData', () => {
  it('moves the jars to the cache folder and the local cluster to the data folder, once, and leaves the database', async () => {
    const { userData, cacheDir, clusterDataDir } = await oldInstall();
    const lines = await moveLegacyFolders(userData, { cacheDir, clusterDataDir });
    expect(lines).toHaveLength(2);
    expect(readFileSync(join(cacheDir, 'kafka-4.4.0', 'libs', 'kafka-clients-4.4.0.jar'), 'utf8')).toBe('jar');
    expect(readFileSync(join(clusterDataDir, 'local-kafka', 'node-1', 'data', 'meta.properties'), 'utf8')).toBe('cluster.id=x');
    expect(readdirSync(userData)).toEqual(['workbench.sqlite']);
    expect(await moveLegacyFolders(userData, { cacheDir, clusterDataDir })).toEqual([]);
  });

  it('leaves a local cluster in place while its broker still runs from there', async () => {
    const probe = await oldInstall();
    const properties = join(probe.userData, 'local-kafka', 'node-1', 'server.properties');
    // Stands in for the broker JVM: its last argument is the node's server.properties.
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)', properties], { stdio: 'ignore' });
    children.push(child);
    await writeClusterState(join(probe.userData, 'local-kafka', 'cluster.json'), {
      version: 1,
      clusterId: 'AAAAAAAAAAAAAAAAAAAAAA',
      kafkaVersion: '4.4.0',
      brokers: 1,
      port: 9092,
      nodes: [{ nodeId: 1, port: 9092, controllerPort: 9093, pid: child.pid ?? null, startedAt: Date.now() }],
    });
    const lines = await moveLegacyFolders(probe.userData, { cacheDir: probe.cacheDir, clusterDataDir: probe.clusterDataDir });
    expect(lines.at(-1)).toMatch(/^left .*local-kafka in place while its Kafka runs/);
    expect(existsSync(join(probe.userData, 'local-kafka', 'node-1', 'data', 'meta.properties'))).toBe(true);
    expect(existsSync(join(probe.clusterDataDir, 'local-kafka'))).toBe(false);
  });
});
