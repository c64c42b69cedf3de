import { afterAll, describe, expect, it } from 'vitest';
import type { AppInfo } from '../../shared/app.js';
import type { ClusterOverview } from '../../shared/cluster.js';
import type { Connection } from '../../shared/connection.js';
import { findFreePortBlock } from '../../electron/engine/cluster/ports.js';
import { readFileSync } from 'node:fs';
import { isPidAlive } from '../../electron/engine/cluster/processes.js';
import { LocalCluster } from '../../electron/engine/cluster/local-cluster.js';
import { selectKafkaVersion } from '../../electron/engine/cluster/kafka-jars.js';
import { resolveCacheDir } from '../../electron/engine/paths.js';
import { data, tempDir, testEngine } from '../helpers.js';

const dir = tempDir('embedded');
const keepDir = tempDir('embedded-keep');
afterAll(async () => {
  // Safety net for the keep-running case: stop what it left running.
  const cluster = new LocalCluster({ dataDir: keepDir.path, cacheDir: resolveCacheDir(), kafkaVersion: selectKafkaVersion() });
  await cluster.stop();
  await cluster.dispose();
  dir.remove();
  keepDir.remove();
});

/** Alive and not a zombie waiting to be reaped (a zombie's cmdline is empty). */
function isRunning(pid: number): boolean {
  if (!isPidAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8') !== '';
  } catch {
    return false;
  }
}

describe('the embedded default', () => {
  it('starts the local cluster when no connection is saved, connects to it, and stops it on quit', async () => {
    const engine = testEngine(dir.path);
    const port = await findFreePortBlock(2, 28_000, 29_000);
    const { connectionId: id, message } = await engine.startDefault({ brokers: 1, port });
    expect(message).toBe(`Started the local cluster on 127.0.0.1:${port} and connected to it.`);

    const info = data<AppInfo>(await engine.dispatch('app:info', undefined));
    expect(info.activeConnectionId).toBe(id);
    const [connection] = data<Connection[]>(await engine.dispatch('connections:list', undefined));
    expect(connection).toMatchObject({ id, name: 'Local cluster', local: true, bootstrapServers: [`127.0.0.1:${port}`] });
    const overview = data<ClusterOverview>(await engine.dispatch('cluster:overview', { connectionId: id }));
    expect(overview.brokers.map((b) => b.port)).toEqual([port]);

    const status = data<{ nodes: { pid: number | null }[] }>(await engine.dispatch('local:status', undefined));
    const pids = status.nodes.map((n) => n.pid).filter((pid): pid is number => pid !== null);
    expect(pids).toHaveLength(1);
    await engine.dispose();
    expect(pids.filter((pid) => isRunning(pid))).toEqual([]);
  });

  // Before, a second start with the local cluster's connection saved started nothing: every page
  // then said the broker refused the connection (this test saw local:status 'stopped').
  it('starts the local cluster again, on its saved port, when it is the active connection', async () => {
    const engine = testEngine(dir.path);
    const [saved] = data<Connection[]>(await engine.dispatch('connections:list', undefined));
    expect(saved?.local).toBe(true);
    expect(data<{ state: string }>(await engine.dispatch('local:status', undefined)).state).toBe('stopped');
    // The options are for a first start; the saved connection's port wins.
    const { connectionId, message } = await engine.startDefault({ brokers: 1, port: 1024 });
    expect(connectionId).toBe(saved?.id);
    expect(message).toBe(
      `Started the local cluster again on ${saved?.bootstrapServers.join(',')} (the active connection is this app's own cluster).`,
    );
    const status = data<{ state: string; bootstrapServers: string[] }>(await engine.dispatch('local:status', undefined));
    expect(status).toMatchObject({ state: 'running', bootstrapServers: saved?.bootstrapServers });
    const overview = data<ClusterOverview>(await engine.dispatch('cluster:overview', { connectionId: saved?.id ?? '' }));
    expect(overview.brokers).toHaveLength(1);
    const pids = (status as unknown as { nodes: { pid: number | null }[] }).nodes
      .map((n) => n.pid)
      .filter((pid): pid is number => pid !== null);
    await engine.dispose();
    expect(pids.filter((pid) => isRunning(pid))).toEqual([]);
  });

  it('leaves a saved connection to another cluster alone', async () => {
    const other = tempDir('embedded-other');
    const engine = testEngine(other.path);
    try {
      const saved = data<Connection>(await engine.dispatch('connections:save', { name: 'elsewhere', bootstrapServers: ['127.0.0.1:1'] }));
      await engine.dispatch('connections:activate', { id: saved.id });
      // Nothing is started: this resolves at once, without a JVM.
      const { connectionId, message } = await engine.startDefault({ brokers: 1, port: 1024 });
      expect(connectionId).toBe(saved.id);
      expect(message).toBe('Using the saved connection "elsewhere" (127.0.0.1:1).');
      expect(data<{ state: string }>(await engine.dispatch('local:status', undefined)).state).toBe('stopped');
    } finally {
      await engine.dispose();
      other.remove();
    }
  });

  it('leaves the broker running on quit when "keep the local cluster running" is set', async () => {
    const engine = testEngine(keepDir.path);
    const saved = data<{ keepRunning: boolean }>(await engine.dispatch('local:saveSettings', { keepRunning: true, mavenMirrorUrl: null }));
    expect(saved.keepRunning).toBe(true);
    const port = await findFreePortBlock(2, 29_000, 30_000);
    await engine.startDefault({ brokers: 1, port });
    const status = data<{ nodes: { pid: number | null }[] }>(await engine.dispatch('local:status', undefined));
    const pids = status.nodes.map((n) => n.pid).filter((pid): pid is number => pid !== null);
    expect(pids).toHaveLength(1);
    await engine.dispose();
    expect(pids.filter((pid) => isRunning(pid))).toEqual(pids);
    const cluster = new LocalCluster({ dataDir: keepDir.path, cacheDir: resolveCacheDir(), kafkaVersion: selectKafkaVersion() });
    expect((await cluster.status()).state).toBe('running');
    await cluster.stop();
    await cluster.dispose();
    expect(pids.filter((pid) => isRunning(pid))).toEqual([]);
  });
});
