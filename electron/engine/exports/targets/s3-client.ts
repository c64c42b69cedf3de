import { S3Client } from '@aws-sdk/client-s3';
import type { S3Target } from '../../../../shared/exports.js';

/** An S3 client for a target: explicit keys, or the default AWS chain (env, ~/.aws, SSO, instance role). */
export function createS3Client(target: S3Target): S3Client {
  return new S3Client({
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    forcePathStyle: target.forcePathStyle,
    ...(target.credentials.mode === 'keys'
      ? { credentials: { accessKeyId: target.credentials.accessKeyId, secretAccessKey: target.credentials.secretAccessKey } }
      : {}),
    // Checksums on every request are new in SDK 3.7xx; some S3-compatible servers reject them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
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
