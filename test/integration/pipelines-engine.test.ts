import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Connection } from '../../shared/connection.js';
import type { Pipeline, PipelineInput, PipelineStatus, ResultsPage } from '../../shared/pipelines.js';
import type { Engine } from '../../electron/engine/engine.js';
import { data, tempDir, testEngine, uniqueName } from '../helpers.js';
import { createTopic, produceInput, readTopic, waitFor } from './pipelines-helpers.js';

const bootstrap = inject('kafkaBootstrap');
const dir = tempDir('pipelines-engine');
let engine: Engine;
let connectionId = '';

const MIN = 60_000;
const BASE = Date.UTC(2024, 4, 1, 12, 0, 0);

beforeAll(async () => {
  engine = testEngine(dir.path);
  const saved = data<Connection>(await engine.dispatch('connections:save', { name: 'suite', bootstrapServers: bootstrap.split(',') }));
  connectionId = saved.id;
  data(await engine.dispatch('connections:activate', { id: saved.id }));
});
afterAll(async () => {
  await engine.dispose();
  dir.remove();
});

async function produce(topic: string, values: string[], keys: string[]): Promise<void> {
  await produceInput(
    bootstrap,
    values.map((value, i) => ({ topic, key: keys[i] ?? null, value })),
  );
}

function s3(topic: string, output: string): PipelineInput {
  return {
    name: uniqueName('S3 sensors'),
    connectionId,
    topics: [topic],
    groupId: uniqueName('pipelines-engine-group'),
    maxRecordsPerBatch: 25,
    triggerIntervalMs: 100,
    projection: [
      { column: 'timestamp', path: 'timestamp', type: 'timestamp', timestampFormat: 'iso' },
      { column: 'sensor_id', path: 'sensor_id', type: 'string' },
      { column: 'temperature', path: 'temperature', type: 'double' },
    ],
    aggregation: {
      groupBy: ['sensor_id'],
      window: { column: 'timestamp', durationMs: 5 * MIN },
      watermarkDelayMs: 10 * MIN,
      aggregates: [
        { fn: 'avg', column: 'temperature', as: 'avg_temperature' },
        { fn: 'count', as: 'num_readings' },
      ],
    },
    outputMode: 'update',
    sinks: [{ kind: 'kafka', topic: output, format: 'json' }],
  };
}

describe('pipelines through engine.dispatch', () => {
  it('saves, starts, reports status and results, and stops an S3 pipeline; a second batch updates its windows in place', async () => {
    const input = uniqueName('input_topic');
    const output = uniqueName('output_topic');
    await createTopic(bootstrap, input, 3);
    const statuses: PipelineStatus[] = [];
    const notices: { pipelineId: string; changedRows: number }[] = [];
    engine.events.on('pipelines:status', (s) => statuses.push(s));
    engine.events.on('pipelines:resultsChanged', (n) => notices.push(n));

    // 3 sensors × 2 windows: readings at BASE + i minutes for i in 0..9 → windows [12:00,12:05) and [12:05,12:10).
    const first = Array.from({ length: 30 }, (_, i) => ({
      timestamp: new Date(BASE + Math.floor(i / 3) * MIN).toISOString(),
      sensor_id: `sensor_${(i % 3) + 1}`,
      temperature: i,
    }));
    await produce(input, [...first.map((r) => JSON.stringify(r)), 'not json'], [...first.map((r) => r.sensor_id), 'bad']);

    const saved = data<Pipeline>(await engine.dispatch('pipelines:save', s3(input, output)));
    expect(data<Pipeline[]>(await engine.dispatch('pipelines:list', undefined)).map((p) => p.id)).toContain(saved.id);
    const started = data<PipelineStatus>(await engine.dispatch('pipelines:start', { id: saved.id }));
    expect(started.state).toBe('running');
    // Editing a running pipeline is refused.
    const edit = await engine.dispatch('pipelines:save', { ...s3(input, output), id: saved.id });
    expect(edit).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    const status = async () => data<PipelineStatus>(await engine.dispatch('pipelines:status', { id: saved.id }));
    await waitFor(() => statuses.some((s) => s.pipelineId === saved.id && s.recordsIn === 31), 60_000, '31 records in');
    const page = data<ResultsPage>(await engine.dispatch('pipelines:results', { id: saved.id, offset: 0, limit: 100 }));
    expect(page.columns).toEqual(['sensor_id', 'window_start', 'window_end', 'avg_temperature', 'num_readings']);
    expect(page.total).toBe(6);
    const expected = (readings: typeof first) => {
      const groups = new Map<string, { sum: number; n: number }>();
      for (const r of readings) {
        const start = Math.floor(Date.parse(r.timestamp) / (5 * MIN)) * 5 * MIN;
        const key = `${r.sensor_id}|${new Date(start).toISOString()}`;
        const g = groups.get(key) ?? { sum: 0, n: 0 };
        g.sum += r.temperature;
        g.n += 1;
        groups.set(key, g);
      }
      return groups;
    };
    const check = (p: ResultsPage, readings: typeof first) => {
      const want = expected(readings);
      expect(p.rows).toHaveLength(want.size);
      for (const row of p.rows) {
        const g = want.get(`${String(row[0])}|${String(row[1])}`);
        expect(g, `row ${JSON.stringify(row)}`).toBeDefined();
        expect(row[4]).toBe(g?.n);
        expect(row[3]).toBeCloseTo((g?.sum ?? 0) / (g?.n ?? 1), 9);
      }
    };
    check(page, first);

    const running = await status();
    expect(running.state).toBe('running');
    expect(running.recordsIn).toBe(31);
    expect(running.rowsOut).toBeGreaterThanOrEqual(6);
    expect(running.badRecords).toEqual({ decode: 1 });
    expect(running.lastBad[0]).toMatchObject({ topic: input, reason: 'decode' });
    expect(running.lateRows).toBe(0);
    // Max event time 12:09 − 10 min delay.
    expect(running.watermarkMs).toBe(BASE + 9 * MIN - 10 * MIN);
    expect(running.openWindows).toBe(6);
    expect(running.lastBatchMs).toBeGreaterThan(0);
    await waitFor(() => statuses.some((s) => s.pipelineId === saved.id && s.lag.length === 3), 10_000, 'lag per partition');
    const lagged = await status();
    expect(lagged.lag.map((l) => l.partition).sort()).toEqual([0, 1, 2]);
    expect(lagged.lag.reduce((n, l) => n + l.lag, 0)).toBe(0);
    expect(lagged.lag.reduce((n, l) => n + Number(l.highWatermark), 0)).toBe(31);
    expect(notices.some((n) => n.pipelineId === saved.id && n.changedRows > 0)).toBe(true);

    // More readings for the same windows plus one 20 minutes later: rows are updated in place, never duplicated,
    // and the watermark moves to 12:20 − 10 min = 12:10, which closes both earlier windows (evicted from state).
    const second = [
      { timestamp: new Date(BASE + 4 * MIN).toISOString(), sensor_id: 'sensor_1', temperature: 100 },
      { timestamp: new Date(BASE + 20 * MIN).toISOString(), sensor_id: 'sensor_2', temperature: 50 },
    ];
    // One at a time: the 12:20 reading must come after the 12:04 one, or the 12:04 one would be late.
    await produce(input, [JSON.stringify(second[0])], ['sensor_1']);
    await waitFor(() => statuses.some((s) => s.pipelineId === saved.id && s.recordsIn === 32), 60_000, '32 records in');
    await produce(input, [JSON.stringify(second[1])], ['sensor_2']);
    await waitFor(() => statuses.some((s) => s.pipelineId === saved.id && s.recordsIn === 33), 60_000, '33 records in');
    const after = data<ResultsPage>(await engine.dispatch('pipelines:results', { id: saved.id, offset: 0, limit: 100 }));
    expect(after.total).toBe(7);
    check(after, [...first, ...second]);
    const paged = data<ResultsPage>(await engine.dispatch('pipelines:results', { id: saved.id, offset: 5, limit: 5 }));
    expect(paged.rows).toEqual(after.rows.slice(5, 10));
    const later = await status();
    expect(later.watermarkMs).toBe(BASE + 10 * MIN);
    expect(later.openWindows).toBe(1);

    const stopped = data<PipelineStatus>(await engine.dispatch('pipelines:stop', { id: saved.id }));
    expect(stopped.state).toBe('stopped');
    expect((await status()).state).toBe('stopped');

    // output_topic: the latest record per (group, window) key equals the results table.
    const records = await readTopic(bootstrap, output, 7);
    const latest = new Map(records.map((r) => [r.key.toString(), JSON.parse(r.value.toString()) as Record<string, unknown>]));
    expect(latest.size).toBe(7);
    for (const row of after.rows) {
      const key = JSON.stringify({ group: { sensor_id: row[0] }, window: { start: row[1], end: row[2] } });
      expect(latest.get(key)?.num_readings).toBe(row[4]);
    }

    // Restart from the checkpoint: nothing is counted twice.
    data(await engine.dispatch('pipelines:start', { id: saved.id }));
    await new Promise((r) => setTimeout(r, 1500));
    const again = data<ResultsPage>(await engine.dispatch('pipelines:results', { id: saved.id, offset: 0, limit: 100 }));
    expect(again.rows).toEqual(after.rows);
    data(await engine.dispatch('pipelines:stop', { id: saved.id }));

    expect(data<{ removed: boolean }>(await engine.dispatch('pipelines:remove', { id: saved.id })).removed).toBe(true);
    expect(await engine.dispatch('pipelines:status', { id: saved.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('refuses append mode without a watermark and reports a missing source topic as a user-facing error', async () => {
    const base = s3('x', 'y');
    const noWatermark = {
      ...base,
      outputMode: 'append' as const,
      aggregation: {
        groupBy: ['sensor_id'],
        window: { column: 'timestamp', durationMs: 5 * MIN },
        aggregates: [{ fn: 'count' as const, as: 'n' }],
      },
    };
    expect(await engine.dispatch('pipelines:save', noWatermark)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const missing = data<Pipeline>(await engine.dispatch('pipelines:save', s3(uniqueName('missing-topic'), uniqueName('out'))));
    const started = await engine.dispatch('pipelines:start', { id: missing.id });
    expect(started.ok).toBe(false);
    expect(started.ok ? '' : started.error.message).toMatch(/missing-topic/);
    expect(data<PipelineStatus>(await engine.dispatch('pipelines:status', { id: missing.id })).state).toBe('failed');
  });
});
