/**
 * Database sinks of pipelines (PostgreSQL, Cassandra): the interface each engine implements.
 *
 * Note for an engine's author (how the pipeline runner uses a DatabaseSink):
 * - One sink object per running pipeline, built by `openDatabaseSink` (database-engines.ts, one entry
 *   per engine) from the saved connection, its password in clear, and the table the sink writes.
 * - `prepare()` runs once before the pipeline joins its group: create the table if asked and missing,
 *   else check it against `table.columns` and `table.key`; throw a WorkbenchError that NAMES every
 *   mismatch ("column age is text, the projection needs bigint"). Errors of the driver go through
 *   `describe()` so the user reads them in words (unreachable, wrong password, missing database,
 *   permission denied).
 * - `readOffsets()` runs once after `prepare()`: the source offsets the sink holds for this pipeline
 *   (`topic:partition` → next offset to read). For a projection-only pipeline the runner resumes
 *   from them, so what the sink holds decides where reading goes on (exactly once into the sink).
 * - `writeBatch(rows, offsets)` per micro-batch, BEFORE the app's SQLite checkpoint commits: the
 *   rows (already keyed: later rows with the same key replace earlier ones) and the batch's
 *   offsets. PostgreSQL does both in ONE transaction; an engine without multi-table transactions
 *   (Cassandra) writes rows idempotently (upsert by key) and the offsets after them, which is as
 *   good for a replayed batch. Throw on failure: the runner keeps its offsets and retries the batch.
 * - `close()` when the pipeline stops; it must not throw.
 * SQL/CQL sent to the database lives in the engine's own folder (sinks/postgres/, sinks/cassandra/).
 */
import type { ColumnType } from '../../../shared/pipelines.js';
import type { Row } from '../pipelines/row.js';

/** One column of the sink's table, typed as the projection (or the result) types it. */
export interface SinkColumn {
  name: string;
  type: ColumnType;
}

/** The table a sink writes: its columns in order and its primary key (rows upsert by it). */
export interface SinkTable {
  name: string;
  columns: readonly SinkColumn[];
  key: readonly string[];
  /** Create the table when it does not exist (else its absence is an error). */
  create: boolean;
}

/** A source partition's next offset to read after the batch. */
export interface SinkOffset {
  topic: string;
  partition: number;
  next: bigint;
}

export interface DatabaseSink {
  /** Creates or checks the table (and the sink's offsets table); throws naming each mismatch. */
  prepare(): Promise<void>;
  /** Offsets this pipeline committed to the sink, by `topic:partition`; empty when none. */
  readOffsets(): Promise<Map<string, bigint>>;
  /** The batch's rows and its offsets, atomically (see the note above). */
  writeBatch(rows: readonly Row[], offsets: readonly SinkOffset[]): Promise<void>;
  close(): Promise<void>;
}
