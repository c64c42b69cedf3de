import { WorkbenchError } from '../../../shared/errors.js';
import type { ColumnType, DatabaseSinkSpec, Pipeline, PipelineSpec } from '../../../shared/pipelines.js';
import type { DatabaseSink, SinkColumn, SinkTable } from '../sinks/database-sink.js';
import type { BatchOutput } from './checkpoint.js';
import { flattenResult, reportColumns } from './result-columns.js';
import type { Row } from './row.js';

/** After a failed write the next one waits 200 ms, doubling up to 5 s (a database that is down is not hammered). */
const RETRY_MIN_MS = 200;
const RETRY_MAX_MS = 5_000;

/**
 * The table a database sink writes: a projection-only pipeline's projected columns with the primary
 * key the user chose (S2: `uuid`); an aggregation's result columns (group-by, window bounds,
 * aggregates) keyed by window and group, so update and complete modes upsert each window's group.
 */
export function sinkTableOf(p: Pick<PipelineSpec, 'aggregation' | 'projection' | 'wordSplit'>, spec: DatabaseSinkSpec): SinkTable {
  const a = p.aggregation;
  const columns: SinkColumn[] = a
    ? reportColumns(p, a).map((c) => ({ name: c.name, type: columnType(c.type) }))
    : p.projection.map((c) => ({ name: c.column, type: c.type }));
  const key = spec.primaryKey.length > 0 ? spec.primaryKey : a ? [...(a.window ? ['window_start', 'window_end'] : []), ...a.groupBy] : [];
  if (key.length === 0) {
    throw new WorkbenchError(
      'VALIDATION',
      a
        ? `The ${spec.engine} sink needs a primary key: this aggregation has no window and no group-by column`
        : `Choose the primary key of table ${spec.table} (a projected column whose value is unique, e.g. uuid)`,
    );
  }
  const unknown = key.filter((k) => !columns.some((c) => c.name === k));
  if (unknown.length > 0) {
    throw new WorkbenchError(
      'VALIDATION',
      `Primary key column ${unknown.join(', ')} of table ${spec.table} is not a column of the pipeline (${columns.map((c) => c.name).join(', ')})`,
    );
  }
  return { name: spec.table, columns, key, create: spec.createTable };
}

function columnType(type: string): ColumnType {
  if (type === 'int64' || type === 'int32') return 'int';
  if (type.startsWith('timestamp')) return 'timestamp';
  return type === 'double' || type === 'boolean' ? type : 'string';
}

/**
 * A pipeline's database sink as its checkpoint drives it (sqlite-checkpoint.ts): prepared and its
 * offsets read once at open, then each batch's rows with the batch's offsets, before the SQLite
 * commit. Rows with one key keep the last (one statement may not upsert a key twice).
 */
export class DatabaseOutput {
  readonly spec: DatabaseSinkSpec;
  private readonly pipeline: Pipeline;
  private readonly table: SinkTable;
  private readonly sink: DatabaseSink;
  private failures = 0;

  constructor(pipeline: Pipeline, spec: DatabaseSinkSpec, table: SinkTable, sink: DatabaseSink) {
    this.pipeline = pipeline;
    this.spec = spec;
    this.table = table;
    this.sink = sink;
  }

  /** Creates or checks the table; the offsets the database holds for this pipeline. */
  async open(): Promise<Map<string, bigint>> {
    await this.sink.prepare();
    return this.sink.readOffsets();
  }

  /** True when the database's offsets decide where reading resumes (no operator state in SQLite to keep in step). */
  get holdsOffsets(): boolean {
    return !this.pipeline.aggregation;
  }

  async write(batch: BatchOutput): Promise<void> {
    if (this.failures > 0) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** (this.failures - 1))));
    }
    const rows = batch.result ? batch.result.emitted.map((row) => flattenResult(row, this.pipeline.aggregation)) : batch.rows;
    try {
      await this.sink.writeBatch(
        lastPerKey(rows, this.table.key),
        batch.parts.map((part) => ({ topic: part.topic, partition: part.partition, next: part.next })),
      );
      this.failures = 0;
    } catch (error) {
      this.failures += 1;
      throw error;
    }
  }

  close(): Promise<void> {
    return this.sink.close();
  }
}

function lastPerKey(rows: readonly Row[], key: readonly string[]): Row[] {
  const byKey = new Map<unknown, Row>();
  const [only] = key;
  // One key column holds one type: its values are the map's keys as they are.
  if (key.length === 1 && only !== undefined) for (const row of rows) byKey.set(row[only] ?? null, row);
  else for (const row of rows) byKey.set(JSON.stringify(key.map((k) => row[k] ?? null)), row);
  return byKey.size === rows.length ? [...rows] : [...byKey.values()];
}
