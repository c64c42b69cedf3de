import type { BadRecord } from '../../../shared/pipelines.js';
import type { Db } from './db.js';
import type { ResultRow, StateEntry } from '../pipelines/aggregation.js';
import type { TableSink } from './table-sink.js';
import type { Row } from '../pipelines/row.js';

export interface Progress {
  batch: number;
  /** The eviction watermark of the next batch. */
  watermark: number | null;
  /** The eviction watermark of the last batch: the next batch's late-events watermark (Spark 3.4+). */
  previousWatermark: number | null;
  /** Window rows dropped as late, in total. */
  lateRows: number;
  /** Spark's numRowsDroppedByWatermark (late group + window keys per batch), in total. */
  droppedByWatermark: number;
  badCounts: Record<string, number>;
  lastBad: BadRecord[];
}

export interface BatchCommit {
  offsets: { topic: string; partition: number; nextOffset: string }[];
  upserted: StateEntry[];
  evicted: string[];
  emitted: ResultRow[];
  tableRows: { id: string; row: Row }[];
  progress: Progress;
}

const LAST_BAD = 20;

/** What one batch adds to the progress (the aggregation's part; all null/0 without one). */
export interface BatchCounts {
  lateRows: number;
  droppedByWatermark: number;
  watermark: number | null;
  previousWatermark: number | null;
}

export const EMPTY_PROGRESS: Progress = {
  batch: 0,
  watermark: null,
  previousWatermark: null,
  lateRows: 0,
  droppedByWatermark: 0,
  badCounts: {},
  lastBad: [],
};

/** The counters after a batch: one more batch, its late rows and bad records added, the last few bad ones kept. */
export function nextProgress(previous: Progress, bad: readonly BadRecord[], batch: BatchCounts): Progress {
  const counts = { ...previous.badCounts };
  for (const record of bad) counts[record.reason] = (counts[record.reason] ?? 0) + 1;
  const lastBad = [
    ...previous.lastBad,
    ...bad.map(({ topic, partition, offset, reason, error }) => ({ topic, partition, offset, reason, error })),
  ].slice(-LAST_BAD);
  return {
    batch: previous.batch + 1,
    watermark: batch.watermark,
    previousWatermark: batch.previousWatermark,
    lateRows: previous.lateRows + batch.lateRows,
    droppedByWatermark: previous.droppedByWatermark + batch.droppedByWatermark,
    badCounts: counts,
    lastBad,
  };
}

/**
 * A pipeline's checkpoint in the app's SQLite store: consumed offsets, window state, emitted
 * results, sink-table rows and counters. `commit` writes all of them in ONE transaction, so after
 * a crash they roll back together and Kafka replays the batch (docs/GUARANTEES.md: exactly-once into
 * SQLite = replayable offsets + state and results committed atomically).
 */
export class CheckpointStore {
  private readonly db: Db;
  private readonly id: string;
  private readonly statements;

  constructor(db: Db, pipelineId: string) {
    this.db = db;
    this.id = pipelineId;
    this.statements = {
      offsets: db.prepare<[string], { topic: string; partition: number; next_offset: string }>(
        'SELECT topic, partition, next_offset FROM pipeline_offsets WHERE pipeline_id = ?',
      ),
      upsertOffset: db.prepare(
        `INSERT INTO pipeline_offsets (pipeline_id, topic, partition, next_offset) VALUES (?, ?, ?, ?)
         ON CONFLICT (pipeline_id, topic, partition) DO UPDATE SET next_offset = excluded.next_offset`,
      ),
      seedOffset: db.prepare('INSERT OR IGNORE INTO pipeline_offsets (pipeline_id, topic, partition, next_offset) VALUES (?, ?, ?, ?)'),
      state: db.prepare<[string], { entry_json: string }>('SELECT entry_json FROM pipeline_state WHERE pipeline_id = ?'),
      upsertState: db.prepare(
        `INSERT INTO pipeline_state (pipeline_id, state_key, entry_json) VALUES (?, ?, ?)
         ON CONFLICT (pipeline_id, state_key) DO UPDATE SET entry_json = excluded.entry_json`,
      ),
      deleteState: db.prepare('DELETE FROM pipeline_state WHERE pipeline_id = ? AND state_key = ?'),
      progress: db.prepare<
        [string],
        {
          batch: number;
          watermark: number | null;
          previous_watermark: number | null;
          late_rows: number;
          dropped_by_watermark: number;
          bad_json: string;
        }
      >(
        'SELECT batch, watermark, previous_watermark, late_rows, dropped_by_watermark, bad_json FROM pipeline_progress WHERE pipeline_id = ?',
      ),
      upsertProgress: db.prepare(
        `INSERT INTO pipeline_progress (pipeline_id, batch, watermark, previous_watermark, late_rows, dropped_by_watermark, bad_json)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (pipeline_id) DO UPDATE SET batch = excluded.batch, watermark = excluded.watermark,
           previous_watermark = excluded.previous_watermark, late_rows = excluded.late_rows,
           dropped_by_watermark = excluded.dropped_by_watermark, bad_json = excluded.bad_json`,
      ),
      upsertResult: db.prepare(
        `INSERT INTO pipeline_results (pipeline_id, result_key, group_json, window_start, window_end, values_json, batch)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (pipeline_id, result_key) DO UPDATE SET values_json = excluded.values_json, batch = excluded.batch`,
      ),
    };
  }

  offsets(): Map<string, bigint> {
    return new Map(this.statements.offsets.all(this.id).map((row) => [`${row.topic}:${row.partition}`, BigInt(row.next_offset)]));
  }

  /** Starting offsets for partitions never consumed; an existing checkpoint always wins. */
  seedOffsets(offsets: { topic: string; partition: number; offset: string }[]): void {
    this.db.transaction(() => {
      for (const o of offsets) this.statements.seedOffset.run(this.id, o.topic, o.partition, o.offset);
    })();
  }

  /** Sets where reading resumes, over what was stored (an offsets reset of the pipeline's group). */
  moveOffsets(offsets: { topic: string; partition: number; offset: string }[]): void {
    this.db.transaction(() => {
      for (const o of offsets) this.statements.upsertOffset.run(this.id, o.topic, o.partition, o.offset);
    })();
  }

  state(): StateEntry[] {
    return this.statements.state.all(this.id).map((row) => JSON.parse(row.entry_json) as StateEntry);
  }

  progress(): Progress {
    const row = this.statements.progress.get(this.id);
    if (!row) return EMPTY_PROGRESS;
    const bad = JSON.parse(row.bad_json) as { counts: Record<string, number>; last: BadRecord[] };
    return {
      batch: row.batch,
      watermark: row.watermark,
      previousWatermark: row.previous_watermark,
      lateRows: row.late_rows,
      droppedByWatermark: row.dropped_by_watermark,
      badCounts: bad.counts,
      lastBad: bad.last,
    };
  }

  commit(batch: BatchCommit, table: TableSink | null): void {
    const s = this.statements;
    this.db.transaction(() => {
      for (const entry of batch.upserted) s.upsertState.run(this.id, entry.key, JSON.stringify(entry));
      for (const key of batch.evicted) s.deleteState.run(this.id, key);
      for (const row of batch.emitted) {
        s.upsertResult.run(
          this.id,
          row.key,
          JSON.stringify(row.group),
          row.window?.start ?? null,
          row.window?.end ?? null,
          JSON.stringify(row.values),
          batch.progress.batch,
        );
      }
      if (table) for (const { id, row } of batch.tableRows) table.upsert(id, row);
      for (const o of batch.offsets) s.upsertOffset.run(this.id, o.topic, o.partition, o.nextOffset);
      const p = batch.progress;
      s.upsertProgress.run(
        this.id,
        p.batch,
        p.watermark,
        p.previousWatermark,
        p.lateRows,
        p.droppedByWatermark,
        JSON.stringify({ counts: p.badCounts, last: p.lastBad }),
      );
    })();
  }

  /** Forgets everything of the pipeline (remove, or "reset checkpoint"). */
  clear(): void {
    this.db.transaction(() => {
      for (const table of ['pipeline_offsets', 'pipeline_state', 'pipeline_progress', 'pipeline_results']) {
        this.db.prepare(`DELETE FROM ${table} WHERE pipeline_id = ?`).run(this.id);
      }
    })();
  }
}
