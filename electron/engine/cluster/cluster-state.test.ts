import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readClusterState, writeClusterState } from './cluster-state.js';
import type { ClusterState } from './cluster-state.js';

const state: ClusterState = {
  version: 1,
  clusterId: 'pG01nW2hX6hXtMf1m_As1A',
  kafkaVersion: '4.4.0',
  brokers: 1,
  port: 9092,
  nodes: [{ nodeId: 1, port: 9092, controllerPort: 9093, pid: 1234, startedAt: 1 }],
};

describe('cluster state file', () => {
  it('round-trips and leaves no temp file behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kwb-state-'));
    const file = join(dir, 'nested', 'cluster.json');
    await writeClusterState(file, state);
    expect(readClusterState(file)).toEqual(state);
    expect(readdirSync(join(dir, 'nested'))).toEqual(['cluster.json']);
  });

  it('treats a missing, truncated or foreign file as no state', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kwb-state-'));
    expect(readClusterState(join(dir, 'none.json'))).toBeNull();
    writeFileSync(join(dir, 'bad.json'), '{"version":1,"clus');
    expect(readClusterState(join(dir, 'bad.json'))).toBeNull();
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ ...state, brokers: 2 }));
    expect(readClusterState(join(dir, 'other.json'))).toBeNull();
  });
});
