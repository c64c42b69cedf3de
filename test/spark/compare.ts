// Compares the app's micro-batches with Spark's, batch by batch and in the final result table.
import type { SparkCase, SparkCaseResult, SparkRow } from './spark-oracle.js';
import { aggregationOf, type OracleBatch, type OracleCase, type OracleRow } from './workbench-run.js';

/** The same case for PySpark: the projection the pipeline uses, the same window, watermark and aggregates. */
export function sparkCaseOf(c: OracleCase): SparkCase {
  const a = aggregationOf(c);
  return {
    name: c.name,
    topic: c.topic,
    maxOffsetsPerTrigger: c.maxOffsetsPerTrigger,
    columns: [
      { column: 'sensor', path: 'sensor', type: 'string' },
      { column: 'ts', path: 'ts', type: 'timestamp', timestampFormat: 'epoch-ms' },
      { column: 'temperature', path: 'temperature', type: 'double' },
    ],
    window: { column: 'ts', durationMs: c.window.durationMs, ...(c.window.slideMs === undefined ? {} : { slideMs: c.window.slideMs }) },
    watermarkDelayMs: c.watermarkDelayMs,
    groupBy: a.groupBy,
    aggregates: a.aggregates.map((g) => ({ fn: g.fn, as: g.as, ...(g.column === undefined ? {} : { column: g.column }) })),
    outputMode: c.outputMode,
    allowMultiple: c.sparkCompatibility !== 'before-3.4',
  };
}

export function fromSpark(result: SparkCaseResult): OracleBatch[] {
  return result.batches.map((b) => ({
    batchId: b.batchId,
    numInputRows: b.numInputRows,
    watermarkMs: b.watermarkMs ?? 0,
    numRowsDroppedByWatermark: b.numRowsDroppedByWatermark,
    rows: b.rows.map(sparkRow),
  }));
}

function sparkRow(row: SparkRow): OracleRow {
  const num = (column: string) => {
    const v = row[column];
    if (typeof v !== 'number') throw new Error(`Spark row without a number in ${column}: ${JSON.stringify(row)}`);
    return v;
  };
  if (typeof row.sensor !== 'string') throw new Error(`Spark row without a sensor: ${JSON.stringify(row)}`);
  return {
    sensor: row.sensor,
    start: row.window?.start ?? 0,
    end: row.window?.end ?? 0,
    n: num('n'),
    sum_t: num('sum_t'),
    avg_t: num('avg_t'),
    min_t: num('min_t'),
    max_t: num('max_t'),
  };
}

const keyOf = (row: OracleRow) => `${row.sensor}@${row.start}-${row.end}`;
const REL = 1e-9;
const close = (a: number, b: number) => a === b || Math.abs(a - b) <= REL * Math.max(Math.abs(a), Math.abs(b));

/** What differs between two sets of rows (by group + window; floats within a relative 1e-9). */
export function rowDifferences(ours: readonly OracleRow[], spark: readonly OracleRow[]): string[] {
  const differences: string[] = [];
  const theirs = new Map(spark.map((row) => [keyOf(row), row]));
  const mine = new Map(ours.map((row) => [keyOf(row), row]));
  if (mine.size !== ours.length) differences.push(`ours has ${ours.length - mine.size} duplicate keys`);
  if (theirs.size !== spark.length) differences.push(`Spark's has ${spark.length - theirs.size} duplicate keys`);
  for (const [key, row] of mine) {
    const other = theirs.get(key);
    if (!other) differences.push(`only ours: ${JSON.stringify(row)}`);
    else if (
      row.n !== other.n ||
      !close(row.sum_t, other.sum_t) ||
      !close(row.avg_t, other.avg_t) ||
      row.min_t !== other.min_t ||
      row.max_t !== other.max_t
    )
      differences.push(`values differ at ${key}: ours ${JSON.stringify(row)}, Spark ${JSON.stringify(other)}`);
  }
  for (const [key, row] of theirs) if (!mine.has(key)) differences.push(`only Spark's: ${JSON.stringify(row)}`);
  return differences;
}

/** The result table after every batch, as a sink that applies the output mode would hold it. */
export function finalTable(batches: readonly OracleBatch[], mode: OracleCase['outputMode']): OracleRow[] {
  if (mode === 'complete') return [...(batches.at(-1)?.rows ?? [])];
  const table = new Map<string, OracleRow>();
  for (const batch of batches) for (const row of batch.rows) table.set(keyOf(row), row);
  return [...table.values()];
}

/** Every difference between the app's run and Spark's, per batch (input rows, watermark, late keys, rows) and in the final table. */
export function compareRuns(c: OracleCase, ours: readonly OracleBatch[], spark: readonly OracleBatch[]): string[] {
  const out: string[] = [];
  if (ours.length !== spark.length)
    out.push(
      `${ours.length} batches, Spark ran ${spark.length}: ours ${JSON.stringify(ours.map((b) => b.numInputRows))}, Spark ${JSON.stringify(spark.map((b) => b.numInputRows))}`,
    );
  for (let i = 0; i < Math.min(ours.length, spark.length); i++) {
    const a = ours[i];
    const b = spark[i];
    if (!a || !b) continue;
    const at = `batch ${b.batchId}`;
    if (a.batchId !== b.batchId) out.push(`${at}: our batch id ${a.batchId}`);
    if (a.numInputRows !== b.numInputRows) out.push(`${at}: ${a.numInputRows} input rows, Spark ${b.numInputRows}`);
    if (a.watermarkMs !== b.watermarkMs) out.push(`${at}: watermark ${a.watermarkMs}, Spark ${b.watermarkMs}`);
    if (a.numRowsDroppedByWatermark !== b.numRowsDroppedByWatermark)
      out.push(`${at}: numRowsDroppedByWatermark ${a.numRowsDroppedByWatermark}, Spark ${b.numRowsDroppedByWatermark}`);
    out.push(...rowDifferences(a.rows, b.rows).map((d) => `${at}: ${d}`));
  }
  out.push(...rowDifferences(finalTable(ours, c.outputMode), finalTable(spark, c.outputMode)).map((d) => `final table: ${d}`));
  return out;
}

/** Totals for the log and the closing note. */
export function totals(batches: readonly OracleBatch[]): { batches: number; emitted: number; droppedByWatermark: number } {
  return {
    batches: batches.length,
    emitted: batches.reduce((n, b) => n + b.rows.length, 0),
    droppedByWatermark: batches.reduce((n, b) => n + b.numRowsDroppedByWatermark, 0),
  };
}
