import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers.js';
import { pipelineSchema } from '../../../shared/pipelines.js';
import { openDatabase, type Db } from '../store/db.js';
import { pipelinesRepo } from '../store/pipelines-repo.js';
import { envelopeRows, meanRows, windowCharts } from './window-charts.js';

let dir: ReturnType<typeof tempDir>;
let db: Db;
beforeEach(() => {
  dir = tempDir('window-charts');
  db = openDatabase(join(dir.path, 'workbench.sqlite'));
});
afterEach(() => {
  db.close();
  dir.remove();
});

const aggregation = {
  groupBy: ['sensor_id'],
  window: { column: 'timestamp', durationMs: 1000, offsetMs: 0 },
  aggregates: [
    { fn: 'avg', column: 'temperature', as: 'avg_temperature' },
    { fn: 'count', as: 'num_readings' },
  ],
};

function savePipeline(id: string, agg: unknown = aggregation): void {
  const pipeline = pipelineSchema.parse({
    id,
    name: id,
    connectionId: 'c',
    topics: ['sensors'],
    groupId: `g-${id}`,
    aggregation: agg,
    createdAt: 0,
    updatedAt: 0,
  });
  pipelinesRepo(db).save(pipeline, 0);
}
function saveWindow(id: string, sensor: string, start: number, temperature: number, count: number): void {
  db.prepare(
    `INSERT INTO pipeline_results (pipeline_id, result_key, group_json, window_start, window_end, values_json, batch) VALUES (?, ?, ?, ?, ?, ?, 1)
     ON CONFLICT (pipeline_id, result_key) DO UPDATE SET values_json = excluded.values_json`,
  ).run(
    id,
    `${sensor}@${start}`,
    JSON.stringify([sensor]),
    start,
    start + 1000,
    JSON.stringify({ avg_temperature: temperature, num_readings: count }),
  );
}

describe('windowCharts', () => {
  it('gives one series per group in numeric order, one row per window (an updated window replaces its value)', () => {
    savePipeline('p');
    for (const sensor of ['sensor_10', 'sensor_2']) for (let i = 0; i < 5; i++) saveWindow('p', sensor, i * 1000, 20 + i, 3);
    saveWindow('p', 'sensor_2', 4000, 99, 4); // update mode: the same window again
    const charts = windowCharts(db, { id: 'p', rangeMs: null, width: 900 });
    expect(charts.windows).toBe(10);
    expect(charts.newest).toBe(4000);
    expect(charts.measures.map((m) => [m.measure, m.fn])).toEqual([['avg_temperature', 'avg']]);
    expect(charts.measures[0].series).toEqual([
      { key: 'sensor_2', windows: 5 },
      { key: 'sensor_10', windows: 5 },
    ]);
    expect(charts.measures[0].rows).toEqual(
      [20, 21, 22, 23, 24].map((y, i) => ({ x: i * 1000, sensor_2: i === 4 ? 99 : y, sensor_10: y })),
    );
    expect(charts.counts[0].rows.at(-1)).toEqual({ x: 4000, sensor_2: 4, sensor_10: 3 });
    expect([charts.lineBucketWindows, charts.bucketWindows]).toEqual([1, 1]);
  });

  it('keeps only the time range back from the newest window', () => {
    savePipeline('p');
    for (let i = 0; i < 10; i++) saveWindow('p', 's', i * 1000, i, 1);
    const charts = windowCharts(db, { id: 'p', rangeMs: 3000, width: 900 });
    expect(charts.measures[0].rows.map((r) => r.x)).toEqual([6000, 7000, 8000, 9000]);
  });

  it('downsamples 10 groups × 2,000 windows to the chart width with their extremes, and bars to a few hundred', () => {
    savePipeline('p');
    db.transaction(() => {
      for (let s = 0; s < 10; s++)
        for (let i = 0; i < 2000; i++)
          saveWindow('p', `sensor_${s}`, i * 1000, i === 1234 ? 100 : Math.sin(i / 50) + s, i % 2 === 0 ? 2 : 4);
    })();
    const charts = windowCharts(db, { id: 'p', rangeMs: null, width: 1000 });
    expect(charts.windows).toBe(20_000);
    // 2,000 windows / 125 buckets (8 px each) = 16 windows a bucket, two rows each: 250 rows.
    expect(charts.lineBucketWindows).toBe(16);
    const rows = charts.measures[0].rows;
    expect(rows).toHaveLength(250);
    expect(rows[0].x).toBe(0);
    expect(rows.at(-1)?.x).toBe(1_999_000);
    expect(Math.max(...rows.map((r) => r.sensor_3))).toBe(100); // the spike survives
    expect(charts.measures[0].series.every((s) => s.windows === 2000)).toBe(true);
    // 400 bars / 10 groups = 40 bar groups → 50 windows a bar, each the mean of 2s and 4s.
    expect(charts.bucketWindows).toBe(50);
    expect(charts.counts[0].rows).toHaveLength(40);
    expect(charts.counts[0].rows[0]).toMatchObject({ x: 0, sensor_0: 3, sensor_9: 3 });
  });

  it('is empty for a pipeline without windows and refuses an unknown id', () => {
    savePipeline('q', { groupBy: ['word'], aggregates: [{ fn: 'count', as: 'n' }] });
    expect(windowCharts(db, { id: 'q', rangeMs: null, width: 900 }).measures).toEqual([]);
    expect(() => windowCharts(db, { id: 'nope', rangeMs: null, width: 900 })).toThrow(/no longer exists/);
  });
});

describe('envelopeRows', () => {
  it('puts each group’s min and max of a bucket in the order they occur', () => {
    const measure = new Map([
      [
        'a',
        new Map([
          [0, 5],
          [1, 9],
          [2, 1],
          [3, 4],
        ]),
      ],
      [
        'b',
        new Map([
          [0, 1],
          [1, 2],
          [2, 3],
          [3, 4],
        ]),
      ],
    ]);
    expect(envelopeRows([0, 1, 2, 3], measure, ['a', 'b'], 4)).toEqual([
      { x: 0, a: 9, b: 1 },
      { x: 3, a: 1, b: 4 },
    ]);
    expect(envelopeRows([0, 1], measure, ['a'], 1)).toEqual([
      { x: 0, a: 5 },
      { x: 1, a: 9 },
    ]);
  });
});

describe('meanRows', () => {
  it('aligns buckets on absolute time so groups stack', () => {
    const measure = new Map([
      [
        'a',
        new Map([
          [1000, 1],
          [2000, 3],
          [3000, 5],
        ]),
      ],
      ['b', new Map([[2000, 2]])],
    ]);
    expect(meanRows(measure, ['a', 'b'], 2000)).toEqual([
      { x: 0, a: 1 },
      { x: 2000, a: 4, b: 2 },
    ]);
  });
});
