import { describe, expect, inject, it } from 'vitest';
import type { TopicSummary } from '../../shared/cluster.js';
import type { TopicDetail } from '../../shared/topic-browser.js';
import type { Engine } from '../../electron/engine/engine.js';
import { data, uniqueName, useSuiteEngine } from '../helpers.js';

const bootstrap = inject('kafkaBootstrap');
let engine: Engine;
let connectionId: string;
useSuiteEngine('topics-admin', bootstrap, (e, id) => {
  engine = e;
  connectionId = id;
});

describe('topic administration against the local Kafka', () => {
  it('creates a topic with partitions and a config override, and describes partitions and configs', async () => {
    const topic = uniqueName('topics-create');
    const created = await engine.dispatch('topics:create', {
      connectionId,
      topic,
      partitions: 3,
      replicationFactor: 1,
      configs: [{ name: 'retention.ms', value: '3600000' }],
    });
    expect(created).toEqual({ ok: true, data: { topic } });
    const detail = data<TopicDetail>(await engine.dispatch('topics:describe', { connectionId, topic }));
    expect(detail.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
    for (const p of detail.partitions) {
      expect(p.replicas).toHaveLength(1);
      expect(p.isr).toEqual(p.replicas);
      expect(p.leader).toBe(p.replicas[0]);
      expect([p.low, p.high]).toEqual([0, 0]);
    }
    expect(detail.underReplicated).toBe(0);
    const retention = detail.configs.find((c) => c.name === 'retention.ms');
    expect(retention).toMatchObject({ value: '3600000', isDefault: false });
    expect(detail.configs.find((c) => c.name === 'cleanup.policy')).toMatchObject({ value: 'delete', isDefault: true });
    const listed = data<TopicSummary[]>(await engine.dispatch('topics:list', { connectionId }));
    expect(listed.find((t) => t.name === topic)).toMatchObject({ partitions: 3, replicationFactor: 1 });
  });

  it('refuses a second topic of the same name and a name Kafka does not allow', async () => {
    const topic = uniqueName('topics-dupe');
    data(await engine.dispatch('topics:create', { connectionId, topic }));
    expect(await engine.dispatch('topics:create', { connectionId, topic })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: `Topic ${topic} already exists` },
    });
    expect(await engine.dispatch('topics:create', { connectionId, topic: 'bad name!' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
  });

  it('shows the broker’s words for an invalid config value', async () => {
    const topic = uniqueName('topics-badcfg');
    const result = await engine.dispatch('topics:create', {
      connectionId,
      topic,
      configs: [{ name: 'cleanup.policy', value: 'sometimes' }],
    });
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error.message).toMatch(/sometimes/);
  });

  it('adds partitions and refuses to shrink', async () => {
    const topic = uniqueName('topics-grow');
    data(await engine.dispatch('topics:create', { connectionId, topic, partitions: 1 }));
    expect(data(await engine.dispatch('topics:addPartitions', { connectionId, topic, count: 4 }))).toEqual({ partitions: 4 });
    await expect
      .poll(async () => data<TopicDetail>(await engine.dispatch('topics:describe', { connectionId, topic })).partitions.length)
      .toBe(4);
    expect(await engine.dispatch('topics:addPartitions', { connectionId, topic, count: 2 })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
  });

  it('edits one config and keeps the other overrides, and shows the broker’s refusal of a bad value', async () => {
    const topic = uniqueName('topics-alter');
    data(await engine.dispatch('topics:create', { connectionId, topic, configs: [{ name: 'retention.ms', value: '7200000' }] }));
    data(await engine.dispatch('topics:alterConfig', { connectionId, topic, name: 'max.message.bytes', value: '200000' }));
    const detail = data<TopicDetail>(await engine.dispatch('topics:describe', { connectionId, topic }));
    expect(detail.configs.find((c) => c.name === 'retention.ms')).toMatchObject({ value: '7200000', isDefault: false });
    expect(detail.configs.find((c) => c.name === 'max.message.bytes')).toMatchObject({ value: '200000', isDefault: false });
    const bad = await engine.dispatch('topics:alterConfig', { connectionId, topic, name: 'retention.ms', value: 'soon' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(bad.ok ? '' : bad.error.message).toMatch(/soon/);
    data(await engine.dispatch('topics:alterConfig', { connectionId, topic, name: 'retention.ms', value: null }));
    const after = data<TopicDetail>(await engine.dispatch('topics:describe', { connectionId, topic }));
    expect(after.configs.find((c) => c.name === 'retention.ms')?.isDefault).toBe(true);
    expect(after.configs.find((c) => c.name === 'max.message.bytes')?.value).toBe('200000');
  });

  it('deletes a topic, and says a missing topic does not exist', async () => {
    const topic = uniqueName('topics-delete');
    data(await engine.dispatch('topics:create', { connectionId, topic }));
    expect(data(await engine.dispatch('topics:delete', { connectionId, topic }))).toEqual({ deleted: true });
    await expect.poll(async () => (await engine.dispatch('topics:describe', { connectionId, topic })).ok).toBe(false);
    expect(await engine.dispatch('topics:describe', { connectionId, topic })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: `Topic ${topic} does not exist` },
    });
    expect(await engine.dispatch('topics:delete', { connectionId, topic })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
