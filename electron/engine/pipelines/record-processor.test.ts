import { describe, expect, it } from 'vitest';
import { pipelineInputSchema } from '../../../shared/pipelines.js';
import type { ConsumedRecord } from '../kafka/records.js';
import { RecordProcessor } from './record-processor.js';

const record = (offset: number, value: string): ConsumedRecord => ({
  topic: 'in',
  partition: 0,
  offset,
  timestamp: 0,
  timestampType: 'CreateTime',
  key: null,
  value: Buffer.from(value),
  headers: [],
});

describe('a pipeline filter over hostile records', () => {
  it('sets aside a record the filter is too costly for, and goes on with the others', () => {
    const spec = pipelineInputSchema.parse({
      name: 'p',
      connectionId: 'c',
      topics: ['in'],
      groupId: 'g',
      decoder: 'string',
      filter: 'value.split("").map(x, value.split("")).size() > 0',
      projection: [{ path: '$', column: 'v', type: 'string' }],
    });
    const started = performance.now();
    const out = new RecordProcessor(spec).process('in', 0, [record(0, 'ab'), record(1, 'ab'.repeat(15_000)), record(2, 'cd')]);
    const ms = performance.now() - started;
    expect(out.rows.map((r) => r.v)).toEqual(['ab', 'cd']);
    expect(out.bad.map((b) => [b.offset, b.reason])).toEqual([['1', 'filter-too-costly']]);
    expect(out.bad[0]?.error).toMatch(/Filter too costly for this record/);
    expect(ms).toBeLessThan(2_500);
  });
});
