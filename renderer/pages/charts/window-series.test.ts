import { describe, expect, it } from 'vitest';
import type { ResultsPage } from '../../../shared/pipelines.js';
import { inRange, toWidth, windowCharts } from './window-series.js';

const pipeline = {
  aggregation: {
    groupBy: ['sensor_id'],
    window: { column: 'timestamp', durationMs: 300_000, offsetMs: 0 },
    watermarkDelayMs: 600_000,
    aggregates: [
      { fn: 'avg' as const, column: 'temperature', as: 'avg_temperature' },
      { fn: 'count' as const, as: 'num_readings' },
    ],
  },
};
const iso = (min: number) => new Date(Date.UTC(2026, 0, 1, 0, min)).toISOString();
const page = (rows: ResultsPage['rows']): ResultsPage => ({
  columns: ['sensor_id', 'window_start', 'window_end', 'avg_temperature', 'num_readings'],
  rows,
  total: rows.length,
});

describe('windowCharts', () => {
  it('makes one chart per measure with one series per group, sorted by window start', () => {
    const charts = windowCharts(pipeline, page([
      ['sensor_2', iso(5), iso(10), 21.5, 3],
      ['sensor_1', iso(5), iso(10), 20, 2],
      ['sensor_1', iso(0), iso(5), 19, 4],
    ]));
    expect(charts.measures.map((m) => m.measure)).toEqual(['avg_temperature']);
    expect(charts.counts.map((m) => m.measure)).toEqual(['num_readings']);
    expect(charts.measures[0]?.series).toEqual([
      { key: 'sensor_1', points: [{ x: Date.parse(iso(0)), y: 19 }, { x: Date.parse(iso(5)), y: 20 }] },
      { key: 'sensor_2', points: [{ x: Date.parse(iso(5)), y: 21.5 }] },
    ]);
  });

  it('replaces an updated window instead of adding a duplicate point', () => {
    const charts = windowCharts(pipeline, page([
      ['sensor_1', iso(0), iso(5), 19, 4],
      ['sensor_1', iso(0), iso(5), 19.5, 5],
    ]));
    expect(charts.measures[0]?.series[0]?.points).toEqual([{ x: Date.parse(iso(0)), y: 19.5 }]);
  });

  it('has nothing to draw for a pipeline without a window', () => {
    expect(windowCharts({ aggregation: undefined }, page([]))).toEqual({ measures: [], counts: [] });
  });
});

describe('inRange and toWidth', () => {
  const points = Array.from({ length: 1000 }, (_, i) => ({ x: i * 60_000, y: Math.sin(i / 10) }));
  it('keeps the windows of the last range relative to the newest one', () => {
    const [kept] = inRange([{ key: 'a', points }], 15 * 60_000);
    expect(kept?.points[0]?.x).toBe(984 * 60_000);
    expect(kept?.points).toHaveLength(16);
  });
  it('downsamples to the pixel width keeping the first and last points', () => {
    const out = toWidth(points, 200);
    expect(out).toHaveLength(200);
    expect(out[0]).toEqual(points[0]);
    expect(out.at(-1)).toEqual(points.at(-1));
    expect(toWidth(points.slice(0, 50), 200)).toHaveLength(50);
  });
});
