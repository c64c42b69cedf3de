import { describe, expect, inject, it } from 'vitest';
import type { ProducerView } from '../../shared/producers.js';
import type { Engine } from '../../electron/engine/engine.js';
import { uniqueName, useSuiteEngine } from '../helpers.js';
import { consume, createTopic, data, saveProducer, topicCount, waitForStatus } from './producers-helpers.js';
import { createTopic as createKafkaTopic, watermarks } from '../kafka.js';

const bootstrap = inject('kafkaBootstrap');
let engine: Engine;
let connectionId: string;
useSuiteEngine('producers-recipes', bootstrap, (e, id) => {
  engine = e;
  connectionId = id;
});

async function partitions(topic: string): Promise<number> {
  return (await watermarks(bootstrap, topic)).length;
}

describe('producer recipes and settings', () => {
  it('sets up the three scenarios: topics with their partition counts and their producers', async () => {
    const users = data<ProducerView>(await engine.dispatch('producers:recipe', { connectionId, recipe: 'randomUsers' }));
    expect(users.definition).toMatchObject({
      name: 'Random users',
      topic: 'random-user',
      schedule: { trigger: { kind: 'interval', everyMs: 25_000 }, perRun: 10 },
      config: {
        clientId: 'random-user-producer',
        acks: 'all',
        retries: 3,
        lingerMs: 5,
        batchSize: 16_384,
        compression: 'gzip',
        maxInFlight: 1,
        requestTimeoutMs: 20_000,
      },
    });
    expect(await partitions('random-user')).toBe(3);
    const sensors = data<ProducerView>(await engine.dispatch('producers:recipe', { connectionId, recipe: 'sensors' }));
    expect(sensors.definition).toMatchObject({
      topic: 'input_topic',
      schedule: { trigger: { kind: 'interval', everyMs: 2000 }, maxMessages: 100 },
    });
    expect(await partitions('input_topic')).toBe(3);
    const iss = data<ProducerView>(await engine.dispatch('producers:recipe', { connectionId, recipe: 'iss' }));
    expect(iss.definition).toMatchObject({ topic: 'project_topic', schedule: { trigger: { kind: 'interval', everyMs: 5000 } } });
    expect(await partitions('project_topic')).toBeGreaterThanOrEqual(1);
    // Running a recipe twice updates its producer instead of adding another.
    data(await engine.dispatch('producers:recipe', { connectionId, recipe: 'sensors' }));
    const list = data<ProducerView[]>(await engine.dispatch('producers:list', undefined));
    expect(list.filter((p) => p.definition.name === 'Sensor simulator')).toHaveLength(1);
  });

  it('runs the S2 random-user run shape: 10 requests per run in one go', async () => {
    const topic = uniqueName('prod-s2');
    await createTopic(bootstrap, topic, 3);
    const view = await saveProducer(engine, {
      name: topic,
      connectionId,
      topic,
      source: { kind: 'randomUsers', mode: 'offline', seed: 1 },
      schedule: { trigger: { kind: 'interval', everyMs: 25_000 }, perRun: 10 },
      config: { acks: 'all', retries: 3, lingerMs: 5, batchSize: 16_384, compression: 'gzip', maxInFlight: 1, requestTimeoutMs: 20_000 },
    });
    data(await engine.dispatch('producers:start', { id: view.definition.id }));
    await waitForStatus(engine, view.definition.id, (s) => s.sent === 10);
    await new Promise((r) => setTimeout(r, 1000));
    const stopped = data<{ sent: number }>(await engine.dispatch('producers:stop', { id: view.definition.id }));
    expect(stopped.sent).toBe(10);
    expect(await topicCount(bootstrap, topic)).toBe(10);
  });

  it('sends with an idempotent producer, in order within a partition', async () => {
    const topic = uniqueName('prod-idem');
    await createTopic(bootstrap, topic);
    const view = await saveProducer(engine, {
      name: topic,
      connectionId,
      topic,
      source: { kind: 'sensors', sensorCount: 1 },
      schedule: { trigger: { kind: 'continuous' }, maxMessages: 200 },
      config: { idempotent: true, acks: 'all', maxInFlight: 1, lingerMs: 2, batchSize: 2000 },
    });
    data(await engine.dispatch('producers:start', { id: view.definition.id }));
    expect(await waitForStatus(engine, view.definition.id, (s) => s.state === 'finished' || s.state === 'failed')).toMatchObject({
      state: 'finished',
      sent: 200,
      errors: 0,
    });
    const records = await consume(bootstrap, topic, 200);
    const stamps = records.map((r) => Date.parse((JSON.parse(r.value) as { timestamp: string }).timestamp));
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
  });

  it('refuses an idempotent producer without acks=all', async () => {
    const result = await engine.dispatch('producers:save', {
      name: 'idem-bad',
      connectionId,
      topic: 't',
      source: { kind: 'sensors' },
      schedule: { trigger: { kind: 'continuous' } },
      config: { idempotent: true, acks: '1' },
    });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', message: expect.stringContaining('config.acks: an idempotent producer needs acks=all') as unknown },
    });
  });

  it('fails with the reason when the topic does not exist, and refuses a broken pasted TLE', async () => {
    const topic = uniqueName('prod-missing');
    const view = await saveProducer(engine, {
      name: topic,
      connectionId,
      topic,
      source: { kind: 'sensors' },
      schedule: { trigger: { kind: 'interval', everyMs: 100 } },
    });
    data(await engine.dispatch('producers:start', { id: view.definition.id }));
    const failed = await waitForStatus(engine, view.definition.id, (s) => s.state === 'failed');
    expect(failed.lastError).toBe(`Topic ${topic} does not exist; create it (Producers → Edit, or the Topics page) and start again`);
    const tle = await engine.dispatch('producers:save', {
      name: uniqueName('tle'),
      connectionId,
      topic,
      source: { kind: 'iss', mode: 'offline', tle: 'ISS\n1 nonsense' },
      schedule: { trigger: { kind: 'interval', everyMs: 5000 } },
    });
    expect(tle).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringContaining('line 2') as unknown } });
  });

  it('shows the broker’s words when a record is too large', async () => {
    const topic = uniqueName('prod-large');
    await createKafkaTopic(bootstrap, topic, 1, { configEntries: [{ name: 'max.message.bytes', value: '1000' }] });
    const view = await saveProducer(engine, {
      name: topic,
      connectionId,
      topic,
      source: { kind: 'manual', value: 'x'.repeat(5000) },
      serializer: 'string',
      schedule: { trigger: { kind: 'interval', everyMs: 200 } },
      config: { retries: 0 },
    });
    data(await engine.dispatch('producers:start', { id: view.definition.id }));
    const failed = await waitForStatus(engine, view.definition.id, (s) => s.errors >= 1);
    data(await engine.dispatch('producers:stop', { id: view.definition.id }));
    expect(failed.sent).toBe(0);
    expect(failed.deliveryErrors[0]?.message).toMatch(
      /not delivered \(deliveries failing since \d\d:\d\d:\d\d UTC\): .*(too large|larger than)/i,
    );
  });
});
