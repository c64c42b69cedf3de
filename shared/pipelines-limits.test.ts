import { describe, expect, it } from 'vitest';
import { pipelineInputSchema, pipelineLimitsProblem } from './pipelines.js';

const windowed = (durationMs: number, slideMs: number, maxRecordsPerBatch = 5000) => ({
  name: 'w',
  connectionId: 'c',
  topics: ['t'],
  groupId: 'g',
  maxRecordsPerBatch,
  projection: [{ path: 't', column: 't', type: 'timestamp' as const, timestampFormat: 'epoch-ms' as const }],
  aggregation: { groupBy: [], window: { column: 't', durationMs, slideMs }, aggregates: [{ fn: 'count' as const, as: 'n' }] },
});

describe('windows per record', () => {
  it('refuses a 1-hour window sliding every millisecond, saying how long the slide must be', () => {
    const parsed = pipelineInputSchema.safeParse(windowed(3_600_000, 1));
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe(
      'A 3600000 ms window sliding every 1 ms puts each record in 3,600,000 windows; at most 1,000 (make the slide at least 3600 ms)',
    );
    expect(pipelineInputSchema.safeParse(windowed(60_000, 1)).success).toBe(false);
  });

  it('accepts up to 1,000 windows per record, and bounds records per batch × windows', () => {
    expect(pipelineInputSchema.safeParse(windowed(3_600_000, 60_000)).success).toBe(true);
    const thousand = pipelineInputSchema.parse(windowed(1_000_000, 1_000));
    expect(pipelineLimitsProblem(thousand)).toMatch(/lower the records per batch to 2,000/);
    expect(pipelineLimitsProblem(pipelineInputSchema.parse(windowed(1_000_000, 1_000, 2_000)))).toBeNull();
  });
});
