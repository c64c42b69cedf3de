import { describe, expect, it } from 'vitest';
import type { Pipeline, PipelineStatus } from '../../../shared/pipelines.js';
import { missingBucketTarget } from './missing-bucket.js';

type Sink = Pipeline['sinks'][number];
const s3 = (bucket: string): Sink => ({
  kind: 'files',
  format: { kind: 'parquet', codec: 'snappy', timestampUnit: 'ms', rowGroupRows: 100_000 },
  target: {
    kind: 's3',
    bucket,
    prefix: 'parquet_files/',
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:9000',
    forcePathStyle: true,
    credentials: { mode: 'saved', id: 'c1' },
  },
  rolling: { seconds: 60 },
});
const files = (lastError: string | null): PipelineStatus['files'] => ({
  done: 0,
  pending: 1,
  rowsWritten: 0,
  rowsWaiting: 12,
  lastError,
  lastWriteMs: null,
});
const missing = (bucket: string) =>
  `The bucket "${bucket}" does not exist at http://127.0.0.1:9000; create it (Create bucket) or pick another one`;

describe('the Create bucket offer of a stalled pipeline', () => {
  it('names the S3 target whose bucket the last write found missing', () => {
    const pipeline: Pick<Pipeline, 'sinks'> = { sinks: [s3('other-bucket'), s3('streaming-bucket-1')] };
    expect(missingBucketTarget(pipeline, files(missing('streaming-bucket-1')))?.bucket).toBe('streaming-bucket-1');
  });

  it('offers nothing for other write errors, no error, or a local folder', () => {
    const pipeline: Pick<Pipeline, 'sinks'> = {
      sinks: [
        s3('streaming-bucket-1'),
        { kind: 'files', format: { kind: 'jsonl' }, target: { kind: 'local', folder: '/tmp/x' }, rolling: {} },
      ],
    };
    expect(
      missingBucketTarget(pipeline, files('Access denied to bucket "streaming-bucket-1" at http://127.0.0.1:9000: check the credentials')),
    ).toBeNull();
    expect(missingBucketTarget(pipeline, files(null))).toBeNull();
    expect(missingBucketTarget(pipeline, undefined)).toBeNull();
    expect(missingBucketTarget({ sinks: [] }, files(missing('streaming-bucket-1')))).toBeNull();
  });
});
