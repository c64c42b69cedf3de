import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rm, stat, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { ColumnSpec, ExportFormat, S3Target } from '../../../shared/exports.js';
import type { FileSinkSpec } from '../../../shared/pipelines.js';
import { openLocalOutput } from '../exports/targets/local-folder.js';
import type { PendingAborts } from '../exports/targets/pending-aborts.js';
import { createS3Client, endpointLabel } from '../exports/targets/s3-client.js';
import { openS3Output } from '../exports/targets/s3-output.js';
import { describeS3Error } from '../exports/targets/s3-errors.js';
import { createWriter } from '../exports/writers/create-writer.js';
import type { ByteSink, Row } from '../exports/writers/types.js';

export interface Written {
  etag: string | null;
  bytes: number;
  /** True when the name already held the file (a re-write after a crash): nothing was uploaded. */
  existed: boolean;
}

/** Pages of a file's rows, in order. */
export type RowPages = () => AsyncIterable<readonly Row[]> | Iterable<readonly Row[]>;

/** Above this a spooled file goes up as a multipart upload; below, one conditional PUT. */
const SINGLE_PUT_MAX = 16 * 1024 * 1024;

async function encode(format: ExportFormat, columns: readonly ColumnSpec[], sink: ByteSink, pages: RowPages): Promise<number> {
  const writer = createWriter(format, columns, sink);
  for await (const page of pages()) await writer.write(page);
  await writer.close();
  return writer.bytesWritten;
}

/** Local folder: temp name + fsync + rename + folder fsync (openLocalOutput). Re-writing the same name replaces it whole. */
export async function writeLocal(
  sink: FileSinkSpec,
  folder: string,
  name: string,
  columns: readonly ColumnSpec[],
  pages: RowPages,
): Promise<Written> {
  // The app creates the folder for the user (the original stacks created it by hand).
  await mkdir(folder, { recursive: true });
  const output = await openLocalOutput(folder, name);
  try {
    const bytes = await encode(sink.format, columns, output.sink, pages);
    await output.commit();
    return { etag: null, bytes, existed: false };
  } catch (error) {
    await output.abort();
    throw error;
  }
}

const statusOf = (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;

async function head(client: S3Client, bucket: string, key: string): Promise<{ etag: string | null; bytes: number } | null> {
  try {
    const h = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return { etag: h.ETag ?? null, bytes: h.ContentLength ?? 0 };
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
}

/** Multipart uploads a killed process left for this key (it could not abort them itself). */
async function abortLeftovers(client: S3Client, bucket: string, key: string): Promise<void> {
  const listed = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key })).catch(() => null);
  for (const u of listed?.Uploads ?? []) {
    if (u.Key === key && u.UploadId)
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: u.UploadId })).catch(() => undefined);
  }
}

/**
 * S3: the object becomes visible only on a completed upload, under a name that is written once.
 * HEAD first (S3Proxy 2.6's filesystem backend ignores `If-None-Match`, measured), then the file is
 * encoded to a local spool file and sent with `If-None-Match: *` (AWS S3 and MinIO answer 412 if the
 * name exists: "already written") in one PUT, or as a multipart upload that is aborted on failure.
 */
export async function writeS3(
  sink: FileSinkSpec,
  target: S3Target,
  key: string,
  columns: readonly ColumnSpec[],
  pages: RowPages,
  pendingAborts?: PendingAborts,
  client?: S3Client,
): Promise<Written> {
  const s3 = client ?? createS3Client(target);
  const where = { bucket: target.bucket, endpoint: endpointLabel(target), retry: 'The pipeline retries it' };
  const spool = join(tmpdir(), `kwb-file-sink-${randomBytes(6).toString('hex')}.spool`);
  try {
    const existing = await head(s3, target.bucket, key);
    if (existing) return { ...existing, existed: true };
    await abortLeftovers(s3, target.bucket, key);
    let handle: FileHandle | null = await open(spool, 'wx', 0o600);
    try {
      const file = handle;
      await encode(sink.format, columns, { write: async (chunk) => void (await file.write(chunk)) }, pages);
    } finally {
      await handle.close();
      handle = null;
    }
    const size = (await stat(spool)).size;
    if (size <= SINGLE_PUT_MAX) {
      try {
        const put = await s3.send(
          new PutObjectCommand({ Bucket: target.bucket, Key: key, Body: await readFile(spool), ContentLength: size, IfNoneMatch: '*' }),
        );
        return { etag: put.ETag ?? null, bytes: size, existed: false };
      } catch (error) {
        if (statusOf(error) !== 412) throw error;
        const now = await head(s3, target.bucket, key);
        return { etag: now?.etag ?? null, bytes: now?.bytes ?? size, existed: true };
      }
    }
    // Larger files: the exports' S3 writer (multipart, aborted on failure, tracked so an upload a
    // kill left behind is aborted at the next start).
    const output = await openS3Output(target, key, {
      client: s3,
      ...(pendingAborts ? { tracker: pendingAborts.trackerFor(target, key, null) } : {}),
    });
    try {
      for await (const chunk of createReadStream(spool)) await output.sink.write(chunk as Buffer);
      await output.commit();
    } catch (error) {
      await output.abort();
      throw error;
    }
    return { etag: (await head(s3, target.bucket, key))?.etag ?? null, bytes: size, existed: false };
  } catch (error) {
    throw describeS3Error(error, where);
  } finally {
    await rm(spool, { force: true });
    if (!client) s3.destroy();
  }
}
