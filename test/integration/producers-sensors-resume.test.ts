import { afterAll, describe, expect, inject, it } from 'vitest';
import { sensorsSourceSchema } from '../../shared/producers.js';
import { SensorsSource } from '../../electron/engine/producers/sources/sensors.js';
import { tempDir, testEngine, uniqueName } from '../helpers.js';
import { readAll } from '../kafka.js';
import { createTopic, saveConnection, saveProducer, data, waitForStatus } from './producers-helpers.js';

// The sensors simulator resumed by a restart of the engine goes on where it stopped: the rotation
// sensor_1…sensor_N and a seeded sequence continue, so 30 readings from 10 sensors are 3 per sensor
// and equal those of a run without the restart. Before, the resumed session began again at
// sensor_1 with the seed's first values: readings sent before the restart were sent again.
const bootstrap = inject('kafkaBootstrap');
const dir = tempDir('producers-sensors-resume');
afterAll(() => dir.remove());

const LIMIT = 30;
const settings = { kind: 'sensors' as const, seed: 11, sensorCount: 10 };
const values = (r: { sensor_id: string; temperature: number; humidity: number; pressure: number }) =>
  `${r.sensor_id} ${r.temperature} ${r.humidity} ${r.pressure}`;

describe('the sensors simulator across an engine restart', () => {
  it('goes on with the rotation and the seeded sequence where the stopped engine left them', async () => {
    const topic = uniqueName('sensors-resume');
    await createTopic(bootstrap, topic, 1);
    const first = testEngine(dir.path);
    const connectionId = await saveConnection(first, bootstrap);
    const view = await saveProducer(first, {
      name: topic,
      connectionId,
      topic,
      source: settings,
      schedule: { trigger: { kind: 'interval', everyMs: 50 }, maxMessages: LIMIT },
    });
    const id = view.definition.id;
    data(await first.dispatch('producers:start', { id }));
    await waitForStatus(first, id, (s) => s.sent >= 7);
    // Stopped as at quit: the producer stays wanted and the next engine resumes it.
    await first.dispose();
    const before = (await readAll(bootstrap, topic)).length;
    expect(before).toBeLessThan(LIMIT);

    const second = testEngine(dir.path);
    try {
      const finished = await waitForStatus(second, id, (s) => s.state === 'finished');
      expect(finished.sent).toBe(LIMIT);
    } finally {
      await second.dispose();
    }
    const sent = (await readAll(bootstrap, topic)).map((r) =>
      values(JSON.parse(r.value?.toString() ?? '{}') as Parameters<typeof values>[0]),
    );
    const uninterrupted = new SensorsSource(sensorsSourceSchema.parse(settings));
    const expected = Array.from({ length: LIMIT }, () => values(uninterrupted.reading()));
    console.log(`[figure] ${before} readings before the restart, ${sent.length} in all`);
    expect(sent).toEqual(expected);
  }, 120_000);
});
