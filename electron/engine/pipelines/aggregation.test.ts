import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AggregationSpec, OutputMode } from '../../../shared/pipelines.js';
import { AggregationOperator, type ResultRow } from './aggregation.js';
import type { Row } from './row.js';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 1, 10, 0);
const at = (minutes: number) => T0 + minutes * MIN;

/** S3: 5-minute tumbling windows, 10-minute watermark, per sensor. */
const sensors: AggregationSpec = {
  groupBy: ['sensor'],
  window: { column: 'ts', durationMs: 5 * MIN, offsetMs: 0 },
  watermarkDelayMs: 10 * MIN,
  aggregates: [
    { fn: 'count', as: 'n' },
    { fn: 'avg', column: 'v', as: 'avg_v' },
    { fn: 'sum', column: 'v', as: 'sum_v' },
    { fn: 'min', column: 'v', as: 'min_v' },
    { fn: 'max', column: 'v', as: 'max_v' },
  ],
};

const r = (sensor: string, minute: number, v = 1): Row => ({ sensor, ts: at(minute), v });
const brief = (rows: ResultRow[]) =>
  rows
    .map((row) => `${String(row.group[0])}@${((row.window?.start ?? 0) - T0) / MIN}=${String(row.values.n)}`)
    .sort();

describe('AggregationOperator: Spark Structured Streaming golden cases', () => {
  it('computes count, sum, avg, min and max per group and window', () => {
    const op = new AggregationOperator(sensors, 'update');
    const out = op.processBatch([r('a', 1, 10), r('a', 2, 20), r('a', 3, 60), r('b', 1, 5)]);
    const a = out.emitted.find((row) => row.group[0] === 'a');
    expect(a?.values).toEqual({ n: 3, avg_v: 30, sum_v: 90, min_v: 10, max_v: 60 });
    expect(a?.window).toEqual({ start: at(0), end: at(5) });
  });

  it('drops a row whose window ends exactly at the watermark (WatermarkSupport: window.end <= watermark)', () => {
    const op = new AggregationOperator(sensors, 'update');
    op.processBatch([r('a', 20)]); // watermark = 20 - 10 = minute 10
    expect(op.watermark).toBe(at(10));
    const out = op.processBatch([r('a', 5), r('a', 9.99)]); // window [5, 10): end 10 <= 10
    expect(out.lateRows).toBe(2);
    expect(out.emitted).toEqual([]);
  });

  it('counts a late row whose window is still open, drops one whose window closed', () => {
    const op = new AggregationOperator(sensors, 'update');
    op.processBatch([r('a', 22)]); // watermark = minute 12
    // minute 11 is older than the watermark, but its window [10, 15) ends after it: still counted.
    const out = op.processBatch([r('a', 11), r('a', 3)]);
    expect(brief(out.emitted)).toEqual(['a@10=1']);
    expect(out.lateRows).toBe(1);
  });

  it('uses the watermark of the previous batch while a batch runs, even if the batch raises it', () => {
    const op = new AggregationOperator(sensors, 'update');
    // One batch with minute 30 and minute 1: no watermark yet, so minute 1 is counted.
    const out = op.processBatch([r('a', 30), r('a', 1)]);
    expect(out.lateRows).toBe(0);
    expect(brief(out.emitted)).toEqual(['a@0=1', 'a@30=1']);
  });

  it('gives the same result whatever the order of events from several partitions in a batch', () => {
    const p0 = [r('a', 1), r('a', 7), r('b', 13)];
    const p1 = [r('b', 2), r('a', 4), r('a', 12)];
    const one = new AggregationOperator(sensors, 'update').processBatch([...p0, ...p1]);
    const two = new AggregationOperator(sensors, 'update').processBatch([p1[2], p0[0], p1[0], p0[2], p1[1], p0[1]]);
    expect(brief(two.emitted)).toEqual(brief(one.emitted));
    expect(two.watermark).toBe(one.watermark);
    expect(brief(one.emitted)).toEqual(['a@0=2', 'a@10=1', 'a@5=1', 'b@0=1', 'b@10=1']);
  });

  it('does not advance the watermark or emit anything on an empty batch', () => {
    const op = new AggregationOperator(sensors, 'update');
    op.processBatch([r('a', 20)]);
    const out = op.processBatch([]);
    expect(out).toEqual({ emitted: [], upserted: [], evicted: [], lateRows: 0, watermark: at(10) });
  });

  it('append mode emits a window only once, after the watermark passes its end', () => {
    const op = new AggregationOperator(sensors, 'append');
    expect(op.processBatch([r('a', 1), r('a', 2)]).emitted).toEqual([]); // watermark -8: nothing closed
    expect(op.processBatch([r('a', 14)]).emitted).toEqual([]); // watermark 4: [0,5) still open
    const closed = op.processBatch([r('a', 15)]); // watermark 5: [0,5) closes
    expect(brief(closed.emitted)).toEqual(['a@0=2']);
    expect(closed.evicted).toHaveLength(1);
    expect(op.processBatch([r('a', 16)]).emitted).toEqual([]);
  });

  it('update mode emits only the windows a batch changed', () => {
    const op = new AggregationOperator(sensors, 'update');
    op.processBatch([r('a', 1), r('b', 1), r('a', 6)]);
    const out = op.processBatch([r('b', 2)]);
    expect(brief(out.emitted)).toEqual(['b@0=2']);
  });

  it('evicts state whose window end is at or before the new watermark', () => {
    const op = new AggregationOperator(sensors, 'update');
    op.processBatch([r('a', 1), r('a', 6)]);
    expect(op.openWindows).toBe(2);
    const out = op.processBatch([r('a', 20)]); // watermark 10: [0,5) and [5,10) go
    expect(out.evicted).toHaveLength(2);
    expect(op.openWindows).toBe(1);
  });

  it('complete mode emits the whole table each batch and, as Spark, keeps all state', () => {
    const op = new AggregationOperator(sensors, 'complete');
    op.processBatch([r('a', 1), r('b', 1)]);
    op.processBatch([r('a', 40)]);
    const out = op.processBatch([r('a', 2)]); // would be late in update mode
    expect(out.lateRows).toBe(0);
    expect(brief(out.emitted)).toEqual(['a@0=2', 'a@40=1', 'b@0=1']);
  });

  it('counts one record in every sliding window it falls in, and drops it only from closed ones', () => {
    const sliding: AggregationSpec = { ...sensors, window: { column: 'ts', durationMs: 10 * MIN, slideMs: 5 * MIN, offsetMs: 0 } };
    const op = new AggregationOperator(sliding, 'update');
    const first = op.processBatch([r('a', 7)]);
    expect(brief(first.emitted)).toEqual(['a@0=1', 'a@5=1']);
    op.processBatch([r('a', 20)]); // watermark 10: [0,10) closed, [5,15) open
    const late = op.processBatch([r('a', 8)]);
    expect(brief(late.emitted)).toEqual(['a@5=2']);
    expect(late.lateRows).toBe(1);
  });

  it('restores from a checkpoint and continues as if never stopped', () => {
    const whole = new AggregationOperator(sensors, 'update');
    whole.processBatch([r('a', 1), r('a', 2)]);
    const expected = whole.processBatch([r('a', 3)]);

    const first = new AggregationOperator(sensors, 'update');
    const out = first.processBatch([r('a', 1), r('a', 2)]);
    const restored = new AggregationOperator(sensors, 'update', {
      entries: JSON.parse(JSON.stringify(out.upserted)) as typeof out.upserted,
      watermark: out.watermark,
    });
    expect(restored.processBatch([r('a', 3)]).emitted).toEqual(expected.emitted);
  });
});

describe('AggregationOperator property (Spark guarantee: data within the delay is never dropped)', () => {
  const modes: OutputMode[] = ['update', 'append', 'complete'];
  it.each(modes)('%s mode: with no lateness beyond the delay, final results equal a plain group-by', (mode) => {
    const delay = 10 * MIN;
    const event = fc.record({
      sensor: fc.constantFrom('s1', 's2', 's3'),
      // Events at most `delay` behind the running maximum: generated as a non-decreasing base plus jitter.
      step: fc.integer({ min: 0, max: 3 * MIN }),
      jitter: fc.integer({ min: 0, max: delay }),
      v: fc.integer({ min: -50, max: 50 }),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 120 }), fc.array(fc.integer({ min: 1, max: 15 }), { minLength: 1 }), (events, cuts) => {
        let base = T0;
        const rows: Row[] = events.map((e) => {
          base += e.step;
          return { sensor: e.sensor, ts: Math.max(T0, base - e.jitter), v: e.v };
        });
        // Keep the generator honest: no row older than (max so far - delay).
        let max = -Infinity;
        const honest = rows.filter((row) => {
          const ts = row.ts as number;
          max = Math.max(max, ts);
          return ts > max - delay;
        });
        const op = new AggregationOperator(sensors, mode);
        const final = new Map<string, ResultRow>();
        let i = 0;
        let c = 0;
        while (i < honest.length) {
          const size = cuts[c++ % cuts.length] ?? 1;
          const out = op.processBatch(honest.slice(i, i + size));
          i += size;
          expect(out.lateRows).toBe(0);
          for (const row of out.emitted) final.set(row.key, row);
        }
        // Append emits open windows only when they close: flush them with a far-future batch.
        if (mode === 'append') {
          op.processBatch([{ sensor: '__flush', ts: T0 + 1000 * 24 * 60 * MIN, v: 0 }]).emitted.forEach((row) => final.set(row.key, row));
          for (const key of [...final.keys()]) if (key.includes('__flush')) final.delete(key);
        }
        // Plain group-by over all records.
        const groups = new Map<string, { n: number; sum: number; min: number; max: number }>();
        for (const row of honest) {
          const ts = row.ts as number;
          const start = ts - (ts % (5 * MIN));
          const key = JSON.stringify([row.sensor, start, start + 5 * MIN]);
          const g = groups.get(key) ?? { n: 0, sum: 0, min: Infinity, max: -Infinity };
          const v = row.v as number;
          groups.set(key, { n: g.n + 1, sum: g.sum + v, min: Math.min(g.min, v), max: Math.max(g.max, v) });
        }
        expect(new Set(final.keys())).toEqual(new Set(groups.keys()));
        for (const [key, g] of groups) {
          const values = final.get(key)?.values;
          expect(values).toMatchObject({ n: g.n, sum_v: g.sum, min_v: g.min, max_v: g.max });
          expect(values?.avg_v).toBeCloseTo(g.sum / g.n, 9);
        }
      }),
      { numRuns: 200 },
    );
  });
});
