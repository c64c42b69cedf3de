import { stringify } from 'csv-stringify/sync';
import type { ColumnSpec } from '../../../../shared/exports.js';
import { textCell } from './cell-values.js';
import type { ByteSink, Row, RowWriter } from './types.js';

export interface CsvOptions {
  delimiter: string;
  header: boolean;
}

/**
 * RFC 4180 CSV through csv-stringify: fields holding the delimiter, a quote or a line break are
 * quoted, quotes doubled, records end with CRLF. A null is an empty field; an empty string is `""`,
 * so a reader can tell them apart. Each batch is encoded and handed to the sink, so memory is one batch.
 */
export class CsvWriter implements RowWriter {
  rowsWritten = 0;
  bytesWritten = 0;
  private headerDone = false;

  constructor(
    private readonly columns: readonly ColumnSpec[],
    private readonly sink: ByteSink,
    private readonly options: CsvOptions,
  ) {}

  async write(rows: readonly Row[]): Promise<void> {
    const header = this.options.header && !this.headerDone;
    if (rows.length === 0 && !header) return;
    const records = rows.map((row) => this.columns.map((column) => textCell(row[column.name], column.type)));
    const text = stringify(records, {
      header,
      columns: this.columns.map((c) => c.name),
      delimiter: this.options.delimiter,
      record_delimiter: 'windows',
      // csv-stringify only quotes a field holding the whole record delimiter (CRLF); RFC 4180 wants any
      // CR or LF quoted, else a lone "\n" inside a value splits the record for other readers.
      quoted_match: /[\r\n]/,
      cast: {
        boolean: (value) => (value ? 'true' : 'false'),
        number: (value) => String(value),
        // Only a real empty string is quoted; a null stays an empty, unquoted field.
        string: (value) => (value === '' ? { value: '', quoted_empty: true } : value),
      },
    });
    this.headerDone = true;
    await this.emit(text);
    this.rowsWritten += rows.length;
  }

  async close(): Promise<void> {
    // A header-only file for an empty export is still a valid CSV with the right columns.
    if (!this.headerDone && this.options.header) await this.write([]);
  }

  private async emit(text: string): Promise<void> {
    if (text.length === 0) return;
    const bytes = Buffer.from(text, 'utf8');
    this.bytesWritten += bytes.length;
    await this.sink.write(bytes);
  }
}
