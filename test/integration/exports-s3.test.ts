import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Target } from '../../shared/exports.js';
import { WorkbenchError } from '../../shared/errors.js';
import { createWriter, writeAll } from '../../electron/engine/exports/writers/create-writer.js';
import type { Row } from '../../electron/engine/exports/writers/types.js';
import { createBucket } from '../../electron/engine/exports/targets/s3-bucket.js';
import { objectKey } from '../../electron/engine/exports/targets/s3-client.js';
import { MIN_PART_SIZE, openS3Output } from '../../electron/engine/exports/targets/s3-output.js';
import { startS3Server, type S3Server } from '../s3-server.js';
import { tempDir, uniqueName, filesUnder } from '../helpers.js';
import { sensorColumns, sensorRows } from './exports-fixtures.js';
import { duckdb } from './exports-readers.js';
import { TcpProxy } from './exports-tcp-proxy.js';

let s3: S3Server;
let proxy: TcpProxy;
let admin: S3Client;
const bucket = `kwb-${Date.now().toString(36)}`;
const dir = tempDir('exports-s3');

function target(overrides: Partial<S3Target> = {}): S3Target {
  return {
    kind: 's3',
    bucket,
    prefix: '',
    region: s3.region,
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { mode: 'keys', accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    ...overrides,
  };
}

function* batches(total: number, size = 20_000): Generator<Row[]> {
  for (let i = 0; i < total; i += size) yield sensorRows(Math.min(size, total - i), i);
}

/** Exports `rows` sensor rows as CSV to `key`; on failure the output is aborted, as the export job does. */
async function exportCsv(t: S3Target, key: string, rows: number): Promise<{ location: string; bytes: number }> {
  const output = await openS3Output(t, key, { partSize: MIN_PART_SIZE });
  const writer = createWriter({ kind: 'csv', delimiter: ',', header: true }, sensorColumns, output.sink);
  try {
    await writeAll(batches(rows), writer);
    await output.commit();
  } catch (error) {
    await output.abort();
    throw error;
  }
  return { location: output.location, bytes: writer.bytesWritten };
}

async function objectExists(key: string): Promise<boolean> {
  try {
    await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw error;
  }
}

beforeAll(async () => {
  s3 = await startS3Server();
  proxy = await TcpProxy.start(s3.port);
  admin = new S3Client({
    region: s3.region,
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    // S3Proxy answers NotImplemented to the x-amz-checksum-mode header newer SDKs send by default.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
});
afterAll(async () => {
  admin.destroy();
  await proxy.stop();
  await s3.stop();
  dir.remove();
});

describe('S3 target against S3Proxy on loopback', () => {
  it('says the bucket is missing, then creates it when asked', async () => {
    const error = await exportCsv(target(), 'x.csv', 10).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkbenchError);
    expect(error).toMatchObject({
      code: 'NOT_FOUND',
      message: `The bucket "${bucket}" does not exist at ${s3.endpoint}; create it (Create bucket) or pick another one`,
    });
    expect(await createBucket(target())).toEqual({ created: true });
  });

  it('uploads a small export in one request under a prefix with date placeholders', async () => {
    const at = new Date(Date.UTC(2026, 1, 3, 4, 5, 6));
    const key = objectKey('reports/{yyyy}/{MM}/{dd}/{HH}{mm}{ss}/', 'small.csv', at);
    expect(key).toBe('reports/2026/02/03/040506/small.csv');
    const { location, bytes } = await exportCsv(target(), key, 1000);
    expect(location).toBe(`s3://${bucket}/${key}`);
    const got = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const text = await got.Body?.transformToString();
    expect(text?.length).toBe(bytes);
    expect(text?.split('\r\n')[1]).toBe('sensor-0,2024-01-01T00:00:00.000Z,20,60,0');
    expect(got.ETag).not.toMatch(/-\d+"$/);
  });

  it('uploads a large export in 5 MiB multipart parts that DuckDB reads back whole', async () => {
    const key = `${uniqueName('multi')}.csv`;
    const { bytes } = await exportCsv(target(), key, 350_000);
    expect(bytes).toBeGreaterThan(3 * MIN_PART_SIZE);
    const got = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(got.ContentLength).toBe(bytes);
    expect(got.ETag).toMatch(/-[3-9]"$/); // a multipart ETag ends in -<part count>
    const file = join(dir.path, 'multi.csv');
    writeFileSync(file, await (got.Body?.transformToByteArray() ?? Promise.resolve(new Uint8Array())));
    const [summary] = await duckdb(`SELECT count(*)::INT AS n, sum(seq)::BIGINT AS s FROM read_csv('${file}', header = true)`);
    expect(summary).toEqual({ n: 350_000, s: BigInt((349_999 * 350_000) / 2) });
    expect(statSync(file).size).toBe(bytes);
  });

  it('says the credentials were refused when the secret is wrong', async () => {
    const wrong = target({ credentials: { mode: 'keys', accessKeyId: s3.accessKeyId, secretAccessKey: 'not-the-secret' } });
    await expect(exportCsv(wrong, 'nope.csv', 10)).rejects.toMatchObject({
      code: 'AUTH_FAILED',
      message: `${s3.endpoint} refused the credentials for bucket "${bucket}": check the access key and secret`,
    });
    expect(await objectExists('nope.csv')).toBe(false);
  });

  it('aborts the upload when the connection drops mid-upload, leaves no object or parts, and a retry works', async () => {
    const key = `${uniqueName('dropped')}.csv`;
    const viaProxy = target({ endpoint: `http://127.0.0.1:${proxy.port}` });
    proxy.mode = 'cut';
    proxy.cutAfterBytes = 2 * 1024 * 1024;
    const error = await exportCsv(viaProxy, key, 250_000).catch((e: unknown) => e);
    proxy.mode = 'pass';
    expect(proxy.cuts).toBeGreaterThan(0);
    expect(error).toMatchObject({
      code: 'STORAGE_UNREACHABLE',
      message: `The connection to http://127.0.0.1:${proxy.port} was lost during the upload; no object was written. Retry the export`,
    });
    expect(await objectExists(key)).toBe(false);
    const uploads = await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    expect((uploads.Uploads ?? []).filter((u) => u.Key === key)).toEqual([]);
    expect(filesUnder(s3.dataDir).filter((f) => f.includes('dropped'))).toEqual([]);

    const retried = await exportCsv(viaProxy, key, 250_000);
    expect(await objectExists(key)).toBe(true);
    const head = await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ContentLength).toBe(retried.bytes);
  });

  it('leaves nothing behind when an export is cancelled after parts were uploaded', async () => {
    const key = `${uniqueName('cancelled')}.csv`;
    const output = await openS3Output(target(), key, { partSize: MIN_PART_SIZE });
    const writer = createWriter({ kind: 'csv', delimiter: ',', header: true }, sensorColumns, output.sink);
    let written = 0;
    for (const batch of batches(500_000)) {
      await writer.write(batch);
      written = writer.bytesWritten;
      if (written > 2.5 * MIN_PART_SIZE) break;
    }
    expect(written).toBeGreaterThan(2.5 * MIN_PART_SIZE);
    await output.abort();
    expect(await objectExists(key)).toBe(false);
    const uploads = await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    expect((uploads.Uploads ?? []).filter((u) => u.Key === key)).toEqual([]);
    expect(filesUnder(s3.dataDir).filter((f) => f.includes('cancelled'))).toEqual([]);
  });
});
