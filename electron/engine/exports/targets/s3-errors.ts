import { WorkbenchError } from '../../../../shared/errors.js';

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const authNames = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied', 'Forbidden', 'ExpiredToken', 'InvalidToken']);
const networkCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
  'TimeoutError',
  'RequestTimeout',
]);

/**
 * Turns an S3 SDK error into a message a user can act on: which bucket, which endpoint, what to do.
 * `retry` ends the message of a lost connection (an export is retried by the user, a pipeline's file
 * sink retries by itself).
 */
export function describeS3Error(error: unknown, where: { bucket: string; endpoint: string; retry?: string }): WorkbenchError {
  if (error instanceof WorkbenchError) return error;
  const e = (error ?? {}) as AwsLikeError;
  const status = e.$metadata?.httpStatusCode;
  const name = e.name ?? '';
  const code = e.code ?? '';
  const detail = `${name}${code ? ` ${code}` : ''}: ${e.message ?? String(error)}`.slice(0, 1000);
  if (name === 'NoSuchBucket' || (status === 404 && (name === 'NotFound' || name === 'NoSuchBucket'))) {
    return new WorkbenchError(
      'NOT_FOUND',
      `The bucket "${where.bucket}" does not exist at ${where.endpoint}; create it (Create bucket) or pick another one`,
      detail,
    );
  }
  // Before the refusals: the SDK's credential chain fails before any request is sent, so no server refused anything.
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(e.message ?? '')) {
    return new WorkbenchError(
      'AUTH_FAILED',
      `Found no AWS credentials in the default chain (environment, ~/.aws profile, SSO, instance role), so nothing was sent to ${where.endpoint}: choose saved credentials (Exports → S3 credentials) or set up the default chain`,
      detail,
    );
  }
  if (authNames.has(name) || status === 403 || status === 401) {
    return new WorkbenchError(
      'AUTH_FAILED',
      `${where.endpoint} refused the credentials for bucket "${where.bucket}": check the access key and secret`,
      detail,
    );
  }
  const message = e.message ?? '';
  // Nothing listens at the endpoint: no upload had begun, so "lost during the upload" would mislead.
  if (code === 'ECONNREFUSED' || name === 'ECONNREFUSED' || /ECONNREFUSED/.test(message)) {
    return new WorkbenchError(
      'STORAGE_UNREACHABLE',
      `${where.endpoint} refused the connection (is the S3 server running?); no object was written. ${where.retry ?? 'Retry the export'}`,
      detail,
    );
  }
  if (networkCodes.has(code) || networkCodes.has(name) || /socket hang up|ECONNRESET|EPIPE|ECONNREFUSED|network|aborted/i.test(message)) {
    return new WorkbenchError(
      'STORAGE_UNREACHABLE',
      `The connection to ${where.endpoint} was lost during the upload; no object was written. ${where.retry ?? 'Retry the export'}`,
      detail,
    );
  }
  return new WorkbenchError(
    'STORAGE_UNREACHABLE',
    `S3 upload to bucket "${where.bucket}" at ${where.endpoint} failed: ${message || name}`,
    detail,
  );
}
