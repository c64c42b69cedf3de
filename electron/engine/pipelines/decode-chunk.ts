import type { BadReason, PipelineSpec } from '../../../shared/pipelines.js';
import type { ConsumedRecord } from '../kafka/records.js';
import { CopyLineWriter, markEncoded, type CopyColumn, type CopyLines } from '../sinks/postgres/copy-text.js';
import { JsonCopyLines } from '../sinks/postgres/json-copy.js';
import { compileProjection, compileValues, decode, type Projection, type ValuesProjection } from './projection.js';
import type { Row, Value } from './row.js';

/**
 * A partition's record values in one transferable buffer: record i is `bytes[starts[i], ends[i])`,
 * or null when `nulls[i]` is 1 (a tombstone). Copying the values out of the fetch's buffers costs a
 * memcpy; structured-cloning 5,000 Buffers would cost more than decoding them.
 */
export interface PackedValues {
  bytes: Uint8Array;
  starts: Int32Array;
  ends: Int32Array;
  nulls: Uint8Array;
}

/**
 * One column of a chunk's rows: numbers (and nulls) as a Float64Array; strings (and nulls) as a
 * dictionary and codes (a group-by column holds few distinct values, and cloning 5,000 strings
 * back cost the main thread more than the codes); anything else as an array.
 */
export type ColumnValues =
  | { kind: 'number'; data: Float64Array; nulls: Uint8Array }
  | { kind: 'string'; dictionary: (string | null)[]; codes: Uint32Array }
  | { kind: 'any'; data: Value[] };

/** What decoding a chunk of records returns: the rows by column, and which records were bad and why. */
export interface DecodedChunk {
  /** Per record: 1 when it became a row (rows are in record order). */
  ok: Uint8Array;
  /** One entry per projected column, in the row's key order. */
  columns: ColumnValues[];
  bad: { index: number; reason: BadReason; error: string }[];
  /** The rows in COPY's text format (`DecodeSpec.copy`): then `columns` holds the key columns only. */
  copy?: CopyLines;
}

/**
 * The part of a pipeline spec decoding needs (sent once to each worker); registry values are
 * decoded on the main thread. `copy`: the pipeline's only consumer of rows is a PostgreSQL sink, so
 * the worker sends each row as its line of COPY text (the table's columns) and, as values, only the
 * primary key's columns (a batch keeps one row per key) — the main thread neither rebuilds the
 * rows' other values nor encodes them.
 */
export type DecodeSpec = Pick<PipelineSpec, 'projection'> & {
  decoder: 'json' | 'string';
  copy?: { columns: readonly CopyColumn[]; key: readonly string[] };
};

/** The row keys a decoded chunk's columns hold: the primary key's for `copy`, else the projection's. */
export function chunkColumns(spec: DecodeSpec): readonly string[] {
  return spec.copy ? spec.copy.key : rowColumns(spec);
}

/** Bytes between two values of one fetch buffer (a record's header and key) still copied with them rather than starting a new copy. */
const RUN_GAP = 4096;

/**
 * The values copied into one buffer. Values a fetch response holds side by side in one of its
 * buffers are copied as one run (one `set` for the run, with the records' headers between them),
 * not one `set` per value: the per-call cost of `set` was most of this copy.
 */
export function packValues(messages: readonly ConsumedRecord[]): PackedValues {
  const count = messages.length;
  const starts = new Int32Array(count);
  const ends = new Int32Array(count);
  const nulls = new Uint8Array(count);
  const runs: { source: Uint8Array; from: number; to: number; at: number }[] = [];
  let run: (typeof runs)[number] | undefined;
  let total = 0;
  for (let i = 0; i < count; i++) {
    const value = messages[i]?.value ?? null;
    if (value === null) {
      nulls[i] = 1;
      continue;
    }
    const from = value.byteOffset;
    if (!run || run.source.buffer !== value.buffer || from < run.to || from - run.to > RUN_GAP) {
      run = { source: value, from, to: from, at: total };
      runs.push(run);
    }
    starts[i] = run.at + (from - run.from);
    ends[i] = starts[i] + value.length;
    total += from + value.length - run.to;
    run.to = from + value.length;
  }
  const bytes = new Uint8Array(total);
  for (const r of runs) bytes.set(new Uint8Array(r.source.buffer, r.from, r.to - r.from), r.at);
  return { bytes, starts, ends, nulls };
}

/**
 * The names of a projection's row keys in the order `compileProjection` sets them (read columns,
 * then derived ones): a row rebuilt in this order has the same key order as one projected inline.
 */
export function rowColumns(spec: Pick<PipelineSpec, 'projection'>): string[] {
  const names = [...spec.projection.filter((c) => !c.derive), ...spec.projection.filter((c) => c.derive)].map((c) => c.column);
  return [...new Set(names)];
}

/** Decode + projection of packed values: the same `decode` and compiled projection as the inline path. */
export class ChunkDecoder {
  private readonly decoder: DecodeSpec['decoder'];
  private readonly names: readonly string[];
  /**
   * Rows: the projection's rows. COPY: the projection by position, where each COPY column and key
   * column takes its value (only one of the two is compiled).
   */
  private readonly way:
    | { kind: 'rows'; project: Projection }
    | {
        kind: 'copy';
        columns: readonly CopyColumn[];
        values: ValuesProjection;
        pick: number[];
        keys: number[];
        /** JSON records' lines from their bytes, where it can (else the general path below). */
        fromJson: JsonCopyLines | null;
      };

  constructor(spec: DecodeSpec) {
    this.decoder = spec.decoder;
    this.names = chunkColumns(spec);
    if (!spec.copy) {
      this.way = { kind: 'rows', project: compileProjection(spec.projection) };
      return;
    }
    const values = compileValues(spec.projection);
    // A column's value is the last of its name, as in a row.
    const at = (name: string) => values.names.lastIndexOf(name);
    const pick = spec.copy.columns.map((c) => at(c.name));
    const keys = this.names.map(at);
    const fromJson = spec.decoder === 'json' ? JsonCopyLines.compile(values, spec.copy.columns, pick, keys) : null;
    this.way = { kind: 'copy', columns: spec.copy.columns, values, pick, keys, fromJson };
  }

  decode(packed: PackedValues): DecodedChunk {
    const { bytes, starts, ends, nulls } = packed;
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return this.decodeEach(nulls.length, (i) => (nulls[i] === 1 ? null : buffer.subarray(starts[i], ends[i])));
  }

  /** The records' values decoded here as a worker decodes them (the main thread's share of a batch). */
  decodeRecords(messages: readonly ConsumedRecord[]): DecodedChunk {
    return this.decodeEach(messages.length, (i) => messages[i]?.value ?? null);
  }

  private decodeEach(count: number, valueAt: (i: number) => Buffer | null): DecodedChunk {
    const ok = new Uint8Array(count);
    const rows: Row[] = [];
    const bad: DecodedChunk['bad'] = [];
    const { way } = this;
    // COPY: the values straight into their lines; a row holds only the key's values.
    const writer = way.kind === 'copy' ? new CopyLineWriter(way.columns, count) : null;
    const values: Value[] = way.kind === 'copy' ? new Array<Value>(way.values.names.length) : [];
    for (let i = 0; i < count; i++) {
      const bytes = valueAt(i);
      if (way.kind === 'copy' && writer && bytes && way.fromJson?.line(bytes, 0, bytes.length, writer, values)) {
        rows.push(this.keyRow(values, way.keys));
        ok[i] = 1;
        continue;
      }
      const decoded = decode(bytes, this.decoder);
      if (!decoded.ok) {
        bad.push({ index: i, reason: 'decode', error: decoded.error });
        continue;
      }
      if (way.kind === 'copy') {
        const notProjected = way.values.into(decoded.value, values);
        if (notProjected) {
          bad.push({ index: i, reason: notProjected.reason, error: notProjected.error });
          continue;
        }
        writer?.line(values, way.pick);
        rows.push(this.keyRow(values, way.keys));
      } else {
        const projected = way.project(decoded.value);
        if (!projected.ok) {
          bad.push({ index: i, reason: projected.reason, error: projected.error });
          continue;
        }
        rows.push(projected.row);
      }
      ok[i] = 1;
    }
    const columns = this.names.map((name) => toColumn(rows, name));
    return writer ? { ok, columns, bad, copy: writer.done() } : { ok, columns, bad };
  }

  /** A COPY record's row: its primary key's values, the one row a batch keeps per key. */
  private keyRow(values: readonly Value[], keys: readonly number[]): Row {
    const key: Row = {};
    for (let k = 0; k < this.names.length; k++) key[this.names[k] ?? ''] = values[keys[k] ?? -1] ?? null;
    return key;
  }
}

function toColumn(rows: readonly Row[], name: string): ColumnValues {
  const first = rows.find((row) => row[name] !== null && row[name] !== undefined)?.[name];
  return typeof first === 'string' ? toStrings(rows, name) : toNumbers(rows, name);
}

function toNumbers(rows: readonly Row[], name: string): ColumnValues {
  const data = new Float64Array(rows.length);
  const nulls = new Uint8Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const value = rows[r]?.[name] ?? null;
    if (typeof value === 'number') data[r] = value;
    else if (value === null) nulls[r] = 1;
    else return { kind: 'any', data: rows.map((row) => row[name] ?? null) };
  }
  return { kind: 'number', data, nulls };
}

/** Distinct strings a column may hold before the dictionary is given up for a plain array (when more than half the rows are distinct). */
const DICTIONARY_MIN = 64;

function toStrings(rows: readonly Row[], name: string): ColumnValues {
  const codes = new Uint32Array(rows.length);
  const dictionary: (string | null)[] = [];
  const seen = new Map<string | null, number>();
  for (let r = 0; r < rows.length; r++) {
    const value = rows[r]?.[name] ?? null;
    if (typeof value !== 'string' && value !== null) return { kind: 'any', data: rows.map((row) => row[name] ?? null) };
    let code = seen.get(value);
    if (code === undefined) {
      // Mostly distinct values (names, e-mails, ids): the array clones back faster than the dictionary is built.
      if (dictionary.length >= DICTIONARY_MIN && dictionary.length * 2 > r)
        return { kind: 'any', data: rows.map((row) => row[name] ?? null) };
      code = dictionary.push(value) - 1;
      seen.set(value, code);
    }
    codes[r] = code;
  }
  return { kind: 'string', dictionary, codes };
}

/** The rows of a decoded chunk, rebuilt with the projection's key order (`copy`: key columns, each row marked with its line). */
export function chunkRows(chunk: DecodedChunk, names: readonly string[]): Row[] {
  let count = 0;
  for (let i = 0; i < chunk.ok.length; i++) count += chunk.ok[i] ?? 0;
  const rows: Row[] = new Array<Row>(count);
  for (let r = 0; r < count; r++) rows[r] = {};
  names.forEach((name, c) => {
    const column = chunk.columns[c];
    if (!column) return;
    if (column.kind === 'any') {
      for (let r = 0; r < count; r++) rows[r][name] = column.data[r] ?? null;
      return;
    }
    if (column.kind === 'string') {
      const { dictionary, codes } = column;
      for (let r = 0; r < count; r++) rows[r][name] = dictionary[codes[r] ?? 0] ?? null;
      return;
    }
    const { data, nulls } = column;
    for (let r = 0; r < count; r++) rows[r][name] = nulls[r] === 1 ? null : data[r];
  });
  const { copy } = chunk;
  if (copy) for (let r = 0; r < count; r++) markEncoded(rows[r], copy, r);
  return rows;
}

/** Every buffer a decoded chunk holds, to transfer rather than copy it back. */
export function chunkTransfers(chunk: DecodedChunk): ArrayBuffer[] {
  const out: ArrayBuffer[] = [chunk.ok.buffer as ArrayBuffer];
  for (const column of chunk.columns) {
    if (column.kind === 'number') out.push(column.data.buffer as ArrayBuffer, column.nulls.buffer as ArrayBuffer);
    if (column.kind === 'string') out.push(column.codes.buffer as ArrayBuffer);
  }
  if (chunk.copy) out.push(chunk.copy.bytes.buffer as ArrayBuffer, chunk.copy.ends.buffer as ArrayBuffer);
  return out;
}
