import type { ColumnSpec, ExportFormat } from '../../../../shared/exports.js';
import { CsvWriter } from './csv-writer.js';
import { JsonlWriter } from './jsonl-writer.js';
import { ParquetRowWriter } from './parquet-writer.js';
import type { ByteSink, Row, RowWriter } from './types.js';

export function createWriter(format: ExportFormat, columns: readonly ColumnSpec[], sink: ByteSink): RowWriter {
  switch (format.kind) {
    case 'csv':
      return new CsvWriter(columns, sink, { delimiter: format.delimiter, header: format.header });
    case 'jsonl':
      return new JsonlWriter(columns, sink);
    case 'parquet':
      return new ParquetRowWriter(columns, sink, { codec: format.codec, rowGroupRows: format.rowGroupRows });
  }
}

export function fileExtension(format: ExportFormat): string {
  return format.kind === 'parquet' ? 'parquet' : format.kind;
}

/** Feeds batches from an async iterable into a writer; stops between batches when the signal aborts. */
export async function writeAll(
  batches: AsyncIterable<readonly Row[]> | Iterable<readonly Row[]>,
  writer: RowWriter,
  signal?: AbortSignal,
  onBatch?: () => void,
): Promise<void> {
  for await (const batch of batches) {
    signal?.throwIfAborted();
    await writer.write(batch);
    onBatch?.();
  }
  signal?.throwIfAborted();
  await writer.close();
}
