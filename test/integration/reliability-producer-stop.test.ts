import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProducerStatus } from '../../shared/producers.js';
import type { Engine } from '../../electron/engine/engine.js';
import { tempDir, testEngine, uniqueName } from '../helpers.js';
import { OwnCluster } from '../reliability/own-cluster.js';
import { createTopic, data, saveConnection, saveProducer, waitForStatus } from './producers-helpers.js';

// Stopping a producer whose broker died answers in seconds: the sends the client keeps retrying
// are given up after a grace period (before, `producers:stop` took ~96 s). The broker is this
// file's own cluster: the suite's shared broker is never killed.
const dir = tempDir('producer-stop');
let cluster: OwnCluster;
let engine: Engine;

beforeAll(async () => {
  cluster = await OwnCluster.start('producer-stop', 1);
  engine = testEngine(join(dir.path, 'engine'));
}, 180_000);
afterAll(async () => {
  await engine?.dispose();
  await cluster?.stop();
  dir.remove();
});

describe('stopping a producer whose broker is gone', () => {
  it('answers within 5 s and the producer is stopped', async () => {
    const topic = uniqueName('stop-dead');
    await createTopic(cluster.bootstrap, topic, 1);
    const connectionId = await saveConnection(engine, cluster.bootstrap, 'own');
    const view = await saveProducer(engine, {
      name: topic,
      connectionId,
      topic,
      source: { kind: 'sensors', seed: 1 },
      schedule: { trigger: { kind: 'continuous' } },
      config: { rateLimit: 500 },
    });
    const id = view.definition.id;
    data(await engine.dispatch('producers:start', { id }));
    await waitForStatus(engine, id, (s) => s.state === 'running' && s.sent > 50);
    await cluster.kill(1);
    // Let sends pile up against the dead broker.
    await new Promise((done) => setTimeout(done, 2_000));
    const started = performance.now();
    const stopped = data<ProducerStatus>(await engine.dispatch('producers:stop', { id }));
    const ms = performance.now() - started;
    console.log(
      `[figure] producers:stop with the broker killed: ${ms.toFixed(0)} ms (state ${stopped.state}, ${stopped.sent} sent, ${stopped.errors} errors)`,
    );
    expect(stopped.state).toBe('stopped');
    expect(ms).toBeLessThan(5_000);
  }, 240_000);
});
