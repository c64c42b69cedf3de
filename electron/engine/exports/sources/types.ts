import type { ColumnSpec } from '../../../../shared/exports.js';
import type { Row } from '../writers/types.js';

/** What an export reads: its columns, batches of rows, and (when known) how many rows to expect. */
export interface ExportSourceHandle {
  readonly label: string;
  readonly columns: ColumnSpec[];
  readonly totalRows: number | null;
  /** `onStall`: why reading makes no progress now, with since when (null once it does again). */
  batches(signal: AbortSignal, onStall?: (problem: string | null) => void): AsyncIterable<Row[]>;
}
