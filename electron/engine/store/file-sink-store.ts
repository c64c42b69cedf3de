import type { Db } from './db.js';
import type { Row } from '../pipelines/row.js';

/** Offsets a file covers, per `topic:partition`: `[from, to)`. */
export type OffsetRange = Record<string, [string, string]>;

export interface FileEntry {
  sink: number;
  firstBatch: number;
  lastBatch: number;
  state: 'open' | 'pending' | 'done';
  name: string | null;
  rows: number;
  offsets: OffsetRange;
  openedAt: number;
  attempts: number;
  nextAttemptAt: number;
  error: string | null;
}

interface FileRow {
  sink: number;
  first_batch: number;
  last_batch: number;
  state: FileEntry['state'];
  name: string | null;
  rows: number;
  offsets_json: string;
  opened_at: number;
  attempts: number;
  next_attempt_at: number;
  error: string | null;
}

const toEntry = (r: FileRow): FileEntry => ({
  sink: r.sink,
  firstBatch: r.first_batch,
  lastBatch: r.last_batch,
  state: r.state,
  name: r.name,
  rows: r.rows,
  offsets: JSON.parse(r.offsets_json) as OffsetRange,
  openedAt: r.opened_at,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  error: r.error,
});

/** Widens `range` by a batch's `[from, to)` per partition. */
export function mergeOffsets(range: OffsetRange, batch: OffsetRange): OffsetRange {
  const out: OffsetRange = { ...range };
  for (const [key, [from, to]] of Object.entries(batch)) {
    const prev = out[key];
    out[key] = prev ? [BigInt(prev[0]) < BigInt(from) ? prev[0] : from, BigInt(prev[1]) > BigInt(to) ? prev[1] : to] : [from, to];
  }
  return out;
}

/**
 * The file sinks' part of a pipeline checkpoint (tables `pipeline_files`, `pipeline_file_rows`).
 * A file is `open` while batches add rows to it, `pending` once its name and batch range are fixed
 * (then it is written, retried until it is), `done` after the write with its ETag / size. The rows of
 * an open or pending file live here until it is done, so a restart re-writes a pending file from
 * exactly the rows it had: no replay from Kafka and no dependence on the topic's retention.
 * `stage` and `roll` run inside the batch's own transaction (the caller opens it).
 */
export class FileSinkStore {
  private readonly db: Db;
  private readonly id: string;
  private readonly s;

  constructor(db: Db, pipelineId: string) {
    this.db = db;
    this.id = pipelineId;
    this.s = {
      open: db.prepare<[string, number], FileRow>(`SELECT * FROM pipeline_files WHERE pipeline_id = ? AND sink = ? AND state = 'open'`),
      insertFile: db.prepare(
        `INSERT INTO pipeline_files (pipeline_id, sink, first_batch, last_batch, state, rows, offsets_json, opened_at) VALUES (?, ?, ?, ?, 'open', 0, '{}', ?)`,
      ),
      grow: db.prepare(
        `UPDATE pipeline_files SET last_batch = ?, rows = rows + ?, offsets_json = ? WHERE pipeline_id = ? AND sink = ? AND first_batch = ?`,
      ),
      insertRow: db.prepare('INSERT INTO pipeline_file_rows (pipeline_id, sink, first_batch, seq, row_json) VALUES (?, ?, ?, ?, ?)'),
      roll: db.prepare(
        `UPDATE pipeline_files SET state = 'pending', name = ? WHERE pipeline_id = ? AND sink = ? AND first_batch = ? AND state = 'open'`,
      ),
      pending: db.prepare<[string], FileRow>(
        `SELECT * FROM pipeline_files WHERE pipeline_id = ? AND state = 'pending' ORDER BY first_batch, sink`,
      ),
      openAll: db.prepare<[string], FileRow>(`SELECT * FROM pipeline_files WHERE pipeline_id = ? AND state = 'open'`),
      rows: db.prepare<[string, number, number, number, number], { seq: number; row_json: string }>(
        'SELECT seq, row_json FROM pipeline_file_rows WHERE pipeline_id = ? AND sink = ? AND first_batch = ? AND seq >= ? ORDER BY seq LIMIT ?',
      ),
      done: db.prepare(
        `UPDATE pipeline_files SET state = 'done', etag = ?, bytes = ?, write_ms = ?, done_at = ?, error = NULL WHERE pipeline_id = ? AND sink = ? AND first_batch = ?`,
      ),
      dropRows: db.prepare('DELETE FROM pipeline_file_rows WHERE pipeline_id = ? AND sink = ? AND first_batch = ?'),
      failed: db.prepare(
        `UPDATE pipeline_files SET attempts = attempts + 1, next_attempt_at = ?, error = ? WHERE pipeline_id = ? AND sink = ? AND first_batch = ?`,
      ),
      counts: db.prepare<[string], { done: number; pending: number; rows_written: number; rows_waiting: number }>(
        `SELECT COALESCE(SUM(state = 'done'), 0) AS done, COALESCE(SUM(state = 'pending'), 0) AS pending,
                COALESCE(SUM(CASE WHEN state = 'done' THEN rows ELSE 0 END), 0) AS rows_written,
                COALESCE(SUM(CASE WHEN state = 'done' THEN 0 ELSE rows END), 0) AS rows_waiting
         FROM pipeline_files WHERE pipeline_id = ?`,
      ),
      lastError: db.prepare<[string], { error: string }>(
        `SELECT error FROM pipeline_files WHERE pipeline_id = ? AND state = 'pending' AND error IS NOT NULL ORDER BY first_batch LIMIT 1`,
      ),
    };
  }

  openFile(sink: number): FileEntry | null {
    const row = this.s.open.get(this.id, sink);
    return row ? toEntry(row) : null;
  }

  /** Adds a batch's rows to the sink's open file (opening one at this batch if none). */
  stage(sink: number, batch: number, rows: readonly Row[], offsets: OffsetRange, now: number): FileEntry | null {
    let file = this.openFile(sink);
    if (rows.length === 0) {
      if (file) this.s.grow.run(batch, 0, JSON.stringify(file.offsets), this.id, sink, file.firstBatch);
      return file ? { ...file, lastBatch: batch } : null;
    }
    if (!file) {
      this.s.insertFile.run(this.id, sink, batch, batch, now);
      file = {
        sink,
        firstBatch: batch,
        lastBatch: batch,
        state: 'open',
        name: null,
        rows: 0,
        offsets: {},
        openedAt: now,
        attempts: 0,
        nextAttemptAt: 0,
        error: null,
      };
    }
    for (let i = 0; i < rows.length; i++) this.s.insertRow.run(this.id, sink, file.firstBatch, file.rows + i, JSON.stringify(rows[i]));
    const merged = mergeOffsets(file.offsets, offsets);
    this.s.grow.run(batch, rows.length, JSON.stringify(merged), this.id, sink, file.firstBatch);
    return { ...file, lastBatch: batch, rows: file.rows + rows.length, offsets: merged };
  }

  /** Fixes an open file's name: from now on it is written under exactly this name. */
  roll(file: FileEntry, name: string): void {
    this.s.roll.run(name, this.id, file.sink, file.firstBatch);
  }

  openFiles(): FileEntry[] {
    return this.s.openAll.all(this.id).map(toEntry);
  }

  pending(): FileEntry[] {
    return this.s.pending.all(this.id).map(toEntry);
  }

  /** A page of a file's rows in their order (paged: an open iterator would block the connection across awaits). */
  rows(file: FileEntry, fromSeq: number, limit: number): { seq: number; row: Row }[] {
    return this.s.rows
      .all(this.id, file.sink, file.firstBatch, fromSeq, limit)
      .map((r) => ({ seq: r.seq, row: JSON.parse(r.row_json) as Row }));
  }

  /**
   * Marks a written file done and drops its rows, with `synchronous = FULL` for this commit: it
   * records an external side effect, which a lost commit would make us redo (harmless: same name).
   */
  markDone(file: FileEntry, result: { etag: string | null; bytes: number; writeMs: number }): void {
    this.db.pragma('synchronous = FULL');
    try {
      this.db.transaction(() => {
        this.s.done.run(result.etag, result.bytes, result.writeMs, Date.now(), this.id, file.sink, file.firstBatch);
        this.s.dropRows.run(this.id, file.sink, file.firstBatch);
      })();
    } finally {
      this.db.pragma('synchronous = NORMAL');
    }
  }

  markFailed(file: FileEntry, error: string, retryAt: number): void {
    this.s.failed.run(retryAt, error.slice(0, 2000), this.id, file.sink, file.firstBatch);
  }

  counts(): { done: number; pending: number; rowsWritten: number; rowsWaiting: number; lastError: string | null } {
    const c = this.s.counts.get(this.id);
    return {
      done: c?.done ?? 0,
      pending: c?.pending ?? 0,
      rowsWritten: c?.rows_written ?? 0,
      rowsWaiting: c?.rows_waiting ?? 0,
      lastError: this.lastError(),
    };
  }

  /** The error of the oldest pending file whose last write failed, or null when none failed. */
  lastError(): string | null {
    return this.s.lastError.get(this.id)?.error ?? null;
  }

  /**
   * Forgets files of a checkpoint that no longer exists (the pipeline was removed and re-created
   * under the same id: its batch counter restarted, so these batch numbers mean other records).
   */
  dropOrphans(): void {
    // The checkpoint's batch is read in the same statement: files are staged with the batch that
    // commits them, so a file past it can only belong to a reset checkpoint.
    const past = `first_batch > (SELECT COALESCE(MAX(batch), 0) FROM pipeline_progress WHERE pipeline_id = @id)`;
    this.db.transaction(() => {
      this.db.prepare(`DELETE FROM pipeline_file_rows WHERE pipeline_id = @id AND ${past}`).run({ id: this.id });
      this.db.prepare(`DELETE FROM pipeline_files WHERE pipeline_id = @id AND ${past}`).run({ id: this.id });
    })();
  }
}
