import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { PipelineRunner } from '../../electron/engine/pipelines/pipeline-runner.js';
import { CheckpointStore } from '../../electron/engine/store/checkpoint-store.js';
import { openDatabase } from '../../electron/engine/store/db.js';
import type { PipelineInput } from '../../shared/pipelines.js';
import { tempDir, uniqueName } from '../helpers.js';
import { createTopic, clientOptions, pipelineOf, produceInput, readTopic, waitFor } from './pipelines-helpers.js';

const bootstrap = inject('kafkaBootstrap');
const kafka = clientOptions(bootstrap);
const dir = tempDir('pipelines');
afterAll(() => dir.remove());

const MIN = 60_000;
const BASE = Date.UTC(2024, 4, 1, 12, 0, 0);

interface Reading {
  timestamp: string;
  sensor_id: string;
  temperature: number;
  humidity: number;
  pressure: number;
}

/** The S3 producer's shape: 10 sensors, one reading every 2 s, 100 readings. */
function readings(count: number): Reading[] {
  return Array.from({ length: count }, (_, i) => ({
    timestamp: new Date(BASE + i * 2000 * 10).toISOString(), // spread over ~33 minutes so several windows exist
    sensor_id: `sensor_${(i % 10) + 1}`,
    temperature: Math.round((20 + Math.sin(i) * 5) * 100) / 100,
    humidity: 40 + (i % 7),
    pressure: 1000 + (i % 13) * 0.5,
  }));
}

const sensorsPipeline = (topic: string, output: string): PipelineInput => ({
  name: 'S3 sensors',
  connectionId: 'test',
  topics: [topic],
  groupId: uniqueName('pipelines-group'),
  startingOffsets: { kind: 'earliest' },
  maxRecordsPerBatch: 20,
  projection: [
    { column: 'ts', path: 'timestamp', type: 'timestamp', timestampFormat: 'iso' },
    { column: 'sensor_id', path: 'sensor_id', type: 'string' },
    { column: 'temperature', path: 'temperature', type: 'double' },
    { column: 'humidity', path: 'humidity', type: 'double' },
    { column: 'pressure', path: 'pressure', type: 'double' },
  ],
  aggregation: {
    groupBy: ['sensor_id'],
    window: { column: 'ts', durationMs: 5 * MIN },
    watermarkDelayMs: 10 * MIN,
    aggregates: [
      { fn: 'avg', column: 'temperature', as: 'avg_temperature' },
      { fn: 'avg', column: 'humidity', as: 'avg_humidity' },
      { fn: 'avg', column: 'pressure', as: 'avg_pressure' },
      { fn: 'count', as: 'num_readings' },
    ],
  },
  outputMode: 'update',
  sinks: [{ kind: 'kafka', topic: output, format: 'json' }],
});

async function produce(topic: string, values: (string | Buffer)[], keys?: string[]): Promise<void> {
  // Idempotent: a retried send to a just-created topic must not write the records twice.
  await produceInput(
    bootstrap,
    values.map((value, i) => ({ topic, key: keys?.[i] ?? null, value })),
  );
}

function consumedAll(store: CheckpointStore, total: number): boolean {
  let sum = 0n;
  for (const offset of store.offsets().values()) sum += offset;
  return sum >= BigInt(total);
}

describe('pipelines against the local Kafka', () => {
  it('S3: 100 sensor readings in 5-minute windows equal a plain SQL group-by, in SQLite and on output_topic', async () => {
    const input = uniqueName('input_topic');
    const output = uniqueName('output_topic');
    await createTopic(bootstrap, input, 3);
    const data = readings(100);
    // Two bad records: truncated JSON and a missing field. They are counted, never fatal.
    await produce(
      input,
      [...data.map((r) => JSON.stringify(r)), '{"timestamp":', JSON.stringify({ sensor_id: 'sensor_1' })],
      [...data.map((r) => r.sensor_id), 'bad', 'bad'],
    );
    const db = openDatabase(join(dir.path, 's3.sqlite'));
    const pipeline = pipelineOf({ ...sensorsPipeline(input, output), id: 'p-s3' });
    const runner = new PipelineRunner({ db, kafka, pipeline });
    await runner.start();
    await waitFor(() => consumedAll(new CheckpointStore(db, pipeline.id), 102), 60_000, 'all 102 records consumed');
    await runner.stop();

    // Independent reference: the same readings in a fresh SQLite, grouped by plain SQL.
    const ref = new Database(':memory:');
    ref.exec('CREATE TABLE r (ts INTEGER, sensor_id TEXT, temperature REAL, humidity REAL, pressure REAL)');
    const insert = ref.prepare('INSERT INTO r VALUES (?, ?, ?, ?, ?)');
    for (const r of data) insert.run(Date.parse(r.timestamp), r.sensor_id, r.temperature, r.humidity, r.pressure);
    const expected = ref
      .prepare(
        `SELECT sensor_id, (ts / 300000) * 300000 AS window_start, AVG(temperature) AS t, AVG(humidity) AS h, AVG(pressure) AS p, COUNT(*) AS n
         FROM r GROUP BY sensor_id, window_start ORDER BY sensor_id, window_start`,
      )
      .all() as { sensor_id: string; window_start: number; t: number; h: number; p: number; n: number }[];
    const actual = db
      .prepare(
        `SELECT json_extract(group_json, '$[0]') AS sensor_id, window_start,
           json_extract(values_json, '$.avg_temperature') AS t, json_extract(values_json, '$.avg_humidity') AS h,
           json_extract(values_json, '$.avg_pressure') AS p, json_extract(values_json, '$.num_readings') AS n, window_end
         FROM pipeline_results WHERE pipeline_id = ? ORDER BY sensor_id, window_start`,
      )
      .all(pipeline.id) as { sensor_id: string; window_start: number; window_end: number; t: number; h: number; p: number; n: number }[];
    expect(expected.length).toBeGreaterThan(10);
    expect(actual.map((a) => [a.sensor_id, a.window_start, a.n])).toEqual(expected.map((e) => [e.sensor_id, e.window_start, e.n]));
    actual.forEach((a, i) => {
      expect(a.window_end - a.window_start).toBe(5 * MIN);
      expect(a.t).toBeCloseTo(expected[i]?.t ?? NaN, 9);
      expect(a.h).toBeCloseTo(expected[i]?.h ?? NaN, 9);
      expect(a.p).toBeCloseTo(expected[i]?.p ?? NaN, 9);
    });
    const status = runner.status();
    expect(status.badRecords).toEqual({ decode: 1, 'missing-field': 1 });
    expect(status.lastBad.map((b) => b.reason).sort()).toEqual(['decode', 'missing-field']);
    expect(status.lateRows).toBe(0);

    // output_topic: JSON keyed by group + window; the last record per key equals the SQLite row.
    const records = await readTopic(bootstrap, output, expected.length);
    const latest = new Map(records.map((r) => [r.key.toString(), JSON.parse(r.value.toString()) as Record<string, unknown>]));
    expect(latest.size).toBe(expected.length);
    for (const e of expected) {
      const key = JSON.stringify({
        group: { sensor_id: e.sensor_id },
        window: { start: new Date(e.window_start).toISOString(), end: new Date(e.window_start + 5 * MIN).toISOString() },
      });
      expect(latest.get(key)?.num_readings).toBe(e.n);
    }
    db.close();
  });

  it('resumes from its checkpoint after a stop mid-run: counts equal the records produced, no duplicates', async () => {
    const input = uniqueName('restart-input');
    await createTopic(bootstrap, input, 3);
    const total = 3000;
    const data = Array.from({ length: total }, (_, i) => ({
      timestamp: new Date(BASE + i * 1000).toISOString(),
      sensor_id: `sensor_${(i % 10) + 1}`,
      temperature: i % 50,
      humidity: 1,
      pressure: 1,
    }));
    await produce(
      input,
      data.map((r) => JSON.stringify(r)),
      data.map((r) => r.sensor_id),
    );
    const db = openDatabase(join(dir.path, 'restart.sqlite'));
    const spec = sensorsPipeline(input, 'unused');
    const pipeline = pipelineOf({ ...spec, id: 'p-restart', maxRecordsPerBatch: 37, sinks: [] });
    const store = new CheckpointStore(db, pipeline.id);

    // Stopped from the fifth batch's own notice: queued micro-batches run back to back, faster than a poll.
    const stop: { stopping?: Promise<void> } = {};
    const first: PipelineRunner = new PipelineRunner({
      db,
      kafka,
      pipeline,
      onResults: ({ batch }) => {
        if (batch >= 5) stop.stopping ??= first.stop();
      },
    });
    await first.start();
    await waitFor(() => stop.stopping !== undefined, 60_000, 'five batches');
    await stop.stopping;
    const midway = [...store.offsets().values()].reduce((a, b) => a + b, 0n);
    expect(midway).toBeLessThan(BigInt(total));

    const second = new PipelineRunner({ db, kafka, pipeline });
    await second.start();
    await waitFor(() => consumedAll(store, total), 60_000, 'all records consumed');
    await second.stop();

    const counted = db
      .prepare<[string], { n: number }>(
        `SELECT SUM(json_extract(values_json, '$.num_readings')) AS n FROM pipeline_results WHERE pipeline_id = ?`,
      )
      .get(pipeline.id);
    expect(counted?.n).toBe(total);
    const perWindow = db
      .prepare<[string], { n: number }>(
        `SELECT json_extract(values_json, '$.num_readings') AS n FROM pipeline_results WHERE pipeline_id = ? ORDER BY window_start, group_json`,
      )
      .all(pipeline.id)
      .map((r) => r.n);
    // 3000 readings 1 s apart, 10 sensors round-robin: each sensor has 30 readings per full 5-minute window.
    const windows = new Map<string, number>();
    for (const r of data) {
      const ts = Date.parse(r.timestamp);
      const key = `${ts - (ts % (5 * MIN))}|${JSON.stringify([r.sensor_id])}`;
      windows.set(key, (windows.get(key) ?? 0) + 1);
    }
    expect(perWindow).toEqual([...windows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, n]) => n));
    db.close();
  });

  it('S4: counts words of a topic into an output topic as string keys and 64-bit big-endian longs', async () => {
    const input = uniqueName('streams-plaintext-input');
    const output = uniqueName('streams-wordcount-output');
    await createTopic(bootstrap, input, 2);
    const lines = ['kafka:streams:kafka', 'spark:kafka', 'streams', ':spark::'];
    await produce(input, lines);
    const db = openDatabase(join(dir.path, 'wc.sqlite'));
    const pipeline = pipelineOf({
      id: 'p-wc',
      name: 'word count',
      connectionId: 'test',
      topics: [input],
      groupId: uniqueName('wc-group'),
      decoder: 'string',
      wordSplit: { separator: ':' },
      aggregation: { groupBy: ['word'], aggregates: [{ fn: 'count', as: 'count' }] },
      outputMode: 'complete',
      sinks: [{ kind: 'kafka', topic: output, format: 'long' }],
    });
    const runner = new PipelineRunner({ db, kafka, pipeline });
    await runner.start();
    await waitFor(() => consumedAll(new CheckpointStore(db, pipeline.id), lines.length), 60_000, 'all lines consumed');
    await runner.stop();
    const expected: Record<string, number> = {};
    for (const word of lines.join(':').split(':').filter(Boolean)) expected[word] = (expected[word] ?? 0) + 1;
    const records = await readTopic(bootstrap, output, Object.keys(expected).length);
    const latest: Record<string, bigint> = {};
    for (const r of records) {
      expect(r.value.length).toBe(8);
      latest[r.key.toString('utf8')] = r.value.readBigInt64BE();
    }
    expect(latest).toEqual(Object.fromEntries(Object.entries(expected).map(([w, n]) => [w, BigInt(n)])));
    db.close();
  });
});
