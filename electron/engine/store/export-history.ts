import type { ExportHistoryEntry } from '../../../shared/exports.js';
import type { Db } from './db.js';

interface HistoryRow {
  id: string;
  source: string;
  format: string;
  target: string;
  location: string;
  status: ExportHistoryEntry['status'];
  rows: number;
  bytes: number;
  started_at: number;
  finished_at: number | null;
  error: string | null;
}

/** The export_history table (migration 4): one row per job, written at start and at the end. */
export class ExportHistory {
  private readonly insertStmt;
  private readonly finishStmt;
  private readonly listStmt;
  private readonly interruptStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare<[string, string, string, string, string, number]>(
      `INSERT INTO export_history (id, source, format, target, location, status, started_at) VALUES (?, ?, ?, ?, ?, 'running', ?)`,
    );
    this.finishStmt = db.prepare<[string, number, number, number, string | null, string]>(
      'UPDATE export_history SET status = ?, rows = ?, bytes = ?, finished_at = ?, error = ? WHERE id = ?',
    );
    this.listStmt = db.prepare<[number], HistoryRow>('SELECT * FROM export_history ORDER BY started_at DESC, rowid DESC LIMIT ?');
    this.interruptStmt = db.prepare<[number, string, string]>(
      `UPDATE export_history SET status = 'failed', finished_at = ?, error = ? WHERE id = ? AND status = 'running'`,
    );
  }

  /** Jobs still "running" from an earlier process: it stopped (kill -9, crash, power loss) during them. */
  interrupted(): { id: string; target: string; location: string }[] {
    return this.db
      .prepare<[], { id: string; target: string; location: string }>(
        `SELECT id, target, location FROM export_history WHERE status = 'running'`,
      )
      .all();
  }

  markInterrupted(id: string, error: string): void {
    this.interruptStmt.run(Date.now(), error, id);
  }

  /** An export that failed before it wrote anything (bad target, missing bucket…): one finished row. */
  failedBeforeStart(
    entry: { id: string; source: string; format: string; target: string; location: string; startedAt: number },
    error: string,
  ): void {
    this.start(entry);
    this.finish(entry.id, { status: 'failed', rows: 0, bytes: 0, error });
  }

  start(entry: { id: string; source: string; format: string; target: string; location: string; startedAt: number }): void {
    this.insertStmt.run(entry.id, entry.source, entry.format, entry.target, entry.location, entry.startedAt);
  }

  finish(id: string, outcome: { status: 'done' | 'failed' | 'cancelled'; rows: number; bytes: number; error: string | null }): void {
    // A finished export is an external side effect: make its record durable (docs/GUARANTEES.md, SQLite).
    this.db.pragma('synchronous = FULL');
    try {
      this.finishStmt.run(outcome.status, outcome.rows, outcome.bytes, Date.now(), outcome.error, id);
    } finally {
      this.db.pragma('synchronous = NORMAL');
    }
  }

  list(limit: number): ExportHistoryEntry[] {
    return this.listStmt.all(limit).map((r) => ({
      id: r.id,
      source: r.source,
      format: r.format,
      target: r.target,
      location: r.location,
      status: r.status,
      rows: r.rows,
      bytes: r.bytes,
      startedAt: r.started_at,
      durationMs: r.finished_at === null ? null : r.finished_at - r.started_at,
      error: r.error,
    }));
  }
}
