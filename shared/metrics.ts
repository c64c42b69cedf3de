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
    z.object({ id: z.string(), in: z.array(samplePointSchema), out: z.array(samplePointSchema), lag: z.array(samplePointSchema) }),
  ),
});
export type MetricsSnapshot = z.infer<typeof metricsSnapshotSchema>;

export const metricsMethods = {
  'metrics:snapshot': method(connectionRef, metricsSnapshotSchema, 'Throughput and lag series of the last 15 minutes (what Control Center showed)'),
} as const;

export const metricsEvents = {
  /** A small notice: new samples exist; the UI fetches the snapshot. */
  'metrics:tick': z.object({ t: z.number() }),
} as const;
