import { describe, expect, it } from 'vitest';
import { BoundedQueue } from './sources/bounded-queue.js';
import { planRanges } from './sources/topic-source.js';
import { objectKey } from './targets/s3-client.js';
import { describeS3Error } from './targets/s3-errors.js';
import { tempNameFor } from './targets/local-folder.js';
import { textCell, timestampIn, timestampText } from './writers/cell-values.js';

describe('export helpers', () => {
  it('fills date placeholders of an S3 prefix in UTC and joins with exactly one slash', () => {
    const at = new Date(Date.UTC(2026, 0, 9, 23, 5, 7));
    expect(objectKey('a/{yyyy}-{MM}-{dd}T{HH}{mm}{ss}', 'f.csv', at)).toBe('a/2026-01-09T230507/f.csv');
    expect(objectKey('/lead/', 'f.csv', at)).toBe('lead/f.csv');
    expect(objectKey('', 'f.csv', at)).toBe('f.csv');
  });

  it('clamps requested offsets to what each partition holds and refuses an unknown partition', () => {
    const marks = [
      { partition: 1, low: '10', high: '20' },
      { partition: 0, low: '0', high: '5' },
    ];
    expect(planRanges(marks, { partitions: [], fromOffset: '3', toOffset: '15' })).toEqual([
      { partition: 0, from: 3n, to: 5n },
      { partition: 1, from: 10n, to: 15n },
    ]);
    expect(planRanges(marks, { partitions: [1] })).toEqual([{ partition: 1, from: 10n, to: 20n }]);
    expect(planRanges(marks, { partitions: [0], fromOffset: '9' })).toEqual([{ partition: 0, from: 9n, to: 9n }]);
    expect(() => planRanges(marks, { partitions: [7] })).toThrow(/no partition 7/);
  });

  it('writes timestamps as ISO text keeping microseconds, before 1970 too', () => {
    expect(timestampText(1_700_000_000_123_456n, 'timestamp-us')).toBe('2023-11-14T22:13:20.123456Z');
    expect(timestampText(-1n, 'timestamp-us')).toBe('1969-12-31T23:59:59.999999Z');
    expect(timestampText(new Date(0), 'timestamp-ms')).toBe('1970-01-01T00:00:00.000Z');
    expect(timestampIn(1500, 'us')).toBe(1_500_000n);
    expect(timestampIn(1_500_999n, 'ms', 'us')).toBe(1500n);
  });

  it('keeps int64 past 2^53 exact as text and null as null', () => {
    expect(textCell(9_007_199_254_740_993n, 'int64')).toBe('9007199254740993');
    expect(textCell(42n, 'int64')).toBe(42);
    expect(textCell(null, 'string')).toBeNull();
    expect(textCell('false', 'boolean')).toBe(false);
  });

  it('hides temp files behind a dot in the same folder, named after the job when given', () => {
    expect(tempNameFor('a.csv')).toMatch(/^\.a\.csv\.[0-9a-f]{12}\.partial$/);
    expect(tempNameFor('a.csv', '0b6c1a2e-58c4-4f0e-9d2b-1f2a3b4c5d6e')).toBe('.a.csv.0b6c1a2e-58c4-4f0e-9d2b-1f2a3b4c5d6e.partial');
    expect(() => tempNameFor('a.csv', '../x')).toThrow();
  });

  it('tells missing buckets, refused credentials and dropped connections apart', () => {
    const where = { bucket: 'b', endpoint: 'http://x' };
    expect(describeS3Error({ name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } }, where).code).toBe('NOT_FOUND');
    expect(describeS3Error({ name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403 } }, where).code).toBe('AUTH_FAILED');
    expect(describeS3Error({ name: 'Error', code: 'ECONNRESET', message: 'socket hang up' }, where).message).toMatch(
      /connection to http:\/\/x was lost/,
    );
  });

  it('says the default chain found no credentials (no request was sent), not that the server refused them', () => {
    // What @aws-sdk/credential-provider-node throws when no provider has credentials (measured: 47 ms, no request sent).
    const none = describeS3Error(
      { name: 'CredentialsProviderError', message: 'Could not load credentials from any providers' },
      { bucket: 'b', endpoint: 'http://x' },
    );
    expect(none.message).toMatch(
      /^Found no AWS credentials in the default chain .* nothing was sent to http:\/\/x: choose saved credentials \(Exports → S3 credentials\)/,
    );
    expect(none.message).not.toMatch(/refused/);
  });

  it('says the endpoint refused the connection (no upload had begun) and how the caller retries', () => {
    const refused = { name: 'Error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9' };
    expect(describeS3Error(refused, { bucket: 'b', endpoint: 'http://x', retry: 'The pipeline retries it' }).message).toBe(
      'http://x refused the connection (is the S3 server running?); no object was written. The pipeline retries it',
    );
    expect(describeS3Error(refused, { bucket: 'b', endpoint: 'http://x' }).message).toMatch(/no object was written\. Retry the export$/);
  });

  it('makes a producer wait while the queue is full and hands items over in order', async () => {
    const queue = new BoundedQueue<number>(2);
    await queue.push(1);
    await queue.push(2);
    let third = false;
    const pushing = queue.push(3).then(() => (third = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(third).toBe(false);
    const seen: number[] = [];
    const reading = (async () => {
      for await (const n of queue) seen.push(n);
    })();
    await pushing;
    queue.end();
    await reading;
    expect(seen).toEqual([1, 2, 3]);
  });
});
