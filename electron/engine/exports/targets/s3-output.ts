import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { AbortMultipartUploadCommand, HeadBucketCommand, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3Target } from '../../../../shared/exports.js';
import { createS3Client, endpointLabel } from './s3-client.js';
import { describeS3Error } from './s3-errors.js';
import type { PendingOutput } from './types.js';

export const MIN_PART_SIZE = 5 * 1024 * 1024;

export interface S3OutputOptions {
  /** Multipart part size in bytes (≥ 5 MiB, S3's minimum); the upload holds about queueSize + 1 parts in memory. */
  partSize?: number;
  client?: S3Client;
  /** Told about each multipart upload's life, so one the endpoint or a crash left behind is aborted later. */
  tracker?: UploadTracker;
}

/**
 * PendingAborts implements this: `started` after the first part (a kill -9 from then on leaves an
 * upload to abort at the next start), `settled` once completed or aborted, `abortFailed` when the
 * endpoint did not answer the abort (retried with backoff).
 */
export interface UploadTracker {
  started(uploadId: string): void;
  settled(uploadId: string): void;
  abortFailed(uploadId: string, error: string): void;
}

/**
 * Streams to one S3 object through lib-storage: a single PUT when small, multipart when larger.
 * Nothing is visible under the key until the upload completes; on failure or cancel the multipart
 * upload is aborted (`leavePartsOnError: false`), then any upload left for the key is aborted too.
 */
export async function openS3Output(target: S3Target, key: string, options: S3OutputOptions = {}): Promise<PendingOutput> {
  const client = options.client ?? createS3Client(target);
  const where = { bucket: target.bucket, endpoint: endpointLabel(target) };
  // Fail before streaming anything: a missing bucket or wrong key should not cost a whole export.
  try {
    await client.send(new HeadBucketCommand({ Bucket: target.bucket }));
  } catch (error) {
    if (!options.client) client.destroy();
    throw describeS3Error(error, where);
  }

  const partSize = Math.max(MIN_PART_SIZE, options.partSize ?? 8 * 1024 * 1024);
  const body = new PassThrough({ highWaterMark: partSize });
  const upload = new Upload({
    client,
    params: { Bucket: target.bucket, Key: key, Body: body },
    partSize,
    queueSize: 2,
    leavePartsOnError: false,
  });
  let tracked: string | undefined;
  upload.on('httpUploadProgress', () => {
    if (tracked === undefined && upload.uploadId !== undefined) {
      tracked = upload.uploadId;
      options.tracker?.started(tracked);
    }
  });
  let failure: unknown;
  const finished = upload.done().then(
    () => undefined,
    (error: unknown) => {
      failure = error;
      body.destroy();
    },
  );
  const release = () => {
    if (!options.client) client.destroy();
  };

  let leftover: string | null = null;

  /**
   * After a failure or cancel: lib-storage has tried to abort its multipart upload; abort it again by
   * id (a 404 NoSuchUpload means it is gone) so a failed abort is noticed. When the endpoint does not
   * answer, the upload is handed to `onAbortFailed` to be retried later.
   */
  async function abortLeftovers(): Promise<void> {
    const uploadId = upload.uploadId;
    if (uploadId === undefined) {
      // No id known (CreateMultipartUpload's answer was lost?): abort what is left for this key.
      const listed = await client.send(new ListMultipartUploadsCommand({ Bucket: target.bucket, Prefix: key })).catch(() => null);
      for (const u of listed?.Uploads ?? []) {
        if (u.Key === key && u.UploadId) {
          await client
            .send(new AbortMultipartUploadCommand({ Bucket: target.bucket, Key: key, UploadId: u.UploadId }))
            .catch(() => undefined);
        }
      }
      return;
    }
    try {
      await client.send(new AbortMultipartUploadCommand({ Bucket: target.bucket, Key: key, UploadId: uploadId }));
      options.tracker?.settled(uploadId);
    } catch (error) {
      const e = error as { name?: string; message?: string };
      if (e.name === 'NoSuchUpload') {
        options.tracker?.settled(uploadId);
        return;
      }
      const reason = `${e.name ?? 'Error'}: ${e.message ?? String(error)}`;
      leftover = `${where.endpoint} did not answer the abort of the unfinished multipart upload either; it is aborted as soon as the endpoint answers again (nothing is visible under the key meanwhile)`;
      options.tracker?.abortFailed(uploadId, reason);
      return;
    }
  }

  let settled = false;
  return {
    location: `s3://${target.bucket}/${key}`,
    sink: {
      async write(chunk) {
        if (failure !== undefined) throw describeS3Error(failure, where);
        if (!body.write(chunk)) {
          try {
            await Promise.race([once(body, 'drain'), finished]);
          } catch (error) {
            // The body was torn down because the upload failed: report the upload's own reason.
            throw describeS3Error(failure ?? error, where);
          }
          if (failure !== undefined) throw describeS3Error(failure, where);
        }
      },
    },
    async commit() {
      body.end();
      await finished;
      settled = true;
      if (failure !== undefined) {
        await abortLeftovers();
        release();
        throw describeS3Error(failure, where);
      }
      if (tracked !== undefined) options.tracker?.settled(tracked);
      release();
    },
    async abort() {
      if (settled) return;
      settled = true;
      // Failing the body makes lib-storage stop its uploaders and abort the multipart upload before
      // done() settles, so when this returns there is no upload left (upload.abort() would not wait).
      body.destroy(new Error('export cancelled'));
      await finished;
      await abortLeftovers();
      release();
    },
    leftover: () => leftover,
  };
}
