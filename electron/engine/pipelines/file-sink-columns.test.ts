import { describe, expect, it } from 'vitest';
import { issS1Projection, pipelineSchema, type PipelineInput } from '../../../shared/pipelines.js';
import { fileColumns, fileName } from './file-sink-columns.js';
import { flattenResult } from './result-columns.js';
import { mergeOffsets } from '../store/file-sink-store.js';

const pipeline = (extra: Partial<PipelineInput> = {}) =>
  pipelineSchema.parse({
    id: 'p1',
    name: 'n',
    connectionId: 'c',
    topics: ['t'],
    groupId: 'g',
    projection: issS1Projection,
    createdAt: 0,
    updatedAt: 0,
    ...extra,
  });

describe('file sink columns and names', () => {
  it('types the S1 projection: timestamp in the Parquet unit, doubles, required columns not null', () => {
    expect(fileColumns(pipeline(), { kind: 'parquet', codec: 'snappy', timestampUnit: 'us', rowGroupRows: 1000 })).toEqual([
      { name: 'timestamp', type: 'timestamp-us', nullable: false },
      { name: 'latitude', type: 'double', nullable: false },
      { name: 'longitude', type: 'double', nullable: false },
    ]);
    expect(fileColumns(pipeline(), { kind: 'jsonl' })[0]).toEqual({ name: 'timestamp', type: 'timestamp-ms', nullable: false });
  });

  it('uses the result columns of an aggregation and flattens results in that order', () => {
    const p = pipeline({
      aggregation: {
        groupBy: ['latitude'],
        window: { column: 'timestamp', durationMs: 60_000 },
        aggregates: [
          { fn: 'count', as: 'n' },
          { fn: 'avg', column: 'longitude', as: 'avg_lon' },
        ],
      },
    });
    expect(fileColumns(p, { kind: 'jsonl' }).map((c) => `${c.name}:${c.type}`)).toEqual([
      'latitude:double',
      'window_start:timestamp-ms',
      'window_end:timestamp-ms',
      'n:int64',
      'avg_lon:double',
    ]);
    expect(
      flattenResult({ key: 'k', group: [1.5], window: { start: 0, end: 60_000 }, values: { n: 2, avg_lon: 3 } }, p.aggregation),
    ).toEqual({ latitude: 1.5, window_start: 0, window_end: 60_000, n: 2, avg_lon: 3 });
  });

  it('names a file by pipeline, zero-padded batch range and offset range; the same inputs give the same name', () => {
    const a = fileName('p1', 3, 12, { 't:1': ['5', '9'], 't:0': ['0', '4'] }, 'parquet');
    expect(a).toMatch(/^part-[0-9a-f]{8}-0000000003-0000000012-[0-9a-f]{6}\.parquet$/);
    expect(fileName('p1', 3, 12, { 't:0': ['0', '4'], 't:1': ['5', '9'] }, 'parquet')).toBe(a);
    expect(fileName('p1', 3, 12, { 't:0': ['0', '5'], 't:1': ['5', '9'] }, 'parquet')).not.toBe(a);
    expect(fileName('p2', 3, 12, { 't:0': ['0', '4'], 't:1': ['5', '9'] }, 'parquet')).not.toBe(a);
  });

  it('widens offset ranges per partition as batches join a file', () => {
    expect(mergeOffsets({ 't:0': ['10', '20'] }, { 't:0': ['20', '35'], 't:1': ['0', '3'] })).toEqual({
      't:0': ['10', '35'],
      't:1': ['0', '3'],
    });
  });
});
