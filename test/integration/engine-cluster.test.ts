import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ClusterOverview, TopicSummary } from '../../shared/cluster.js';
import type { Connection, ConnectionState, ConnectionTestResult } from '../../shared/connection.js';
import type { Engine } from '../../electron/engine/engine.js';
import { findFreePortBlock } from '../../electron/engine/cluster/ports.js';
import { data, tempDir, testEngine, uniqueName } from '../helpers.js';
import { createTopic } from '../kafka.js';

const bootstrap = inject('kafkaBootstrap');
const dir = tempDir('engine');
let engine: Engine;

beforeAll(() => {
  engine = testEngine(dir.path);
});
afterAll(async () => {
  await engine.dispose();
  dir.remove();
});

describe('engine against the local Kafka started by the suite', () => {
  it('saves a connection, activates it and reports it connected', async () => {
    const saved = data<Connection>(await engine.dispatch('connections:save', { name: 'suite', bootstrapServers: bootstrap.split(',') }));
    expect(saved.id).toBeTruthy();
    const state = data<ConnectionState>(await engine.dispatch('connections:activate', { id: saved.id }));
    expect(state).toMatchObject({ connectionId: saved.id, state: 'connected' });
  });

  it('lists the broker with its host and port in the cluster overview', async () => {
    const [connection] = data<Connection[]>(await engine.dispatch('connections:list', undefined));
    const overview = data<ClusterOverview>(await engine.dispatch('cluster:overview', { connectionId: connection?.id }));
    const [host, port] = (bootstrap.split(',')[0] ?? '').split(':');
    expect(overview.brokers).toHaveLength(1);
    expect(overview.brokers[0]).toMatchObject({ host, port: Number(port), isController: true, rack: null });
    expect(overview.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(overview.controllerId).toBe(overview.brokers[0]?.nodeId);
  });

  it('lists a topic created outside the engine, with its partitions and replication factor', async () => {
    const topic = uniqueName('engine-topics');
    await createTopic(bootstrap, topic, 3, { replicationFactor: 1 });
    const [connection] = data<Connection[]>(await engine.dispatch('connections:list', undefined));
    const topics = data<TopicSummary[]>(await engine.dispatch('topics:list', { connectionId: connection?.id }));
    expect(topics.find((t) => t.name === topic)).toEqual({ name: topic, partitions: 3, replicationFactor: 1, internal: false });
  });

  it('says which broker refused the connection when nothing listens there', async () => {
    const port = await findFreePortBlock(1, 29_000, 30_000);
    const result = data<ConnectionTestResult>(
      await engine.dispatch('connections:test', { connection: { name: 'nowhere', bootstrapServers: [`127.0.0.1:${port}`] } }),
    );
    expect(result.ok).toBe(false);
    expect(result.error).toBe(`Broker 127.0.0.1:${port} refused the connection`);

    const saved = data<Connection>(await engine.dispatch('connections:save', { name: 'nowhere', bootstrapServers: [`127.0.0.1:${port}`] }));
    const state = data<ConnectionState>(await engine.dispatch('connections:activate', { id: saved.id }));
    expect(state.state).toBe('unreachable');
    expect(state.error).toContain(`127.0.0.1:${port}`);
    const overview = await engine.dispatch('cluster:overview', { connectionId: saved.id });
    expect(overview).toMatchObject({ ok: false, error: { code: 'BROKER_UNREACHABLE' } });
  });

  it('answers an invalid payload with a validation error and keeps serving', async () => {
    const bad = await engine.dispatch('connections:save', { name: '', bootstrapServers: ['no-port'] });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(bad.ok ? '' : bad.error.message).toMatch(/bootstrapServers\.0: expected host:port/);
    expect(await engine.dispatch('nope:nothing', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect((await engine.dispatch('connections:list', undefined)).ok).toBe(true);
  });

  it('never writes a connection password to the database in clear', async () => {
    const password = `pw-${uniqueName('secret')}`;
    data<Connection>(
      await engine.dispatch('connections:save', {
        name: 'with sasl',
        bootstrapServers: bootstrap.split(','),
        sasl: { mechanism: 'scram-sha-256', username: 'alice' },
        password,
      }),
    );
    const listed = data<Connection[]>(await engine.dispatch('connections:list', undefined));
    expect(JSON.stringify(listed)).not.toContain(password);
    expect(listed.find((c) => c.name === 'with sasl')?.hasPassword).toBe(true);
    for (const file of ['workbench.sqlite', 'workbench.sqlite-wal']) {
      if (!existsSync(join(dir.path, file))) continue;
      const bytes = readFileSync(join(dir.path, file), { flag: 'r' });
      expect(bytes.includes(Buffer.from(password))).toBe(false);
    }
  });
});
