import { AbortMultipartUploadCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { s3TargetSchema, type S3Target } from '../../../../shared/exports.js';
import type { Logger } from '../../logger.js';
import type { SecretBox } from '../../secrets/secret-box.js';
import type { Db } from '../../store/db.js';
import { PendingAbortsRepo, type PendingAbortRow } from '../../store/pending-aborts-repo.js';
import { createS3Client, endpointLabel } from './s3-client.js';
import type { UploadTracker } from './s3-output.js';

export interface AbortNeeded {
  uploadId: string;
  key: string;
  /** The resolved target (it may hold keys): stored only sealed by the SecretBox. */
  target: S3Target;
  jobId: string | null;
  error: string;
}

const MAX_DELAY_MS = 30_000;

/**
 * An abort that found the upload already gone has nothing left to do. Only S3's own NoSuchUpload
 * counts: a bare 404 can come from a server that is still starting (S3Proxy answers 404 to
 * everything for a moment, measured), which would drop an upload that is still there.
 */
function uploadGone(error: unknown): boolean {
  const e = error as { name?: string; Code?: string };
  return e.name === 'NoSuchUpload' || e.Code === 'NoSuchUpload';
}

/**
 * Multipart uploads that failed and could not be aborted because the S3 endpoint was gone. They are
 * kept in SQLite (migration s3-credentials-and-pending-aborts) and retried with backoff, also after
 * a restart, until the endpoint answers: then no parts stay behind, billed and invisible.
 */
export class PendingAborts {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private disposed = false;
  private readonly repo: PendingAbortsRepo;

  constructor(
    db: Db,
    private readonly secrets: SecretBox,
    private readonly log: Logger,
    private readonly baseDelayMs = 1000,
  ) {
    this.repo = new PendingAbortsRepo(db);
  }

  /**
   * A multipart upload has started: remembered (state 'uploading') until it completes or is aborted,
   * so if the engine is killed meanwhile the next start aborts it.
   */
  uploading(upload: Omit<AbortNeeded, 'error'>): void {
    this.insert(upload, 'uploading', null);
  }

  /** What an S3 writer tells about its multipart upload to `key` (exports, pipeline file sinks). */
  trackerFor(target: S3Target, key: string, jobId: string | null): UploadTracker {
    return {
      started: (uploadId) => this.uploading({ uploadId, key, target, jobId }),
      settled: (uploadId) => this.settled(uploadId),
      abortFailed: (uploadId, error) => this.record({ uploadId, key, target, jobId, error }),
    };
  }

  /** The upload completed, or was aborted: nothing to do for it any more. */
  settled(uploadId: string): void {
    this.repo.remove(uploadId);
  }

  /** The upload failed and the endpoint did not answer its abort: retried with backoff until it does. */
  record(abort: AbortNeeded): void {
    this.insert(abort, 'pending', abort.error);
    this.log(
      'warn',
      `export: the multipart upload of s3://${abort.target.bucket}/${abort.key} could not be aborted (${abort.error.slice(0, 200)}); retrying until ${endpointLabel(abort.target)} answers`,
    );
    this.schedule(0);
  }

  /** At engine start every remembered upload belongs to a process that is gone: all are aborted. */
  resumeAfterRestart(): void {
    const changed = this.repo.markUploadingPending();
    if (changed > 0) this.log('warn', `export: ${changed} multipart upload(s) of a stopped run are being aborted`);
    if (this.count() > 0) this.schedule(0);
  }

  private insert(upload: Omit<AbortNeeded, 'error'>, state: 'uploading' | 'pending', error: string | null): void {
    this.repo.put({
      uploadId: upload.uploadId,
      bucket: upload.target.bucket,
      key: upload.key,
      endpoint: endpointLabel(upload.target),
      sealedTarget: this.secrets.encrypt(JSON.stringify(upload.target)),
      jobId: upload.jobId,
      state,
      error,
    });
  }

  /** Uploads waiting for an abort the endpoint has not answered yet. */
  count(): number {
    return this.repo.countPending();
  }

  /**
   * Tries every pending abort once; resolves when done. Called at start, by the timer, when an
   * export reaches an S3 endpoint again, and on request (exports:retryAborts).
   */
  retryNow(): Promise<void> {
    this.running ??= this.retryAll().finally(() => (this.running = undefined));
    return this.running;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.disposed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.retryNow(), delayMs);
    this.timer.unref();
  }

  private async retryAll(): Promise<void> {
    const rows = this.repo.listPending();
    let fewestAttempts = Infinity;
    for (const row of rows) {
      if (this.disposed) return;
      const outcome = await this.abortOne(row);
      if (outcome === 'done') {
        this.settled(row.upload_id);
        this.log('info', `export: aborted the leftover multipart upload of s3://${row.bucket}/${row.object_key}`);
      } else {
        this.repo.attemptFailed(row.upload_id, outcome);
        fewestAttempts = Math.min(fewestAttempts, row.attempts + 1);
      }
    }
    if (fewestAttempts !== Infinity) this.schedule(Math.min(MAX_DELAY_MS, this.baseDelayMs * 2 ** Math.min(fewestAttempts, 10)));
  }

  /** 'done', or why the abort has to be tried again. */
  private async abortOne(row: PendingAbortRow): Promise<string> {
    let target: S3Target;
    try {
      target = s3TargetSchema.parse(JSON.parse(this.secrets.decrypt(row.target)));
    } catch (error) {
      // Sealed with another key (key file replaced): it can never be retried from here.
      this.log('error', `export: cannot read the pending abort of s3://${row.bucket}/${row.object_key}: ${String(error)}`);
      return 'done';
    }
    // A pass must end even when the endpoint hangs, so retryNow() callers and the timer go on.
    const client = createS3Client(target, { requestTimeoutMs: 20_000 });
    try {
      try {
        await client.send(new AbortMultipartUploadCommand({ Bucket: row.bucket, Key: row.object_key, UploadId: row.upload_id }));
      } catch (error) {
        if (!uploadGone(error)) throw error;
      }
      // Done only when the endpoint no longer lists the upload (an abort may race with in-flight parts).
      const listed = await client.send(new ListMultipartUploadsCommand({ Bucket: row.bucket, Prefix: row.object_key }));
      if ((listed.Uploads ?? []).some((u) => u.UploadId === row.upload_id)) return 'the upload is still listed after its abort';
      return 'done';
    } catch (error) {
      return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    } finally {
      client.destroy();
    }
  }
}
