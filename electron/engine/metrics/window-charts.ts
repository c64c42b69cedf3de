import { WorkbenchError } from '../../../shared/errors.js';
import type { WindowChart, WindowCharts } from '../../../shared/metrics.js';
import type { Db } from '../store/db.js';
import { pipelineResultsRepo } from '../store/pipeline-results-repo.js';
import { findPipeline } from '../store/pipelines-repo.js';

/**
 * Two rows (a bucket's min and max) per 8 px of plot: a point every 4 px. Recharts' cost per update is
 * per point (10 lines × 3 charts); at a point every 2 px one refetch was a ~250 ms main-thread task.
 */
const PIXELS_PER_LINE_BUCKET = 8;
/** Bars are wider than a line's pixels: at most one bar group per this many pixels. */
const PIXELS_PER_BAR = 6;
/**
 * Recharts draws every bar as its own SVG element (with React props): 10 stacked groups × 166 bars
 * measured ~0.5 s per update in Chromium. The stacked chart keeps to this many bars in all.
 */
const MAX_BARS = 400;

/** One measure: group key → window start → value. */
type Measure = Map<string, Map<number, number>>;

/**
 * A windowed pipeline's results (`pipeline_results`, one row per group × window, replaced in place in
 * update mode) as chart rows. Done in the engine so the UI neither pages 20,000 rows nor downsamples
 * on its main thread.
 */
export function windowCharts(db: Db, input: { id: string; rangeMs: number | null; width: number }): WindowCharts {
  const pipeline = findPipeline(db, input.id);
  if (!pipeline) throw new WorkbenchError('NOT_FOUND', 'This pipeline no longer exists; choose another one');
  const aggregation = pipeline.aggregation;
  const empty: WindowCharts = { windows: 0, newest: null, measures: [], lineBucketWindows: 1, counts: [], bucketWindows: 1 };
  if (!aggregation?.window) return empty;
  const results = pipelineResultsRepo(db);
  const newest = results.newestWindowStart(input.id);
  if (newest === null) return empty;
  const since = input.rangeMs === null ? Number.MIN_SAFE_INTEGER : newest - input.rangeMs;
  const rows = results.windowsSince(input.id, since);

  const names = aggregation.aggregates.map((a) => a.as);
  const measures = new Map<string, Measure>(names.map((n) => [n, new Map()]));
  const starts = new Set<number>();
  for (const row of rows) {
    if (row.window_start === null) continue;
    const group = JSON.parse(row.group_json) as unknown[];
    const values = JSON.parse(row.values_json) as Record<string, unknown>;
    starts.add(row.window_start);
    for (const name of names) {
      const y = values[name];
      if (typeof y !== 'number' || !Number.isFinite(y)) continue;
      const key = group.length === 0 ? name : group.map(String).join(' / ');
      const measure = measures.get(name) as Measure;
      let points = measure.get(key);
      if (!points) measure.set(key, (points = new Map<number, number>()));
      points.set(row.window_start, y);
    }
  }
  const xs = [...starts].sort((a, b) => a - b);
  const groups = Math.max(1, ...[...measures.values()].map((m) => m.size));
  const lineBucketWindows = Math.max(1, Math.ceil(xs.length / Math.max(1, Math.floor(input.width / PIXELS_PER_LINE_BUCKET))));
  const barGroups = Math.max(1, Math.min(Math.floor(input.width / PIXELS_PER_BAR), Math.floor(MAX_BARS / groups)));
  const bucketWindows = Math.max(1, Math.ceil(xs.length / barGroups));
  const windowMs = aggregation.window.slideMs ?? aggregation.window.durationMs;

  const chart = (fn: string, name: string, toRows: (measure: Measure, keys: string[]) => Record<string, number>[]): WindowChart => {
    const measure = measures.get(name) ?? new Map<string, Map<number, number>>();
    const keys = [...measure.keys()].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    return { measure: name, fn, series: keys.map((key) => ({ key, windows: measure.get(key)?.size ?? 0 })), rows: toRows(measure, keys) };
  };
  return {
    windows: rows.length,
    newest,
    measures: aggregation.aggregates
      .filter((a) => a.fn !== 'count')
      .map((a) => chart(a.fn, a.as, (m, keys) => envelopeRows(xs, m, keys, lineBucketWindows))),
    lineBucketWindows,
    counts: aggregation.aggregates
      .filter((a) => a.fn === 'count')
      .map((a) => chart(a.fn, a.as, (m, keys) => meanRows(m, keys, bucketWindows * windowMs))),
    bucketWindows,
  };
}

/**
 * Rows for lines: every window when `size` is 1; else per bucket of `size` consecutive windows two
 * rows (its first and last window start) carrying each group's min and max in the order they occur —
 * the line still reaches every extreme, at most a bucket (two pixels) from where it was.
 */
export function envelopeRows(xs: readonly number[], measure: Measure, keys: readonly string[], size: number): Record<string, number>[] {
  const out: Record<string, number>[] = [];
  for (let start = 0; start < xs.length; start += size) {
    const bucket = xs.slice(start, start + size);
    const first: Record<string, number> = { x: bucket[0] };
    const last: Record<string, number> = { x: bucket[bucket.length - 1] };
    for (const key of keys) {
      const points = measure.get(key);
      let min: [number, number] | null = null;
      let max: [number, number] | null = null;
      for (let i = 0; i < bucket.length; i++) {
        const y = points?.get(bucket[i]);
        if (y === undefined) continue;
        if (!min || y < min[1]) min = [i, y];
        if (!max || y > max[1]) max = [i, y];
      }
      if (!min || !max) continue;
      const [a, b] = min[0] <= max[0] ? [min, max] : [max, min];
      if (bucket.length === 1) first[key] = a[1];
      else {
        first[key] = a[1];
        last[key] = b[1];
      }
    }
    out.push(first);
    if (bucket.length > 1) out.push(last);
  }
  return out;
}

/**
 * Rows for stacked bars: windows merged by `span` ms into one bar at the bucket's start, the mean per
 * window (so the axis keeps meaning "per window"). Buckets are aligned on absolute time so every
 * group's bars share their x and stack.
 */
export function meanRows(measure: Measure, keys: readonly string[], span: number): Record<string, number>[] {
  const rows = new Map<number, Record<string, number>>();
  for (const key of keys) {
    const sums = new Map<number, { sum: number; n: number }>();
    for (const [x, y] of measure.get(key) ?? []) {
      const at = Math.floor(x / span) * span;
      const bucket = sums.get(at);
      if (bucket) {
        bucket.sum += y;
        bucket.n++;
      } else sums.set(at, { sum: y, n: 1 });
    }
    for (const [x, { sum, n }] of sums) {
      let row = rows.get(x);
      if (!row) rows.set(x, (row = { x }));
      row[key] = sum / n;
    }
  }
  return [...rows.values()].sort((a, b) => (a.x ?? 0) - (b.x ?? 0));
}
