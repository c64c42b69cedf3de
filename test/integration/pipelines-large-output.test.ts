import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { CheckpointStore } from '../../electron/engine/store/checkpoint-store.js';
import { PipelineRunner } from '../../electron/engine/pipelines/pipeline-runner.js';
import { openDatabase } from '../../electron/engine/store/db.js';
import { tempDir, uniqueName } from '../helpers.js';
import { createTopic, clientOptions, pipelineOf, produceInput, readTopic, waitFor } from './pipelines-helpers.js';

const bootstrap = inject('kafkaBootstrap');
const kafka = clientOptions(bootstrap);
const dir = tempDir('pipelines-large-output');
afterAll(() => dir.remove());

const GROUPS = 20_000;

describe('a batch that emits more results than one produce request may carry', () => {
  it('sends 20,000 results of one batch to the output topic instead of retrying a refused request for ever', async () => {
    const input = uniqueName('large-input');
    const output = uniqueName('large-output');
    await createTopic(bootstrap, input, 1);
    await createTopic(bootstrap, output, 1);
    // One record per group: one batch of 20,000 records emits 20,000 result rows (~2.4 MB of JSON),
    // more than the broker's 1 MiB message.max.bytes for one partition's batch.
    await produceInput(
      bootstrap,
      Array.from({ length: GROUPS }, (_, i) => ({
        topic: input,
        value: JSON.stringify({ device: `device-with-a-long-name-${String(i).padStart(6, '0')}`, reading: i }),
      })),
    );

    const db = openDatabase(join(dir.path, 'large.sqlite'));
    const pipeline = pipelineOf({
      id: 'p-large',
      name: 'large output',
      connectionId: 'test',
      topics: [input],
      groupId: uniqueName('large-group'),
      startingOffsets: { kind: 'earliest' },
      maxRecordsPerBatch: GROUPS,
      projection: [
        { column: 'device', path: 'device', type: 'string' },
        { column: 'reading', path: 'reading', type: 'double' },
      ],
      aggregation: {
        groupBy: ['device'],
        aggregates: [
          { fn: 'count', as: 'n' },
          { fn: 'sum', column: 'reading', as: 'total' },
        ],
      },
      outputMode: 'update',
      sinks: [{ kind: 'kafka', topic: output, format: 'json' }],
    });
    const runner = new PipelineRunner({ db, kafka, pipeline });
    await runner.start();
    try {
      await waitFor(
        () => [...new CheckpointStore(db, pipeline.id).offsets().values()].reduce((a, b) => a + b, 0n) >= BigInt(GROUPS),
        120_000,
        'all records consumed and committed',
      );
    } finally {
      await runner.stop();
    }
    const records = await readTopic(bootstrap, output, GROUPS);
    const latest = new Map(
      records.map((r) => [r.key.toString(), JSON.parse(r.value.toString()) as { device: string; n: number; total: number }]),
    );
    console.log(
      `[pipelines] one batch emitted ${GROUPS} results: ${records.length} records on the output topic, ${latest.size} distinct keys`,
    );
    expect(latest.size).toBe(GROUPS);
    for (const value of latest.values()) expect(value.n).toBe(1);
    expect([...latest.values()].reduce((sum, v) => sum + v.total, 0)).toBe((GROUPS * (GROUPS - 1)) / 2);
    expect(runner.status().error).toBeNull();
    db.close();
  }, 180_000);
});
