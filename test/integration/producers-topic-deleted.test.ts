import { describe, expect, inject, it } from 'vitest';
import type { Engine } from '../../electron/engine/engine.js';
import { uniqueName, useSuiteEngine } from '../helpers.js';
import { deleteTopics } from '../kafka.js';
import { createTopic, data, saveProducer, statusOf, waitForStatus } from './producers-helpers.js';

// A running producer whose topic is deleted says so with the topic's name and since when (the
// broker's own words were "This server does not host this topic-partition"), keeps running, and
// clears its last error once the topic is back and deliveries succeed again.
const bootstrap = inject('kafkaBootstrap');
let engine: Engine;
let connectionId: string;
useSuiteEngine('producers-topic-deleted', bootstrap, (e, id) => {
  engine = e;
  connectionId = id;
});

describe('a producer whose topic is deleted while it runs', () => {
  it('names the missing topic with since when, and recovers when the topic is back', async () => {
    const topic = uniqueName('prod-deleted');
    await createTopic(bootstrap, topic);
    const view = await saveProducer(engine, {
      name: topic,
      connectionId,
      topic,
      source: { kind: 'sensors' },
      schedule: { trigger: { kind: 'interval', everyMs: 100 } },
    });
    const id = view.definition.id;
    data(await engine.dispatch('producers:start', { id }));
    await waitForStatus(engine, id, (s) => s.sent > 0);
    await deleteTopics(bootstrap, [topic]);
    const deleted = Date.now();
    const failing = await waitForStatus(engine, id, (s) => s.lastError !== null, 60_000);
    const saidMs = Date.now() - deleted;
    expect(failing.lastError).toMatch(
      new RegExp(`not delivered \\(deliveries failing since \\d\\d:\\d\\d:\\d\\d UTC\\): Topic ${topic} is not on the cluster`),
    );
    expect(failing.state).toBe('running');

    await createTopic(bootstrap, topic);
    const sentBefore = (await statusOf(engine, id)).sent;
    const recovered = await waitForStatus(engine, id, (s) => s.sent > sentBefore + 3 && s.lastError === null, 60_000);
    expect(recovered.deliveryErrors[0]?.message).toMatch(/is not on the cluster/);
    console.log(`[figure] producer topic deleted: said in ${saidMs} ms: ${String(failing.lastError)}`);
    data(await engine.dispatch('producers:stop', { id }));
  }, 150_000);
});
