import type { Db } from './db.js';
import { repoOf } from './repos.js';

/** One stored result row of `pipeline_results`: a group × window, its aggregates as JSON. */
export interface StoredResult {
  rid: number;
  group_json: string;
  window_start: number | null;
  window_end: number | null;
  values_json: string;
}

/** The streaming results of the pipelines (`pipeline_results`), read by the UI, charts and exports. */
export class PipelineResultsRepo {
  private readonly countStmt;
  private readonly newestFirstStmt;
  private readonly byAggregateStmt;
  private readonly afterRowidStmt;
  private readonly newestWindowStmt;
  private readonly sinceStmt;

  constructor(db: Db) {
    const columns = 'rowid AS rid, group_json, window_start, window_end, values_json';
    this.countStmt = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM pipeline_results WHERE pipeline_id = ?');
    this.newestFirstStmt = db.prepare<[string, number, number], StoredResult>(
      `SELECT ${columns} FROM pipeline_results WHERE pipeline_id = ? ORDER BY window_start DESC, group_json LIMIT ? OFFSET ?`,
    );
    this.byAggregateStmt = db.prepare<[string, string, number, number], StoredResult>(
      `SELECT ${columns} FROM pipeline_results WHERE pipeline_id = ? ORDER BY json_extract(values_json, ?) DESC, group_json LIMIT ? OFFSET ?`,
    );
    this.afterRowidStmt = db.prepare<[string, number, number], StoredResult>(
      `SELECT ${columns} FROM pipeline_results WHERE pipeline_id = ? AND rowid > ? ORDER BY rowid LIMIT ?`,
    );
    this.newestWindowStmt = db.prepare<[string], { t: number | null }>(
      'SELECT MAX(window_start) AS t FROM pipeline_results WHERE pipeline_id = ?',
    );
    this.sinceStmt = db.prepare<[string, number], StoredResult>(
      `SELECT ${columns} FROM pipeline_results WHERE pipeline_id = ? AND window_start >= ? ORDER BY window_start`,
    );
  }

  count(pipelineId: string): number {
    return this.countStmt.get(pipelineId)?.n ?? 0;
  }

  /** A page, newest window first, groups in order within a window. */
  newestFirst(pipelineId: string, limit: number, offset: number): StoredResult[] {
    return this.newestFirstStmt.all(pipelineId, limit, offset);
  }

  /**
   * A page ordered by one aggregate, largest first (top-N). `aggregate` must be one of the
   * pipeline's aggregate names (checked by the caller); it is bound as a JSON path, not spliced.
   */
  byAggregate(pipelineId: string, aggregate: string, limit: number, offset: number): StoredResult[] {
    return this.byAggregateStmt.all(pipelineId, `$."${aggregate}"`, limit, offset);
  }

  /** Keyset pages by rowid, so a running pipeline can go on writing between pages. */
  afterRowid(pipelineId: string, after: number, limit: number): StoredResult[] {
    return this.afterRowidStmt.all(pipelineId, after, limit);
  }

  newestWindowStart(pipelineId: string): number | null {
    return this.newestWindowStmt.get(pipelineId)?.t ?? null;
  }

  /** Every row whose window starts at or after `since`, oldest first. */
  windowsSince(pipelineId: string, since: number): StoredResult[] {
    return this.sinceStmt.all(pipelineId, since);
  }
}

export const pipelineResultsRepo = (db: Db): PipelineResultsRepo => repoOf(db, PipelineResultsRepo);
