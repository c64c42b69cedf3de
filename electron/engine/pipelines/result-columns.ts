import type { ColumnSpec } from '../../../shared/exports.js';
import type { AggregationSpec, PipelineSpec } from '../../../shared/pipelines.js';
import type { ResultRow } from './aggregation.js';
import type { Row } from './row.js';

export type ReportColumn = ColumnSpec & { sql: string };

/**
 * The columns of an aggregation's result rows — group-by (typed from the projection), window bounds
 * if windowed, then the aggregates — as the batch report, the file sinks and the results export
 * write them, with the SQLite type of each for a report table.
 */
export function reportColumns(p: Pick<PipelineSpec, 'projection' | 'wordSplit'>, a: AggregationSpec): ReportColumn[] {
  const typeOf = (column: string | undefined): ReportColumn['type'] => {
    if (p.wordSplit && column === 'word') return 'string';
    const t = p.projection.find((c) => c.column === column)?.type;
    return t === 'int' ? 'int64' : t === 'double' ? 'double' : t === 'boolean' ? 'boolean' : t === 'timestamp' ? 'timestamp-ms' : 'string';
  };
  const sql = (t: ReportColumn['type']) =>
    t === 'int64' || t === 'int32'
      ? 'INTEGER'
      : t === 'double'
        ? 'REAL'
        : t === 'boolean'
          ? 'INTEGER'
          : t.startsWith('timestamp')
            ? 'INTEGER'
            : 'TEXT';
  const col = (name: string, type: ReportColumn['type']): ReportColumn => ({ name, type, nullable: true, sql: sql(type) });
  return [
    ...a.groupBy.map((g) => col(g, typeOf(g))),
    ...(a.window ? [col('window_start', 'timestamp-ms'), col('window_end', 'timestamp-ms')] : []),
    ...a.aggregates.map((g) => {
      if (g.fn === 'count') return col(g.as, 'int64');
      if (g.fn === 'avg' || g.fn === 'sum') return col(g.as, 'double');
      return col(g.as, typeOf(g.column));
    }),
  ];
}

/** An aggregation result as a flat row: group-by values, window bounds (epoch ms), aggregates. */
export function flattenResult(row: ResultRow, a: AggregationSpec | undefined): Row {
  const out: Row = {};
  a?.groupBy.forEach((g, i) => (out[g] = row.group[i] ?? null));
  if (a?.window) {
    out.window_start = row.window?.start ?? null;
    out.window_end = row.window?.end ?? null;
  }
  return { ...out, ...row.values };
}

/** Timestamp columns in a Parquet format's unit (ms or µs; never ns); epoch-ms cells fit both. */
export function inTimestampUnit(columns: readonly ColumnSpec[], unit: 'ms' | 'us'): ColumnSpec[] {
  return columns.map((c) => (c.type === 'timestamp-ms' && unit === 'us' ? { ...c, type: 'timestamp-us' } : c));
}
