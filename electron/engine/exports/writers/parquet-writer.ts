import { gzipSync, zstdCompressSync } from 'node:zlib';
import type { SchemaElement } from 'hyparquet';
import { ByteWriter, ParquetWriter, type ColumnSource } from 'hyparquet-writer';
import type { ColumnSpec, ParquetCodec } from '../../../../shared/exports.js';
import { timestampIn } from './cell-values.js';
import type { ByteSink, Cell, Row, RowWriter } from './types.js';

export interface ParquetOptions {
  codec: ParquetCodec;
  /** Rows buffered before a row group is encoded and flushed; the writer's memory is about one row group. */
  rowGroupRows: number;
  /** A row group is also cut when its rows hold about this many bytes, so large messages stay bounded too. */
  rowGroupBytes?: number;
}

const codecNames = { snappy: 'SNAPPY', zstd: 'ZSTD', gzip: 'GZIP', none: 'UNCOMPRESSED' } as const;

/**
 * Every labelled codec has a real compressor: hyparquet-writer falls back to raw bytes under the
 * codec's label when a compressor is missing (`compressors[codec]?.(bytes) ?? bytes`), which readers
 * then fail to decode. Snappy is hyparquet-writer's own; gzip and zstd are Node's zlib.
 */
const compressors = {
  GZIP: (input: Uint8Array): Uint8Array => gzipSync(input),
  ZSTD: (input: Uint8Array): Uint8Array => zstdCompressSync(input),
};

/** A ByteWriter whose bytes go to the sink after each row group instead of piling up. */
class SinkByteWriter extends ByteWriter {
  constructor(
    private readonly sink: ByteSink,
    private readonly onBytes: (n: number) => void,
  ) {
    super(1 << 20);
  }

  // hyparquet-writer awaits a promise returned by flush() before encoding the next row group
  // (ParquetWriter.write), which is how the sink's backpressure reaches the encoder.
  flush(): Promise<void> {
    if (this.index === 0) return Promise.resolve();
    const chunk = new Uint8Array(this.buffer.slice(0, this.index));
    this.index = 0;
    this.onBytes(chunk.length);
    return this.sink.write(chunk);
  }

  // eslint-disable-next-line @typescript-eslint/no-misused-promises -- awaited by ParquetWriter.finish()
  override finish(): Promise<void> {
    return this.flush();
  }
}

/** The Parquet schema of our column types; timestamps are UTC-adjusted ms or µs, never ns. */
export function parquetSchema(columns: readonly ColumnSpec[]): SchemaElement[] {
  const root: SchemaElement = { name: 'root', num_children: columns.length };
  return [
    root,
    ...columns.map((c): SchemaElement => {
      const repetition_type = c.nullable ? 'OPTIONAL' : 'REQUIRED';
      switch (c.type) {
        case 'string':
          return { name: c.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type };
        case 'int32':
          return { name: c.name, type: 'INT32', repetition_type };
        case 'int64':
          return { name: c.name, type: 'INT64', repetition_type };
        case 'double':
          return { name: c.name, type: 'DOUBLE', repetition_type };
        case 'boolean':
          return { name: c.name, type: 'BOOLEAN', repetition_type };
        case 'timestamp-ms':
          return {
            name: c.name,
            type: 'INT64',
            converted_type: 'TIMESTAMP_MILLIS',
            logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
            repetition_type,
          };
        case 'timestamp-us':
          return {
            name: c.name,
            type: 'INT64',
            converted_type: 'TIMESTAMP_MICROS',
            logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' },
            repetition_type,
          };
      }
    }),
  ];
}

function converter(column: ColumnSpec): (value: Exclude<Cell, null | undefined>) => unknown {
  switch (column.type) {
    case 'string':
      return (v) => (v instanceof Date ? v.toISOString() : String(v));
    case 'int32':
      return (v) => Number(v) | 0;
    case 'int64':
      return (v) => (typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v))));
    case 'double':
      return (v) => Number(v);
    case 'boolean':
      return (v) => v === true || v === 'true' || v === 1;
    case 'timestamp-ms':
      return (v) => timestampIn(v, 'ms');
    case 'timestamp-us':
      return (v) => timestampIn(v, 'us');
  }
}

function missing(column: ColumnSpec): Error {
  return new Error(`column ${column.name} is not nullable but a row has no value`);
}

// One filler per kind of column, each with its common case inline: a call per cell through one
// generic converter made the transposition cost more than hyparquet-writer's encoding (profiled).

/**
 * String cells of rows[from, to), each row also counting `perRow` bytes; stops after the row that
 * brings `bytes` to `limit`. Returns [end, bytes].
 */
function fillStrings(
  rows: readonly Row[],
  from: number,
  to: number,
  column: ColumnSpec,
  out: unknown[],
  bytes: number,
  limit: number,
  perRow: number,
): [number, number] {
  const name = column.name;
  for (let r = from; r < to; r++) {
    bytes += perRow;
    const v = rows[r][name];
    if (typeof v === 'string') {
      out.push(v);
      bytes += v.length * 2;
    } else if (v === null || v === undefined) {
      if (!column.nullable) throw missing(column);
      out.push(null);
      bytes += 8;
    } else {
      const text = v instanceof Date ? v.toISOString() : String(v);
      out.push(text);
      bytes += text.length * 2;
    }
    if (bytes >= limit) return [r + 1, bytes];
  }
  return [to, bytes];
}

function fillNumbers(rows: readonly Row[], from: number, to: number, column: ColumnSpec, out: unknown[]): void {
  const name = column.name;
  const convert = converter(column);
  for (let r = from; r < to; r++) {
    const v = rows[r][name];
    if (typeof v === 'number' && column.type === 'double') out.push(v);
    else if (v === null || v === undefined) {
      if (!column.nullable) throw missing(column);
      out.push(null);
    } else out.push(convert(v));
  }
}

function fillBigints(rows: readonly Row[], from: number, to: number, column: ColumnSpec, out: unknown[]): void {
  const name = column.name;
  const convert = converter(column);
  // Epoch-ms numbers in a ms column and bigints in an int64 column are the common cells.
  const plainNumbers = column.type === 'timestamp-ms' || column.type === 'int64';
  const plainBigints = column.type === 'int64';
  for (let r = from; r < to; r++) {
    const v = rows[r][name];
    if (typeof v === 'bigint' && plainBigints) out.push(v);
    else if (typeof v === 'number' && plainNumbers && Number.isInteger(v)) out.push(BigInt(v));
    else if (v === null || v === undefined) {
      if (!column.nullable) throw missing(column);
      out.push(null);
    } else out.push(convert(v));
  }
}

/**
 * Streaming Parquet through hyparquet-writer. Each batch is converted straight into per-column value
 * arrays (no row objects are kept: holding 100,000 of them per row group cost more in garbage
 * collection than the encoding, measured); a full row group is encoded and flushed.
 */
export class ParquetRowWriter implements RowWriter {
  rowsWritten = 0;
  bytesWritten = 0;
  private readonly writer: ParquetWriter;
  private readonly fixedCells: number;
  private values: unknown[][];
  private bufferedRows = 0;
  private bufferedBytes = 0;

  constructor(
    private readonly columns: readonly ColumnSpec[],
    sink: ByteSink,
    private readonly options: ParquetOptions,
  ) {
    const bytes = new SinkByteWriter(sink, (n) => (this.bytesWritten += n));
    this.writer = new ParquetWriter({
      writer: bytes,
      schema: parquetSchema(columns),
      codec: codecNames[options.codec],
      compressors,
      createdBy: 'kafka-workbench (hyparquet-writer)',
    });
    this.fixedCells = columns.filter((c) => c.type !== 'string').length;
    this.values = columns.map(() => []);
  }

  async write(rows: readonly Row[]): Promise<void> {
    const groupRows = this.options.rowGroupRows;
    const groupBytes = this.options.rowGroupBytes ?? 64 * 1024 * 1024;
    let from = 0;
    while (from < rows.length) {
      // Up to the end of the batch or of the row group, whichever comes first.
      const to = Math.min(rows.length, from + (groupRows - this.bufferedRows));
      const taken = this.append(rows, from, to, groupBytes);
      from += taken;
      if (this.bufferedRows >= groupRows || this.bufferedBytes >= groupBytes) await this.flushGroup();
    }
  }

  async close(): Promise<void> {
    await this.flushGroup();
    await this.writer.finish();
  }

  /** Converts rows[from, to) column by column; stops early once the row group holds `groupBytes`. Returns the rows taken. */
  private append(rows: readonly Row[], from: number, to: number, groupBytes: number): number {
    // String columns first (strings are what makes rows big): they decide where the row group is
    // cut, before it passes the limit; fixed-size cells count 8 bytes each.
    const fixed = this.fixedCells * 8;
    let end = to;
    let bytes = this.bufferedBytes;
    let first = true;
    for (let c = 0; c < this.columns.length; c++) {
      const column = this.columns[c];
      if (column.type !== 'string') continue;
      const out = this.values[c];
      const before = out.length;
      // The first string column also counts the fixed-size cells. After a cut by a later column the
      // count keeps the earlier columns' trimmed cells: an overestimate, so a group is never larger.
      [end, bytes] = fillStrings(rows, from, end, column, out, bytes, groupBytes, first ? fixed : 0);
      first = false;
      // A later string column may cut earlier than an earlier one did: trim the earlier ones.
      for (let d = 0; d < c; d++) if (this.columns[d].type === 'string') this.values[d].length = before + (end - from);
    }
    if (first) {
      // No string column: only fixed-size cells, cut where they reach the limit.
      const room = Math.max(1, Math.ceil((groupBytes - bytes) / Math.max(1, fixed)));
      end = Math.min(to, from + room);
      bytes += fixed * (end - from);
    }
    this.bufferedBytes = bytes;
    for (let c = 0; c < this.columns.length; c++) {
      const column = this.columns[c];
      const out = this.values[c];
      switch (column.type) {
        case 'string':
          break;
        case 'int64':
        case 'timestamp-ms':
        case 'timestamp-us':
          fillBigints(rows, from, end, column, out);
          break;
        default:
          fillNumbers(rows, from, end, column, out);
      }
    }
    this.bufferedRows += end - from;
    return end - from;
  }

  private async flushGroup(): Promise<void> {
    const count = this.bufferedRows;
    if (count === 0) return;
    const values = this.values;
    this.values = this.columns.map(() => []);
    this.bufferedRows = 0;
    this.bufferedBytes = 0;
    const columnData = this.columns.map((column, c): ColumnSource => ({
      name: column.name,
      data: values[c] as ColumnSource['data'],
      nullable: column.nullable,
      statistics: column.statistics ?? true,
    }));
    await this.writer.write({ columnData, rowGroupSize: count });
    this.rowsWritten += count;
  }
}
