import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { Engine } from '../../electron/engine/engine.js';
import { tempDir, testEngine, uniqueName } from '../helpers.js';
import { readAll } from '../kafka.js';
import { createTopic, data, saveConnection, saveProducer, statusOf, waitForStatus } from './producers-helpers.js';

// A CSV replay left running when the engine stops (serve's Ctrl+C) goes on after the rows it had
// delivered when the engine starts again. Before, the resumed producer read its file from the first
// row again: with 10 of 40 rows sent before the restart the topic held 50 records, rows 1–10 twice.
const bootstrap = inject('kafkaBootstrap');
const dir = tempDir('producers-file-resume');
const engines: Engine[] = [];
afterAll(async () => {
  await Promise.all(engines.map((e) => e.dispose()));
  dir.remove();
});

function open(): Engine {
  const engine = testEngine(join(dir.path, 'data'));
  engines.push(engine);
  return engine;
}

describe('a file replay across an engine restart', () => {
  it('sends every row of the file once, in order, when the engine stops mid-replay and resumes the producer', async () => {
    const topic = uniqueName('file-resume');
    await createTopic(bootstrap, topic, 1);
    const rows = Array.from({ length: 40 }, (_, i) => `row-${i + 1}:word`);
    const path = join(dir.path, 'rows.csv');
    writeFileSync(path, `line\n${rows.join('\n')}\n`);

    const first = open();
    const connectionId = await saveConnection(first, bootstrap);
    const producer = await saveProducer(first, {
      name: topic,
      connectionId,
      topic,
      serializer: 'string',
      source: { kind: 'file', path },
      schedule: { trigger: { kind: 'interval', everyMs: 50 }, maxMessages: 0 },
    });
    const id = producer.definition.id;
    data(await first.dispatch('producers:start', { id }));
    const before = await waitForStatus(first, id, (s) => s.sent >= 10);
    expect(before.state).toBe('running');
    await first.dispose();
    const sentBefore = (await readAll(bootstrap, topic)).length;
    expect(sentBefore).toBeGreaterThanOrEqual(10);
    expect(sentBefore).toBeLessThan(rows.length);

    const second = open();
    expect((await statusOf(second, id)).state).not.toBe('stopped');
    const done = await waitForStatus(second, id, (s) => s.state === 'finished' || s.state === 'failed', 60_000);
    expect(done).toMatchObject({ state: 'finished', sent: rows.length, errors: 0 });
    const values = (await readAll(bootstrap, topic)).map((r) => r.value?.toString('utf8'));
    console.log(
      `[figure] file replay: ${sentBefore} of ${rows.length} rows sent before the restart, ${values.length} records in the topic after it`,
    );
    expect(values).toEqual(rows);
  }, 120_000);
});
