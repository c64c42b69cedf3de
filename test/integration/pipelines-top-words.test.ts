import { describe, expect, inject, it } from 'vitest';
import type { Pipeline, PipelineStatus, ResultsPage } from '../../shared/pipelines.js';
import type { Engine } from '../../electron/engine/engine.js';
import { data, uniqueName, useSuiteEngine } from '../helpers.js';
import { createTopic, produceInput } from './pipelines-helpers.js';

// A word count's "top N" is computed by the engine over all its words. Before, the Charts page read
// the first 1,000 result rows in stored order (window, then group text), so with more distinct words
// than that its top 20 were the alphabetically first words, each seen once.
const bootstrap = inject('kafkaBootstrap');
let engine: Engine;
let connectionId = '';
useSuiteEngine('pipelines-top-words', bootstrap, (e, id) => {
  engine = e;
  connectionId = id;
});

describe('the most frequent words of a word count with 100,000 distinct words', () => {
  it('are ordered by count in the engine, whatever their place in the alphabet', { timeout: 180_000 }, async () => {
    const topic = uniqueName('top-words');
    await createTopic(bootstrap, topic, 1);
    // 100,000 words seen once, 100 per line; then 25 words that sort last, seen 2..26 times.
    const lines: string[] = [];
    for (let line = 0; line < 1_000; line++)
      lines.push(Array.from({ length: 100 }, (_, i) => `w${String(line * 100 + i).padStart(6, '0')}`).join(' '));
    const frequent = Array.from({ length: 25 }, (_, i) => ({ word: `zz${String(i).padStart(2, '0')}`, count: i + 2 }));
    for (const { word, count } of frequent) for (let n = 0; n < count; n++) lines.push(word);
    await produceInput(
      bootstrap,
      lines.map((value) => ({ topic, value: Buffer.from(value) })),
    );

    const pipeline = data<Pipeline>(
      await engine.dispatch('pipelines:save', {
        name: uniqueName('top words'),
        connectionId,
        topics: [topic],
        groupId: uniqueName('top-words'),
        decoder: 'string',
        wordSplit: { separator: ' ' },
        aggregation: { groupBy: ['word'], aggregates: [{ fn: 'count', as: 'count' }] },
        maxRecordsPerBatch: 2_000,
      }),
    );
    data(await engine.dispatch('pipelines:start', { id: pipeline.id }));
    await expect
      .poll(async () => data<PipelineStatus>(await engine.dispatch('pipelines:status', { id: pipeline.id })).recordsIn, {
        timeout: 150_000,
        interval: 500,
      })
      .toBe(lines.length);
    data(await engine.dispatch('pipelines:stop', { id: pipeline.id }));

    const top = data<ResultsPage>(await engine.dispatch('pipelines:results', { id: pipeline.id, limit: 20, orderBy: 'count' }));
    expect(top.total).toBe(100_000 + frequent.length);
    const expected = [...frequent].sort((a, b) => b.count - a.count).slice(0, 20);
    expect(top.rows.map(([word, count]) => ({ word, count }))).toEqual(expected);
    // Stored order (the page's default): the first words of the alphabet, each seen once.
    const stored = data<ResultsPage>(await engine.dispatch('pipelines:results', { id: pipeline.id, limit: 20 }));
    expect(stored.rows.map(([word]) => word)).toEqual(Array.from({ length: 20 }, (_, i) => `w${String(i).padStart(6, '0')}`));

    const refused = await engine.dispatch('pipelines:results', { id: pipeline.id, limit: 20, orderBy: 'nope' });
    expect(refused.ok).toBe(false);
    expect(refused.ok ? '' : refused.error.message).toBe('"nope" is not an aggregate of this pipeline; order by one of count');
  });

  it('refuses an order on a pipeline without aggregation instead of ignoring it', async () => {
    const topic = uniqueName('top-words-rows');
    const pipeline = data<Pipeline>(
      await engine.dispatch('pipelines:save', {
        name: uniqueName('rows only'),
        connectionId,
        topics: [topic],
        groupId: uniqueName('rows-only'),
        projection: [{ column: 'word', path: 'word', type: 'string' }],
      }),
    );
    const refused = await engine.dispatch('pipelines:results', { id: pipeline.id, limit: 20, orderBy: 'word' });
    expect(refused.ok ? '' : refused.error.message).toBe(
      'This pipeline has no aggregation: its rows come newest first and cannot be ordered by "word"',
    );
  });
});
