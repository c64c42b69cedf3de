import { z } from 'zod';
import { connectionRef, method } from './define.js';

/** One sample: time (epoch ms) and value. */
export const samplePointSchema = z.object({ t: z.number(), v: z.number() });
export type SamplePoint = z.infer<typeof samplePointSchema>;

export const metricsSnapshotSchema = z.object({
  intervalMs: z.number(),
  /** Messages/s per topic from high-watermark deltas (the busiest topics first). */
  topics: z.array(z.object({ name: z.string(), rate: z.array(samplePointSchema) })),
  /** Sampled topic count is capped; `topicsTotal` says how many exist. */
  topicsSampled: z.number().int(),
  topicsTotal: z.number().int(),
  producers: z.array(z.object({ id: z.string(), rate: z.array(samplePointSchema) })),
  pipelines: z.array(
    z.object({
      id: z.string(),
      in: z.array(samplePointSchema),
      out: z.array(samplePointSchema),
      lag: z.array(samplePointSchema),
      /** Lag of each source partition (the first 64 partitions of a pipeline). */
      partitions: z.array(z.object({ topic: z.string(), partition: z.number().int(), lag: z.array(samplePointSchema) })),
    }),
  ),
});
export type MetricsSnapshot = z.infer<typeof metricsSnapshotSchema>;

/** One group (sensor) of a window chart. */
export const windowSeriesSchema = z.object({
  key: z.string(),
  /** Windows the group has before downsampling. */
  windows: z.number().int(),
});
export type WindowSeries = z.infer<typeof windowSeriesSchema>;

/**
 * One chart: rows `{x: window start (epoch ms), <group key>: value, …}` sharing their x across groups
 * (Recharts draws one data array far faster than one array per line). A group without a value at an x
 * has no key in that row.
 */
export const windowChartSchema = z.object({
  measure: z.string(),
  fn: z.string(),
  series: z.array(windowSeriesSchema),
  rows: z.array(z.record(z.string(), z.number())),
});
export type WindowChart = z.infer<typeof windowChartSchema>;

export const windowChartsSchema = z.object({
  /** Result rows (group × window) of the pipeline. */
  windows: z.number().int(),
  /** Newest window start, epoch ms (what a time range is measured back from); null with no windows. */
  newest: z.number().nullable(),
  measures: z.array(windowChartSchema),
  /**
   * Lines: with more windows than a quarter of the width in pixels, each bucket of `lineBucketWindows` windows
   * becomes two rows holding every group's min and max in their order (the envelope survives, spikes
   * included); 1 = every window, exact.
   */
  lineBucketWindows: z.number().int(),
  /** `count` aggregates, drawn as stacked bars: `bucketWindows` windows per bar, the mean per window. */
  counts: z.array(windowChartSchema),
  bucketWindows: z.number().int(),
});
export type WindowCharts = z.infer<typeof windowChartsSchema>;

export const windowChartsInputSchema = z.object({
  id: z.string().min(1).max(64),
  /** Only windows starting within this many ms of the newest window; null = all. */
  rangeMs: z.number().int().positive().nullable().default(null),
  /** The chart's plot width in pixels: line rows are downsampled to at most a quarter as many (a point every 4 px). */
  width: z.number().int().min(10).max(4000).default(900),
});

export const windowChartMethods = {
  'metrics:windowCharts': method(
    windowChartsInputSchema,
    windowChartsSchema,
    'A windowed pipeline’s results as chart series per measure and group, downsampled to the chart width',
  ),
} as const;

export const metricsMethods = {
  'metrics:snapshot': method(
    connectionRef,
    metricsSnapshotSchema,
    'Throughput and lag series of the last 15 minutes (what Control Center showed)',
  ),
  ...windowChartMethods,
} as const;

export const metricsEvents = {
  /** A small notice: new samples exist; the UI fetches the snapshot. */
  'metrics:tick': z.object({ t: z.number() }),
} as const;
