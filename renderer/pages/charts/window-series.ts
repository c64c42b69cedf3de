import { createLTTB } from 'downsample';
import type { Pipeline, ResultsPage } from '../../../shared/pipelines.js';

export interface SeriesPoint {
  x: number;
  y: number;
}
export interface Series {
  key: string;
  points: SeriesPoint[];
}
export interface MeasureChart {
  measure: string;
  fn: string;
  series: Series[];
}

const lttb = createLTTB<SeriesPoint>({ x: 'x', y: 'y' });

/**
 * A windowed pipeline's result page → one chart per measure, one series per group, x = window start.
 * Rows are keyed by (group, window): a window updated in update mode replaces its point instead of
 * adding a second one.
 */
export function windowCharts(pipeline: Pick<Pipeline, 'aggregation'>, page: ResultsPage): { measures: MeasureChart[]; counts: MeasureChart[] } {
  const aggregation = pipeline.aggregation;
  if (!aggregation?.window) return { measures: [], counts: [] };
  const col = (name: string) => page.columns.indexOf(name);
  const startAt = col('window_start');
  const groupAt = aggregation.groupBy.map(col);
  const build = (fnFilter: (fn: string) => boolean): MeasureChart[] =>
    aggregation.aggregates
      .filter((a) => fnFilter(a.fn))
      .map((a) => {
        const valueAt = col(a.as);
        const bySeries = new Map<string, Map<number, number>>();
        for (const row of page.rows) {
          const start = row[startAt];
          const value = row[valueAt];
          if (typeof start !== 'string' || typeof value !== 'number') continue;
          const key = groupAt.length === 0 ? a.as : groupAt.map((i) => String(row[i])).join(' / ');
          let points = bySeries.get(key);
          if (!points) bySeries.set(key, (points = new Map<number, number>()));
          points.set(Date.parse(start), value);
        }
        const series = [...bySeries.entries()]
          .sort(([a1], [b1]) => a1.localeCompare(b1, undefined, { numeric: true }))
          .map(([key, points]) => ({ key, points: [...points.entries()].map(([x, y]) => ({ x, y })).sort((p, q) => p.x - q.x) }));
        return { measure: a.as, fn: a.fn, series };
      });
  return { measures: build((fn) => fn !== 'count'), counts: build((fn) => fn === 'count') };
}

/** Keeps points whose window starts within `rangeMs` of the newest window (event time, not wall clock). */
export function inRange(series: Series[], rangeMs: number | null): Series[] {
  if (rangeMs === null) return series;
  const newest = Math.max(...series.flatMap((s) => s.points.map((p) => p.x)));
  if (!Number.isFinite(newest)) return series;
  return series.map((s) => ({ ...s, points: s.points.filter((p) => p.x >= newest - rangeMs) }));
}

/** Largest-Triangle-Three-Buckets down to the chart's pixel width, when a series has more points than pixels. */
export function toWidth(points: SeriesPoint[], pixels: number): SeriesPoint[] {
  if (points.length <= pixels || pixels < 3) return points;
  // The library returns an array-like of the same points; copy it into a plain array.
  return Array.from(lttb(points, pixels) as ArrayLike<SeriesPoint>);
}
