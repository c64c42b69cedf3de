import type { ColumnType } from '../../../../shared/pipelines.js';
import type { Row, Value } from '../../pipelines/row.js';

/** A column of the COPY: its name in the row and its type in the table. */
export interface CopyColumn {
  name: string;
  type: ColumnType;
}

/**
 * Rows already in COPY's text format, encoded by a decode worker (decode-chunk.ts): row `r`'s line
 * is `bytes[r === 0 ? 0 : ends[r - 1], ends[r])`, newline included.
 */
export interface CopyLines {
  bytes: Uint8Array;
  ends: Int32Array;
}

const LINES: unique symbol = Symbol('kwb.copyLines');
const LINE: unique symbol = Symbol('kwb.copyLine');

/** A row that carries its line of a worker's `CopyLines` (symbol keys: invisible to `Object.keys` and JSON). */
type EncodedRow = Row & { [LINES]?: CopyLines; [LINE]?: number };

/** Marks `row` as line `at` of `lines`: the sink writes those bytes instead of encoding the row's values. */
export function markEncoded(row: Row, lines: CopyLines, at: number): void {
  const encoded = row as EncodedRow;
  encoded[LINES] = lines;
  encoded[LINE] = at;
}

/** Rows per chunk of text handed to the COPY stream (a few hundred KB each). */
const COPY_CHUNK_ROWS = 500;

/**
 * The rows as chunks of COPY's text format ("COPY", File Formats, Text Format): a row a worker
 * encoded is its bytes as they are (consecutive lines of one worker chunk in one slice, no copy);
 * the other rows are encoded here, `COPY_CHUNK_ROWS` at a time, by the same `encodeCopyLines`.
 */
export function* copyChunks(rows: readonly Row[], columns: readonly CopyColumn[]): Generator<Uint8Array> {
  let plain: Row[] = [];
  let run: { bytes: Uint8Array; start: number; end: number } | null = null;
  const slice = (r: { bytes: Uint8Array; start: number; end: number }) =>
    Buffer.from(r.bytes.buffer, r.bytes.byteOffset + r.start, r.end - r.start);
  for (const row of rows) {
    const { [LINES]: lines, [LINE]: at } = row as EncodedRow;
    if (lines && at !== undefined) {
      if (plain.length > 0) {
        yield encodeCopyLines(plain, columns).bytes;
        plain = [];
      }
      const start = at === 0 ? 0 : (lines.ends[at - 1] ?? 0);
      const end = lines.ends[at] ?? start;
      if (run && run.bytes === lines.bytes && run.end === start) {
        run.end = end;
        continue;
      }
      if (run) yield slice(run);
      run = { bytes: lines.bytes, start, end };
      continue;
    }
    if (run) {
      yield slice(run);
      run = null;
    }
    plain.push(row);
    if (plain.length === COPY_CHUNK_ROWS) {
      yield encodeCopyLines(plain, columns).bytes;
      plain = [];
    }
  }
  if (run) yield slice(run);
  if (plain.length > 0) yield encodeCopyLines(plain, columns).bytes;
}

/**
 * Lines of COPY's text format (tab-separated, `\N` for NULL, backslash escapes, a newline), written
 * value by value into one buffer of its own (transferable from a worker). Micro-benchmark of 20,480
 * S2 rows (2026-12-04): 1.9 µs a row (0.7 of it the timestamp's `toISOString`) against 2.0 µs for
 * one write of each line's text and 2.3 µs for joining a chunk's text and encoding it once.
 */
export class CopyLineWriter {
  private readonly stamps: boolean[];
  private readonly last: number;
  private bytes: Buffer;
  private at = 0;
  private readonly ends: Int32Array;
  private count = 0;

  /** At most `rows` lines of `columns`. */
  constructor(columns: readonly CopyColumn[], rows: number) {
    this.stamps = columns.map((c) => c.type === 'timestamp');
    this.last = columns.length - 1;
    this.ends = new Int32Array(rows);
    this.bytes = Buffer.allocUnsafeSlow(Math.max(4096, rows * 1024));
  }

  /** One line: column `i`'s value is `values[pick[i]]` (a position below 0: NULL). */
  line(values: readonly Value[], pick: readonly number[]): void {
    const { last, stamps } = this;
    let { bytes, at } = this;
    for (let i = 0; i <= last; i++) {
      const p = pick[i] ?? -1;
      const text = copyValue(p >= 0 ? (values[p] ?? null) : null, stamps[i] === true);
      // UTF-8 takes at most 3 bytes per UTF-16 unit; then the separator.
      const most = text.length * 3 + 1;
      if (at + most > bytes.length) bytes = this.room(at, most);
      at += bytes.write(text, at);
      bytes[at++] = i === last ? 0x0a : 0x09;
    }
    this.commit(at);
  }

  /**
   * The buffer with room for `most` more bytes after `written`, for a line written by the caller
   * (sinks/postgres/json-copy.ts); `commit` then ends the line where the caller's writing ended.
   */
  reserve(most: number): Buffer {
    return this.room(this.at, most);
  }

  /** The buffer, grown (its first `at` bytes kept) when it has no room for `most` more bytes after `at`. */
  private room(at: number, most: number): Buffer {
    if (at + most > this.bytes.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(this.bytes.length * 2, at + most));
      this.bytes.copy(grown, 0, 0, at);
      this.bytes = grown;
    }
    return this.bytes;
  }

  /** Where the next line starts. */
  get written(): number {
    return this.at;
  }

  /** Ends a line the caller wrote into `reserve`'s buffer at `end` (its newline included). */
  commit(end: number): void {
    this.at = end;
    this.ends[this.count++] = end;
  }

  /** The lines written. */
  done(): CopyLines {
    return { bytes: this.bytes.subarray(0, this.at), ends: this.ends.subarray(0, this.count) };
  }
}

/** Rows in COPY's text format, one line each, by `CopyLineWriter`. */
export function encodeCopyLines(rows: readonly Row[], columns: readonly CopyColumn[]): CopyLines {
  const names = columns.map((c) => c.name);
  const pick = names.map((_, i) => i);
  const values: Value[] = new Array<Value>(names.length);
  const writer = new CopyLineWriter(columns, rows.length);
  for (const row of rows) {
    for (let i = 0; i < names.length; i++) values[i] = row[names[i] ?? ''] ?? null;
    writer.line(values, pick);
  }
  return writer.done();
}

const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_SPECIALS = /[\\\t\n\r]/g;
const COPY_ESCAPE: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One value as COPY's text format writes it: `\N` for NULL, a timestamp column's epoch milliseconds in ISO-8601, specials escaped. */
function copyValue(value: Value, timestamp: boolean): string {
  if (value === null) return '\\N';
  if (typeof value !== 'string') return timestamp && typeof value === 'number' ? new Date(value).toISOString() : String(value);
  return COPY_SPECIAL.test(value) ? value.replace(COPY_SPECIALS, (ch) => COPY_ESCAPE[ch] ?? ch) : value;
}
