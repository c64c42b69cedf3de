import type { ColumnSpec } from '../../../../shared/exports.js';

/**
 * A cell value. Timestamps may be a Date, a number of epoch milliseconds, or a bigint in the column's
 * own unit (ms or µs); int64 may be a number or a bigint.
 */
export type Cell = string | number | bigint | boolean | Date | null | undefined;
export type Row = Record<string, Cell>;

/** Where a writer's bytes go (a temp file, an S3 multipart upload). Resolves when the chunk is accepted. */
export interface ByteSink {
  write(chunk: Uint8Array): Promise<void>;
}

/** The common interface of the CSV, JSONL and Parquet writers. */
export interface RowWriter {
  /** Writes a batch of rows; memory is bounded because batches are encoded and handed on. */
  write(rows: readonly Row[]): Promise<void>;
  /** Flushes what is buffered and writes any footer. The sink is not closed. */
  close(): Promise<void>;
  readonly rowsWritten: number;
  readonly bytesWritten: number;
}

export type { ColumnSpec };
