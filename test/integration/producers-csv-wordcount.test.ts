import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Engine } from '../../electron/engine/engine.js';
import type { Pipeline, PipelineStatus, ResultsPage } from '../../shared/pipelines.js';
import { formToInput, wordCountPreset } from '../../renderer/pages/pipelines/pipeline-form-model.js';
import { tempDir, testEngine, uniqueName } from '../helpers.js';
import { readTopic } from './pipelines-helpers.js';
import { consume, createTopic, data, saveConnection, saveProducer, waitForStatus } from './producers-helpers.js';

const bootstrap = inject('kafkaBootstrap');
const dir = tempDir('csv-wordcount');
let engine: Engine;
let connectionId: string;

beforeAll(async () => {
  engine = testEngine(dir.path);
  connectionId = await saveConnection(engine, bootstrap);
});
afterAll(async () => {
  await engine.dispose();
  dir.remove();
});

/** The S4 input: lines of words separated by `:` (the preset's separator), one CSV column. */
const LINES = ['kafka:streams:kafka', 'spark:kafka', 'streams', 'hello:again:hello', 'again', 'word:count:word:count:word'];

describe('CSV replay into the word-count preset', () => {
  it('replays a one-column CSV with the String serializer and the S4 preset counts the real words, in its results and its output topic', async () => {
    const input = uniqueName('streams-plaintext-input');
    const output = uniqueName('streams-wordcount-output');
    await createTopic(bootstrap, input, 2);
    const path = join(dir.path, 'lines.csv');
    writeFileSync(path, `line\n${LINES.join('\n')}\n`);

    const producer = await saveProducer(engine, {
      name: input,
      connectionId,
      topic: input,
      serializer: 'string',
      source: { kind: 'file', path, pacing: 'fast' },
      schedule: { trigger: { kind: 'continuous' } },
    });
    data(await engine.dispatch('producers:start', { id: producer.definition.id }));
    expect(await waitForStatus(engine, producer.definition.id, (s) => s.state === 'finished' || s.state === 'failed')).toMatchObject({
      state: 'finished',
      sent: LINES.length,
      errors: 0,
    });
    // What the topic holds is the text of each row, not `{"line":...}`.
    expect((await consume(bootstrap, input, LINES.length)).map((r) => r.value).sort()).toEqual([...LINES].sort());

    const form = { ...wordCountPreset(), topics: input, groupId: uniqueName('wordcount-s4'), kafkaTopic: output, triggerInterval: '100ms' };
    const made = formToInput(form, connectionId);
    if (!('input' in made)) throw new Error(`the preset does not save: ${JSON.stringify(made.errors)}`);
    const pipeline = data<Pipeline>(await engine.dispatch('pipelines:save', made.input));
    data(await engine.dispatch('pipelines:start', { id: pipeline.id }));
    const status = async () => data<PipelineStatus>(await engine.dispatch('pipelines:status', { id: pipeline.id }));
    for (let until = Date.now() + 60_000; (await status()).recordsIn < LINES.length;) {
      if (Date.now() > until) throw new Error('the pipeline did not read every line');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // An independent count: the original text, split the way the preset says (on `:`).
    const expected: Record<string, number> = {};
    for (const word of LINES.join(':').split(':')) expected[word] = (expected[word] ?? 0) + 1;
    expect(Object.keys(expected).some((w) => /[{}"]/.test(w))).toBe(false);

    const page = data<ResultsPage>(await engine.dispatch('pipelines:results', { id: pipeline.id, offset: 0, limit: 100 }));
    const counted = Object.fromEntries(
      page.rows.map((row) => [String(row[page.columns.indexOf('word')]), Number(row[page.columns.indexOf('count')])]),
    );
    expect(counted).toEqual(expected);

    // The output topic read back: string key = word, value = 64-bit big-endian count; the latest per word wins.
    const records = await readTopic(bootstrap, output, Object.keys(expected).length);
    const latest: Record<string, number> = {};
    for (const r of records) latest[r.key.toString('utf8')] = Number(r.value.readBigInt64BE());
    expect(latest).toEqual(expected);
    expect((await status()).badRecords).toEqual({});
    data(await engine.dispatch('pipelines:stop', { id: pipeline.id }));
  });
});
