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

  async function abortLeftovers(): Promise<void> {
    // Belt and braces: if lib-storage's own abort did not get through, abort what is left for this key.
    const listed = await client.send(new ListMultipartUploadsCommand({ Bucket: target.bucket, Prefix: key })).catch(() => null);
    for (const u of listed?.Uploads ?? []) {
      if (u.Key === key && u.UploadId) {
        await client.send(new AbortMultipartUploadCommand({ Bucket: target.bucket, Key: key, UploadId: u.UploadId })).catch(() => undefined);
      }
    }
  }

  let settled = false;
  return {
    location: `s3://${target.bucket}/${key}`,
    sink: {
      async write(chunk) {
        if (failure !== undefined) throw describeS3Error(failure, where);
        if (!body.write(chunk)) {
          await Promise.race([once(body, 'drain'), finished]);
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
  };
}
