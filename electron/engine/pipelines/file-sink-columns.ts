import { createHash } from 'node:crypto';
import type { ColumnSpec, ExportFormat } from '../../../shared/exports.js';
import type { ColumnType, Pipeline } from '../../../shared/pipelines.js';
import type { Row as CellRow } from '../exports/writers/types.js';
import { inTimestampUnit, reportColumns } from './result-columns.js';
import type { OffsetRange } from '../store/file-sink-store.js';
import type { Row } from './row.js';

const writerType: Record<ColumnType, ColumnSpec['type']> = {
  string: 'string',
  int: 'int64',
  double: 'double',
  boolean: 'boolean',
  timestamp: 'timestamp-ms',
};

/**
 * The columns of a pipeline's files: the projection's (or `word` for a word split), or for an
 * aggregation its result columns (group-by, window bounds, aggregates), as the batch report has them.
 * Timestamps are in the Parquet format's unit (ms or µs; never ns).
 */
export function fileColumns(p: Pipeline, format: ExportFormat): ColumnSpec[] {
  return pipelineColumns(p, format.kind === 'parquet' ? format.timestampUnit : 'ms');
}

/** The same columns for a timestamp unit (the results export, whose first format sets it). */
export function pipelineColumns(p: Pipeline, unit: 'ms' | 'us'): ColumnSpec[] {
  const columns: ColumnSpec[] = p.aggregation
    ? reportColumns(p, p.aggregation).map(({ name, type }) => ({ name, type, nullable: true }))
    : p.wordSplit
      ? [{ name: 'word', type: 'string', nullable: false }]
      : p.projection.map((c) => ({ name: c.column, type: writerType[c.type], nullable: !c.required || c.derive !== undefined }));
  return inTimestampUnit(columns, unit);
}

/** Stored row → writer cells: timestamps stay epoch ms numbers, which every writer accepts. */
export function toCells(row: Row, columns: readonly ColumnSpec[]): CellRow {
  const out: CellRow = {};
  for (const c of columns) out[c.name] = row[c.name] ?? null;
  return out;
}

/** Short stable tag of a pipeline id for file names. */
export function shortId(pipelineId: string): string {
  return createHash('sha256').update(pipelineId).digest('hex').slice(0, 8);
}

/**
 * `part-<pipeline>-<firstBatch>-<lastBatch>-<range>.<ext>`: fixed once the file is pending, so a
 * re-write after a crash lands on the same name. Batches are zero-padded so names sort in batch
 * order; `<range>` hashes the offsets the file covers, so a re-created pipeline whose batch counter
 * restarted does not collide with the files of the old one unless it holds the very same records.
 */
export function fileName(pipelineId: string, first: number, last: number, offsets: OffsetRange, extension: string): string {
  const pad = (n: number) => String(n).padStart(10, '0');
  const canonical = JSON.stringify(Object.entries(offsets).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const range = createHash('sha256').update(canonical).digest('hex').slice(0, 6);
  return `part-${shortId(pipelineId)}-${pad(first)}-${pad(last)}-${range}.${extension}`;
}
