import { S3Client } from '@aws-sdk/client-s3';
import type { S3Target } from '../../../../shared/exports.js';
import { WorkbenchError } from '../../../../shared/errors.js';

export interface S3ClientOptions {
  /** Gives up on a request that gets no answer (a half-open connection) instead of waiting on the OS. */
  requestTimeoutMs?: number;
}

/** An S3 client for a target: explicit keys, or the default AWS chain (env, ~/.aws, SSO, instance role). */
export function createS3Client(target: S3Target, options: S3ClientOptions = {}): S3Client {
  if (target.credentials.mode === 'saved') {
    // The engine resolves saved credentials (S3Credentials.resolve) before it needs a client.
    throw new WorkbenchError('VALIDATION', 'Saved S3 credentials were not resolved; this is a bug, please report it');
  }
  return new S3Client({
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    forcePathStyle: target.forcePathStyle,
    ...(target.credentials.mode === 'keys'
      ? {
          credentials: {
            accessKeyId: target.credentials.accessKeyId,
            secretAccessKey: target.credentials.secretAccessKey,
            ...(target.credentials.sessionToken ? { sessionToken: target.credentials.sessionToken } : {}),
          },
        }
      : {}),
    // Checksums on every request are new in SDK 3.7xx; some S3-compatible servers reject them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(options.requestTimeoutMs
      ? { requestHandler: { connectionTimeout: options.requestTimeoutMs, requestTimeout: options.requestTimeoutMs } }
      : {}),
  });
}

export function endpointLabel(target: S3Target): string {
  return target.endpoint ?? `s3.${target.region}.amazonaws.com`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Fills {yyyy} {MM} {dd} {HH} {mm} {ss} in a key prefix, in UTC, and joins it to the file name with one slash. */
export function objectKey(prefix: string, fileName: string, at: Date): string {
  const filled = prefix
    .replaceAll('{yyyy}', String(at.getUTCFullYear()))
    .replaceAll('{MM}', pad(at.getUTCMonth() + 1))
    .replaceAll('{dd}', pad(at.getUTCDate()))
    .replaceAll('{HH}', pad(at.getUTCHours()))
    .replaceAll('{mm}', pad(at.getUTCMinutes()))
    .replaceAll('{ss}', pad(at.getUTCSeconds()))
    .replace(/^\/+/, '');
  if (filled === '') return fileName;
  return filled.endsWith('/') ? `${filled}${fileName}` : `${filled}/${fileName}`;
}
