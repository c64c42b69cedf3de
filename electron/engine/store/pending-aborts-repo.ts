import type { Db } from './db.js';

export interface PendingAbortRow {
  upload_id: string;
  bucket: string;
  object_key: string;
  /** The resolved S3 target, sealed by the SecretBox (it may hold keys). */
  target: Buffer;
  attempts: number;
}

export interface PendingAbortInsert {
  uploadId: string;
  bucket: string;
  key: string;
  endpoint: string;
  sealedTarget: Buffer;
  jobId: string | null;
  state: 'uploading' | 'pending';
  error: string | null;
}

/** The `s3_pending_aborts` table (migration s3-credentials-and-pending-aborts): multipart uploads to abort. */
export class PendingAbortsRepo {
  private readonly insertStmt;
  private readonly deleteStmt;
  private readonly staleStmt;
  private readonly countStmt;
  private readonly pendingStmt;
  private readonly failedStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare<[string, string, string, string, Buffer, string | null, string, string | null, number]>(
      'INSERT OR REPLACE INTO s3_pending_aborts (upload_id, bucket, object_key, endpoint, target, job_id, state, attempts, last_error, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)',
    );
    this.deleteStmt = db.prepare<[string]>('DELETE FROM s3_pending_aborts WHERE upload_id = ?');
    this.staleStmt = db.prepare(`UPDATE s3_pending_aborts SET state = 'pending' WHERE state = 'uploading'`);
    this.countStmt = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM s3_pending_aborts WHERE state = 'pending'`);
    this.pendingStmt = db.prepare<[], PendingAbortRow>(
      `SELECT upload_id, bucket, object_key, target, attempts FROM s3_pending_aborts WHERE state = 'pending'`,
    );
    this.failedStmt = db.prepare<[string, string]>(
      'UPDATE s3_pending_aborts SET attempts = attempts + 1, last_error = ? WHERE upload_id = ?',
    );
  }

  put(row: PendingAbortInsert): void {
    this.insertStmt.run(
      row.uploadId,
      row.bucket,
      row.key,
      row.endpoint,
      row.sealedTarget,
      row.jobId,
      row.state,
      row.error?.slice(0, 1000) ?? null,
      Date.now(),
    );
  }

  remove(uploadId: string): void {
    this.deleteStmt.run(uploadId);
  }

  /** Uploads of a process that is gone become aborts to do; returns how many. */
  markUploadingPending(): number {
    return this.staleStmt.run().changes;
  }

  countPending(): number {
    return this.countStmt.get()?.n ?? 0;
  }

  listPending(): PendingAbortRow[] {
    return this.pendingStmt.all();
  }

  attemptFailed(uploadId: string, error: string): void {
    this.failedStmt.run(error.slice(0, 1000), uploadId);
  }
}
