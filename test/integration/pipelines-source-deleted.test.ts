import { describe, expect, inject, it } from 'vitest';
import type { Pipeline, PipelineStatus } from '../../shared/pipelines.js';
import type { Engine } from '../../electron/engine/engine.js';
import { data, uniqueName, useSuiteEngine } from '../helpers.js';
import { createTopic, deleteTopics, produce } from '../kafka.js';

// A pipeline whose source topic is deleted says so in words, with since when, instead of a bare
// "retrying" (or nothing).
const bootstrap = inject('kafkaBootstrap');
let engine: Engine;
let connectionId: string;
useSuiteEngine('pipelines-source-deleted', bootstrap, (e, id) => {
  engine = e;
  connectionId = id;
});

describe('a pipeline whose source topic is deleted', () => {
  it('says the source topic was deleted, and since when', async () => {
    const input = uniqueName('deleted-source');
    await createTopic(bootstrap, input, 1);
    await produce(
      bootstrap,
      Array.from({ length: 10 }, (_, i) => ({ topic: input, value: JSON.stringify({ n: i }) })),
    );
    const saved = data<Pipeline>(
      await engine.dispatch('pipelines:save', {
        name: uniqueName('deleted'),
        connectionId,
        topics: [input],
        groupId: uniqueName('deleted-group'),
        projection: [{ column: 'n', path: 'n', type: 'int' }],
        sinks: [{ kind: 'sqlite-table', table: `t_${Date.now().toString(36)}` }],
      }),
    );
    data(await engine.dispatch('pipelines:start', { id: saved.id }));
    await expect
      .poll(async () => data<PipelineStatus>(await engine.dispatch('pipelines:status', { id: saved.id })).recordsIn, { timeout: 30_000 })
      .toBe(10);
    await deleteTopics(bootstrap, [input]);
    const deleted = performance.now();
    let status: PipelineStatus | null = null;
    await expect
      .poll(
        async () => {
          status = data<PipelineStatus>(await engine.dispatch('pipelines:status', { id: saved.id }));
          return status.error ?? '';
        },
        { timeout: 30_000, interval: 200 },
      )
      .toMatch(new RegExp(`Source topic ${input} was deleted or does not exist \\(since \\d\\d:\\d\\d:\\d\\d UTC\\)`));
    const saidMs = performance.now() - deleted;
    console.log(`[figure] source topic deleted: said in ${saidMs.toFixed(0)} ms: ${String((status as PipelineStatus | null)?.error)}`);
    // The reader has no client retries of its own (the run loop retries and reports): said at once,
    // where the client's retries took ~18 s.
    expect(saidMs).toBeLessThan(5_000);
    expect(status).toMatchObject({ state: 'running', stalledSince: expect.any(Number) as unknown });

    // Back: the topic is created again, the pipeline reads on and is no longer stalled.
    await createTopic(bootstrap, input, 1);
    await produce(
      bootstrap,
      Array.from({ length: 5 }, (_, i) => ({ topic: input, value: JSON.stringify({ n: 100 + i }) })),
    );
    await expect
      .poll(
        async () => {
          const s = data<PipelineStatus>(await engine.dispatch('pipelines:status', { id: saved.id }));
          return { recordsIn: s.recordsIn, stalledSince: s.stalledSince, error: s.error };
        },
        { timeout: 30_000, interval: 200 },
      )
      .toEqual({ recordsIn: 15, stalledSince: null, error: null });
    data(await engine.dispatch('pipelines:stop', { id: saved.id }));
  }, 90_000);
});
