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
  rows.map((row) => `${String(row.group[0])}@${((row.window?.start ?? 0) - T0) / MIN}=${String(row.values.n)}`).sort();

describe('AggregationOperator: Spark Structured Streaming golden cases', () => {
  it('computes count, sum, avg, min and max per group and window', () => {
    const op = new AggregationOperator(sensors, 'update');
    const out = op.processBatch([r('a', 1, 10), r('a', 2, 20), r('a', 3, 60), r('b', 1, 5)]);
    const a = out.emitted.find((row) => row.group[0] === 'a');
    expect(a?.values).toEqual({ n: 3, avg_v: 30, sum_v: 90, min_v: 10, max_v: 60 });
    expect(a?.window).toEqual({ start: at(0), end: at(5) });
  });

  // IncrementalExecution (Spark 3.4+, SPARK-40925): eventTimeWatermarkForLateEvents =
  // prevOffsetSeqMetadata.batchWatermarkMs, eventTimeWatermarkForEviction = offsetSeqMetadata.batchWatermarkMs.
  it('drops a row whose window ends exactly at the late-events watermark, the one of the batch before (window.end <= watermark)', () => {
    const op = new AggregationOperator(sensors, 'update');
    op.processBatch([r('a', 20)]); // batch 0: the next batch evicts with minute 10
    expect(op.watermark).toBe(at(10));
    op.processBatch([r('a', 21)]); // batch 1: late-events watermark still none; the next one's is minute 10
    const out = op.processBatch([r('a', 5), r('a', 9.99)]); // window [5, 10): end 10 <= 10
    expect(out.ran).toEqual({ lateEvents: at(10), eviction: at(11) });
    expect(out.lateRows).toBe(2);
    expect(out.droppedByWatermark).toBe(1); // one group + window key: Spark counts after partial aggregation
    expect(out.emitted).toEqual([]);
  });

  it("keeps a row the batch before's watermark had not passed, then evicts its window in the same batch", () => {
    const op = new AggregationOperator(sensors, 'update');
    op.processBatch([r('a', 22)]); // the next batch evicts with minute 12, filters with none
    const out = op.processBatch([r('a', 11), r('a', 3)]);
    expect(out.lateRows).toBe(0);
    expect(brief(out.emitted)).toEqual(['a@0=1', 'a@10=1']); // update emits [0, 5) ...
    expect(out.evicted).toEqual([JSON.stringify(['a', at(0), at(5)])]); // ... and evicts it (end 5 <= 12)
    const later = op.processBatch([r('a', 4)]); // now the late-events watermark is minute 12
    expect(later.lateRows).toBe(1);
    expect(later.emitted).toEqual([]);
  });

  it('before Spark 3.4 (allowMultiple=false), one watermark filters and evicts', () => {
    const op = new AggregationOperator(sensors, 'update', undefined, 'before-3.4');
    op.processBatch([r('a', 22)]);
    const out = op.processBatch([r('a', 11), r('a', 3)]);
    expect(out.ran).toEqual({ lateEvents: at(12), eviction: at(12) });
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

  it('a batch without data does not advance the watermark; it evicts with the one the last batch raised', () => {
    const op = new AggregationOperator(sensors, 'update');
    op.processBatch([r('a', 1), r('a', 20)]); // the next batch evicts with minute 10
    expect(op.owesBatch).toBe(true); // StateStoreSaveExec.shouldRunAnotherBatch: 10 > none
    const out = op.processBatch([]);
    expect(out).toEqual({
      emitted: [],
      upserted: [],
      evicted: [JSON.stringify(['a', at(0), at(5)])],
      lateRows: 0,
      droppedByWatermark: 0,
      ran: { lateEvents: null, eviction: at(10) },
      watermark: at(10),
      previousWatermark: at(10),
    });
    expect(op.owesBatch).toBe(false);
  });

  it('append mode emits a window once, in the batch whose eviction watermark passed its end', () => {
    const op = new AggregationOperator(sensors, 'append');
    expect(op.processBatch([r('a', 1), r('a', 2)]).emitted).toEqual([]); // next eviction watermark -8
    expect(op.processBatch([r('a', 14)]).emitted).toEqual([]); // evicts with -8; next 4
    expect(op.processBatch([r('a', 15)]).emitted).toEqual([]); // evicts with 4: [0,5) still open; next 5
    expect(op.owesBatch).toBe(true);
    const closed = op.processBatch([]); // Spark's no-data batch: evicts with 5
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

  it("evicts state whose window end is at or before the batch's eviction watermark", () => {
    const op = new AggregationOperator(sensors, 'update');
    op.processBatch([r('a', 1), r('a', 6)]);
    expect(op.openWindows).toBe(2);
    expect(op.processBatch([r('a', 20)]).evicted).toEqual([]); // evicts with -4; next 10
    const out = op.processBatch([]); // [0,5) and [5,10) go
    expect(out.evicted).toHaveLength(2);
    expect(op.openWindows).toBe(1);
  });

  it('complete mode emits the whole table each batch and, as Spark, keeps all state and runs no batch without data', () => {
    const op = new AggregationOperator(sensors, 'complete');
    op.processBatch([r('a', 1), r('b', 1)]);
    op.processBatch([r('a', 40)]);
    op.processBatch([r('a', 41)]);
    expect(op.owesBatch).toBe(false);
    const out = op.processBatch([r('a', 2)]); // would be late in update mode
    expect(out.lateRows).toBe(0);
    expect(brief(out.emitted)).toEqual(['a@0=2', 'a@40=2', 'b@0=1']);
  });

  it('counts one record in every sliding window it falls in, and drops it only from closed ones', () => {
    const sliding: AggregationSpec = { ...sensors, window: { column: 'ts', durationMs: 10 * MIN, slideMs: 5 * MIN, offsetMs: 0 } };
    const op = new AggregationOperator(sliding, 'update');
    const first = op.processBatch([r('a', 7)]);
    expect(brief(first.emitted)).toEqual(['a@0=1', 'a@5=1']);
    op.processBatch([r('a', 20)]); // next eviction watermark 10
    const kept = op.processBatch([r('a', 8)]); // filtered with -3: both windows take it; [0,10) then evicted
    expect(brief(kept.emitted)).toEqual(['a@0=2', 'a@5=2']);
    expect(kept.evicted).toEqual([JSON.stringify(['a', at(0), at(10)])]);
    const late = op.processBatch([r('a', 8)]); // filtered with 10: [0,10) is closed, [5,15) open
    expect(brief(late.emitted)).toEqual(['a@5=3']);
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
      previousWatermark: out.previousWatermark,
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
          // The far-future row raised the watermark; the no-data batch Spark then runs evicts with it.
          op.processBatch([]).emitted.forEach((row) => final.set(row.key, row));
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
