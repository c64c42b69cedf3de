// Smoke test of the PySpark oracle harness (test/spark/): real Spark reads a 1- and a 3-partition
// topic of out-of-order readings, and what the harness reports must hang together with the records
// the test wrote. It checks the harness, not our pipelines (the comparison test does that).
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createTopic, produce, watermarks } from '../kafka.js';
import { uniqueName } from '../helpers.js';
import { runSparkOracle, type SparkBatch, type SparkCase, type SparkCaseResult, type SparkRow } from '../spark/spark-oracle.js';

const bootstrap = inject('kafkaBootstrap');
const BASE = Date.UTC(2024, 0, 1);
const DELAY_MS = 10_000;
const MAX_OFFSETS = 6;
// Event times in seconds after BASE, out of order; reading 14 is very late (far behind the watermark).
const SECONDS = [3, 1, 7, 14, 9, 22, 18, 31, 26, 40, 35, 52, 47, 61, 2];
const readings = SECONDS.map((s, i) => ({ sensor: `s${i % 2}`, ts: BASE + s * 1000, reading: { value: i * 1.25 } }));
// Record i goes to partition i % 3 of the 3-partition topic: maxOffsetsPerTrigger=6 prorated by lag
// then reads records 0–5, 6–11 and 12–14 in batches 0, 1 and 2, as it does from the 1-partition topic.
const batchOf = (i: number) => Math.floor(i / MAX_OFFSETS);
const finalWatermark = Math.max(...readings.map((r) => r.ts)) - DELAY_MS;

const one = uniqueName('spark-oracle-p1');
const three = uniqueName('spark-oracle-p3');
const epochColumns: SparkCase['columns'] = [
  { column: 'ts', path: 'ts', type: 'timestamp', timestampFormat: 'epoch-ms' },
  { column: 'sensor', path: 'sensor', type: 'string' },
  { column: 'value', path: 'reading.value', type: 'double' },
];
const tumbling = { column: 'ts', durationMs: 10_000 };
const sliding = { column: 'ts', durationMs: 20_000, slideMs: 10_000 };
const cases: SparkCase[] = [
  {
    name: 'p1-update',
    topic: one,
    maxOffsetsPerTrigger: MAX_OFFSETS,
    columns: epochColumns,
    window: tumbling,
    watermarkDelayMs: DELAY_MS,
    groupBy: ['sensor'],
    aggregates: [
      { fn: 'count', as: 'n' },
      { fn: 'avg', column: 'value', as: 'mean' },
    ],
    outputMode: 'update',
  },
  {
    name: 'p1-append',
    topic: one,
    maxOffsetsPerTrigger: MAX_OFFSETS,
    columns: epochColumns,
    window: sliding,
    watermarkDelayMs: DELAY_MS,
    aggregates: [{ fn: 'count', as: 'n' }],
    outputMode: 'append',
  },
  {
    name: 'p3-append',
    topic: three,
    maxOffsetsPerTrigger: MAX_OFFSETS,
    columns: epochColumns,
    window: tumbling,
    watermarkDelayMs: DELAY_MS,
    groupBy: ['sensor'],
    aggregates: [{ fn: 'count', as: 'n' }],
    outputMode: 'append',
  },
  {
    name: 'p3-complete',
    topic: three,
    maxOffsetsPerTrigger: MAX_OFFSETS,
    columns: [
      { column: 'ts', path: 'time', type: 'timestamp', timestampFormat: 'iso' },
      { column: 'sensor', path: 'sensor', type: 'string' },
      { column: 'value', path: 'reading.value', type: 'double' },
    ],
    window: tumbling,
    groupBy: ['sensor'],
    aggregates: [
      { fn: 'count', as: 'n' },
      { fn: 'sum', column: 'value', as: 'total' },
    ],
    outputMode: 'complete',
  },
];

/** Windows of an event time, as Spark's window() assigns them ([start, end), aligned to the epoch). */
function windowsOf(
  ts: number,
  { durationMs, slideMs = durationMs }: { durationMs: number; slideMs?: number },
): Array<{ start: number; end: number }> {
  const out = [];
  for (let start = ts - (ts % slideMs); start > ts - durationMs; start -= slideMs) out.push({ start, end: start + durationMs });
  return out;
}

/** Count per "windowStart/group" of the readings that pass `keep(window, i)`. */
function counts(c: SparkCase, keep: (w: { start: number; end: number }, i: number) => boolean = () => true): Map<string, number> {
  const out = new Map<string, number>();
  readings.forEach((r, i) => {
    for (const w of windowsOf(r.ts, c.window ?? tumbling)) {
      if (!keep(w, i)) continue;
      const k = key(w.start, c.groupBy?.length ? r.sensor : '');
      out.set(k, (out.get(k) ?? 0) + 1);
    }
  });
  return out;
}
const key = (start: number, group: string) => `${start}/${group}`;
const rowKey = (row: SparkRow) => key(row.window?.start ?? NaN, typeof row.sensor === 'string' ? row.sensor : '');
const rowCounts = (rows: readonly SparkRow[]) => new Map(rows.map((row) => [rowKey(row), Number(row.n)]));
/** Spark ≥ 3.4 drops a row's window as late when its end is at or before the previous batch's watermark. */
const lateIn = (batches: readonly SparkBatch[]) => (w: { end: number }, i: number) => {
  const previous = batches[batchOf(i) - 1]?.watermarkMs ?? 0;
  return batchOf(i) > 0 && w.end <= previous;
};

let results: SparkCaseResult[];
let started = 0;

beforeAll(async () => {
  await createTopic(bootstrap, one, 1);
  await createTopic(bootstrap, three, 3);
  const value = (r: (typeof readings)[number]) => JSON.stringify({ ...r, time: new Date(r.ts).toISOString() });
  await produce(
    bootstrap,
    readings.map((r) => ({ topic: one, value: value(r) })),
  );
  await produce(
    bootstrap,
    readings.map((r, i) => ({ topic: three, partition: i % 3, value: value(r) })),
  );
  started = Date.now();
  results = await runSparkOracle(bootstrap, cases);
  process.stdout.write(
    `[spark-oracle-smoke] ${cases.length} Spark queries in ${Date.now() - started} ms; batches: ${results.map((r) => `${r.name} [${r.batches.map((b) => b.numInputRows).join(',')}]`).join(', ')}\n`,
  );
}, 300_000);

describe('the PySpark oracle', () => {
  it('reads every record once, in batches of at most maxOffsetsPerTrigger that follow on from each other', async () => {
    for (const [i, result] of results.entries()) {
      const { batches } = result;
      expect(batches.map((b) => b.batchId)).toEqual(batches.map((_, id) => id));
      expect(batches.reduce((n, b) => n + b.numInputRows, 0)).toBe(readings.length);
      for (const b of batches) expect(b.numInputRows).toBeLessThanOrEqual(MAX_OFFSETS);
      expect(batches[0]?.startOffsets).toBeNull();
      for (let k = 1; k < batches.length; k++) expect(batches[k]?.startOffsets).toEqual(batches[k - 1]?.endOffsets);
      const high = Object.fromEntries((await watermarks(bootstrap, cases[i]?.topic ?? '')).map((m) => [String(m.partition), m.high]));
      expect(batches.at(-1)?.endOffsets).toEqual(high);
    }
  });

  it('ends a watermarked query with a no-data batch at the final watermark, after batch 0 ran at watermark 0', () => {
    for (const result of results.filter((r) => r.name !== 'p3-complete')) {
      expect(result.batches[0]?.watermarkMs).toBe(0);
      expect(result.batches.at(-1)).toMatchObject({ numInputRows: 0, watermarkMs: finalWatermark });
      // The data batches: 0–5, 6–11 and 12–14, then the no-data batch.
      expect(result.batches.map((b) => b.numInputRows)).toEqual([6, 6, 3, 0]);
    }
  });

  it('counts the very late reading as dropped by the watermark and leaves it out of the results', () => {
    for (const [i, result] of results.entries()) {
      const c = cases[i];
      if (!c || c.watermarkDelayMs === undefined) continue;
      const dropped = counts(c, lateIn(result.batches));
      expect(dropped.size).toBeGreaterThan(0);
      expect(result.batches.reduce((n, b) => n + b.numRowsDroppedByWatermark, 0)).toBe(dropped.size);
    }
  });

  it('emits in append mode exactly the windows the watermark closed, the last ones in the trailing no-data batch', () => {
    for (const [i, result] of results.entries()) {
      const c = cases[i];
      if (!c || c.outputMode !== 'append') continue;
      const late = lateIn(result.batches);
      const last = result.batches.at(-1);
      const before = result.batches.at(-2)?.watermarkMs ?? 0;
      const closed = counts(c, (w, r) => !late(w, r) && w.end <= finalWatermark);
      expect(rowCounts(result.batches.flatMap((b) => b.rows))).toEqual(closed);
      const closedLast = counts(c, (w, r) => !late(w, r) && w.end > before && w.end <= finalWatermark);
      expect(closedLast.size).toBeGreaterThan(0);
      expect(rowCounts(last?.rows ?? [])).toEqual(closedLast);
    }
  });

  it('ends an update-mode query with every group at its count and mean over the readings it kept', () => {
    const index = cases.findIndex((c) => c.name === 'p1-update');
    const result = results[index];
    const c = cases[index];
    if (!result || !c) throw new Error('no p1-update case');
    const latest = new Map(result.batches.flatMap((b) => b.rows).map((row) => [rowKey(row), row]));
    const late = lateIn(result.batches);
    expect(rowCounts([...latest.values()])).toEqual(counts(c, (w, i) => !late(w, i)));
    const values = new Map<string, number[]>();
    readings.forEach((r, i) => {
      const [w] = windowsOf(r.ts, tumbling);
      if (w && !late(w, i)) values.set(key(w.start, r.sensor), [...(values.get(key(w.start, r.sensor)) ?? []), r.reading.value]);
    });
    for (const [k, row] of latest) {
      const kept = values.get(k) ?? [];
      expect(Number(row.mean)).toBeCloseTo(kept.reduce((a, b) => a + b, 0) / kept.length, 9);
    }
  });

  it('emits the whole result table in every complete-mode batch, ending at the counts and sums of all readings', () => {
    const index = cases.findIndex((c) => c.name === 'p3-complete');
    const result = results[index];
    const c = cases[index];
    if (!result || !c) throw new Error('no p3-complete case');
    for (const b of result.batches) expect(b.rows).toHaveLength(b.numRowsTotal);
    const final = result.batches.at(-1)?.rows ?? [];
    expect(rowCounts(final)).toEqual(counts(c));
    const total = final.reduce((s, row) => s + Number(row.total), 0);
    expect(total).toBeCloseTo(
      readings.reduce((s, r) => s + r.reading.value, 0),
      9,
    );
  });
});
