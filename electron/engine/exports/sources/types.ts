import type { ColumnSpec } from '../../../../shared/exports.js';
import type { Row } from '../writers/types.js';

/** What an export reads: its columns, batches of rows, and (when known) how many rows to expect. */
export interface ExportSourceHandle {
  readonly label: string;
  readonly columns: ColumnSpec[];
  readonly totalRows: number | null;
  /** What the export history calls the source, when more than its label ("Batch report of Sensors"). */
  readonly title?: string;
  /** File name (no extension) when the request gives none; default `<label>-<time>`. */
  readonly fileBase?: string;
  /**
   * A source that reads its input before it has any row (a batch report groups every record first):
   * records read so far and of how many, which the progress shows instead of rows written.
   */
  readonly input?: { read(): number; readonly total: number };
  /** `onStall`: why reading makes no progress now, with since when (null once it does again). */
  batches(signal: AbortSignal, onStall?: (problem: string | null) => void): AsyncIterable<Row[]>;
}
