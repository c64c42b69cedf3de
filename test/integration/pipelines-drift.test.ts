import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { CheckpointStore } from '../../electron/engine/store/checkpoint-store.js';
import { PipelineRunner } from '../../electron/engine/pipelines/pipeline-runner.js';
import { openDatabase } from '../../electron/engine/store/db.js';
import { tempDir, uniqueName } from '../helpers.js';
import { createTopic, clientOptions, inputProducer, pipelineOf, waitFor } from './pipelines-helpers.js';

const bootstrap = inject('kafkaBootstrap');
const kafka = clientOptions(bootstrap);
const dir = tempDir('pipelines-drift');
afterAll(() => dir.remove());

const MIN = 60_000;
const BASE = Date.UTC(2024, 4, 1, 12, 0, 0);
const TOTAL = 60_000;
const PARTITIONS = 3;
const STEP_MS = 100;
const SENSORS = 10;

/** Record i: partition i % 3, event time 100 ms after record i − 1 (60,000 records ≈ 100 minutes, 20 windows); ~400 bytes. */
function record(i: number): string {
  return JSON.stringify({
    sensor_id: `sensor_${(i % SENSORS) + 1}`,
    timestamp: new Date(BASE + i * STEP_MS).toISOString(),
    seq: i,
    pad: 'x'.repeat(320),
  });
}

/**
 * Records per producer request (= per record batch) for each partition, as independent producers
 * (or kcat with its 1 MB batches) would leave them. A fetch from the middle of a large batch returns
 * only that batch's tail (the next one may not fit in one fetch's per-partition byte limit), so the
 * partitions with large batches are sometimes handed fewer records than the others.
 */
const BATCH_RECORDS = [500, 1_500, 2_300];

async function preload(topic: string): Promise<void> {
  const producer = inputProducer(bootstrap);
  for (let partition = 0; partition < PARTITIONS; partition++) {
    const ids = Array.from({ length: TOTAL / PARTITIONS }, (_, k) => k * PARTITIONS + partition);
    const size = BATCH_RECORDS[partition] ?? 1_000;
    for (let at = 0; at < ids.length; at += size) {
      await producer.send(ids.slice(at, at + size).map((i) => ({ topic, partition, value: record(i) })));
    }
  }
  await producer.close();
}

describe('pipelines: partitions advance evenly in event time', () => {
  it(
    'evenly spread records over 3 partitions with small micro-batches: nothing is late, results equal a plain group-by',
    { timeout: 180_000 },
    async () => {
      const topic = uniqueName('drift-input');
      await createTopic(bootstrap, topic, PARTITIONS);
      await preload(topic);
      const db = openDatabase(join(dir.path, 'drift.sqlite'));
      const pipeline = pipelineOf({
        id: 'p-drift',
        name: 'drift',
        connectionId: 'test',
        topics: [topic],
        groupId: uniqueName('drift-group'),
        startingOffsets: { kind: 'earliest' },
        maxRecordsPerBatch: 2_000,
        projection: [
          { column: 'ts', path: 'timestamp', type: 'timestamp', timestampFormat: 'iso' },
          { column: 'sensor_id', path: 'sensor_id', type: 'string' },
          { column: 'seq', path: 'seq', type: 'int' },
        ],
        aggregation: {
          groupBy: ['sensor_id'],
          window: { column: 'ts', durationMs: 5 * MIN },
          watermarkDelayMs: 10 * MIN,
          aggregates: [
            { fn: 'count', as: 'n' },
            { fn: 'max', column: 'seq', as: 'max_seq' },
          ],
        },
        outputMode: 'update',
        sinks: [],
      });
      const store = new CheckpointStore(db, pipeline.id);
      const consumed = () => [...store.offsets().values()].reduce((a, b) => a + b, 0n) >= BigInt(TOTAL);
      const runner = new PipelineRunner({ db, kafka, pipeline });
      await runner.start();
      try {
        await waitFor(consumed, 150_000, `all ${TOTAL} records consumed`);
      } finally {
        await runner.stop();
      }

      // The plain group-by, computed from the generator (not from anything the pipeline wrote).
      const expected = new Map<string, { n: number; max: number }>();
      for (let i = 0; i < TOTAL; i++) {
        const ts = BASE + i * STEP_MS;
        const key = `sensor_${(i % SENSORS) + 1}|${ts - (ts % (5 * MIN))}`;
        const e = expected.get(key) ?? { n: 0, max: -1 };
        e.n += 1;
        e.max = Math.max(e.max, i);
        expected.set(key, e);
      }
      const actual = db
        .prepare<[string], { sensor_id: string; window_start: number; n: number; max_seq: number }>(
          `SELECT json_extract(group_json, '$[0]') AS sensor_id, window_start,
           json_extract(values_json, '$.n') AS n, json_extract(values_json, '$.max_seq') AS max_seq
         FROM pipeline_results WHERE pipeline_id = ?`,
        )
        .all(pipeline.id);
      const status = runner.status();
      expect(status.recordsIn).toBe(TOTAL);
      expect(status.lateRows).toBe(0);
      expect(status.batches).toBeGreaterThanOrEqual(TOTAL / pipeline.maxRecordsPerBatch);
      const byKey = new Map(actual.map((a) => [`${a.sensor_id}|${a.window_start}`, { n: a.n, max: a.max_seq }]));
      expect(expected.size).toBe(20 * SENSORS);
      expect([...byKey.entries()].sort()).toEqual([...expected.entries()].sort());
      db.close();
    },
  );
});
