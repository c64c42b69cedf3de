import type { ColumnSpec } from '../../../../shared/exports.js';
import { textCell } from './cell-values.js';
import type { ByteSink, Row, RowWriter } from './types.js';

/**
 * One JSON object per line, keys in column order. int64 beyond 2^53 is written as a string (JSON
 * numbers would lose digits), timestamps as ISO-8601 UTC text.
 */
export class JsonlWriter implements RowWriter {
  rowsWritten = 0;
  bytesWritten = 0;

  constructor(
    private readonly columns: readonly ColumnSpec[],
    private readonly sink: ByteSink,
  ) {}

  async write(rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    let text = '';
    for (const row of rows) {
      const record: Record<string, unknown> = {};
      for (const column of this.columns) record[column.name] = textCell(row[column.name], column.type);
      text += `${JSON.stringify(record)}\n`;
    }
    const bytes = Buffer.from(text, 'utf8');
    this.bytesWritten += bytes.length;
    this.rowsWritten += rows.length;
    await this.sink.write(bytes);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
