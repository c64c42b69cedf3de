import { describe, expect, it } from 'vitest';
import { initialExportForm, toExportRequest } from './export-form-model.js';

describe('export form model', () => {
  it('builds a Parquet topic export to a local folder', () => {
    const form = { ...initialExportForm('/data'), topic: 'sensors', partitions: '0, 2', fromOffset: '10', codec: 'zstd' as const };
    expect(toExportRequest(form, 'c1')).toEqual({
      request: {
        source: { kind: 'topic', connectionId: 'c1', topic: 'sensors', partitions: [0, 2], fromOffset: '10' },
        format: { kind: 'parquet', codec: 'zstd', timestampUnit: 'ms' },
        target: { kind: 'local', folder: '/data' },
      },
    });
  });

  it('builds a tab-separated table export to S3 with explicit keys', () => {
    const form = {
      ...initialExportForm('/data'),
      sourceKind: 'table' as const,
      format: 'csv' as const,
      delimiter: 'tab' as const,
      targetKind: 's3' as const,
      bucket: 'reports',
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
      credentials: 'keys' as const,
      accessKeyId: 'AK',
      secretAccessKey: 'SK',
    };
    const result = toExportRequest(form, null);
    expect(result).toMatchObject({
      request: {
        source: { kind: 'table', table: 'export_history' },
        format: { kind: 'csv', delimiter: '\t', header: true },
        target: {
          kind: 's3',
          bucket: 'reports',
          endpoint: 'http://127.0.0.1:9000',
          forcePathStyle: true,
          credentials: { mode: 'keys', accessKeyId: 'AK', secretAccessKey: 'SK' },
        },
      },
    });
  });

  it('says what to fix: no topic, bad partitions, a short bucket name', () => {
    expect(toExportRequest(initialExportForm('/d'), 'c1')).toEqual({ error: 'Choose a topic' });
    expect(toExportRequest({ ...initialExportForm('/d'), topic: 't', partitions: 'a,1' }, 'c1')).toEqual({
      error: 'partitions: comma-separated partition numbers, e.g. 0,2',
    });
    const s3 = toExportRequest({ ...initialExportForm('/d'), topic: 't', targetKind: 's3', bucket: 'ab' }, 'c1');
    expect('error' in s3 && s3.error).toMatch(/^target\.bucket: /);
  });
});
