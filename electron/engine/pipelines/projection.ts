import type { BadReason, ColumnType, ProjectionColumn } from '../../../shared/pipelines.js';
import { compileJsonPaths } from '../json-path.js';
import type { Row, Value } from './row.js';

export type Projected = { ok: true; row: Row } | { ok: false; reason: BadReason; error: string };

type Format = 'iso' | 'epoch-s' | 'epoch-ms';
/** A converter's "this raw value does not fit the type" (the message is built only then). */
const INVALID: unique symbol = Symbol('invalid');
type Converter = (raw: unknown) => Value | typeof INVALID;

const ISO = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const EPOCH_TEXT = /^-?\d+(\.\d+)?$/;

/** Numeric strings are cast as Spark's `cast` does; anything else stays as it is. */
function numeric(raw: unknown): unknown {
  return typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
}

function digits(text: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * `Date.parse` of the canonical UTC form `YYYY-MM-DDTHH:MM:SS[.sss]Z` (what `toISOString` and most
 * producers write) without the general parser; NaN for anything else, which takes the general path.
 * Only real dates are taken, so `toISOString` of the result is the text (with `.000` when it has no
 * milliseconds; the PostgreSQL COPY path relies on it, json-copy.ts): 31 June, which V8's
 * Date.parse rolls over to 1 July as Date.UTC would, is left to Date.parse, as are years below 100
 * and hour 24.
 */
export function canonicalIsoToMs(text: string): number {
  const length = text.length;
  if (length !== 24 && length !== 20) return NaN;
  if (text.charCodeAt(length - 1) !== 90 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84)
    return NaN;
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58 || (length === 24 && text.charCodeAt(19) !== 46)) return NaN;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const ms = length === 24 ? digits(text, 20, 3) : 0;
  if (
    year < 100 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 31 ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 59 ||
    ms < 0
  )
    return NaN;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (MONTH_DAYS[month - 1] ?? 0) + (leap ? 1 : 0)) return NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

function isoToMs(raw: unknown): number | typeof INVALID {
  if (typeof raw !== 'string') return INVALID;
  const fast = canonicalIsoToMs(raw);
  if (!Number.isNaN(fast)) return fast;
  const text = raw.trim();
  if (!ISO.test(text)) return INVALID;
  // A zone-less ISO time is read as UTC so results do not depend on the machine's zone. In a text
  // the ISO pattern accepted, a Z or a sign after the date's own dashes can only be the zone.
  const zoned = text.length === 10 || text.endsWith('Z') || text.lastIndexOf('+') > 0 || text.lastIndexOf('-') > 7;
  const ms = Date.parse(zoned ? text : `${text}Z`);
  return Number.isNaN(ms) ? INVALID : ms;
}

/** The largest epoch milliseconds a Date holds (ECMA-262, "Time Values and Time Range"): beyond it no date can be written. */
const MAX_TIME = 8.64e15;

function epochToMs(raw: unknown, scale: number): number | typeof INVALID {
  const n = numeric(raw);
  if (typeof n !== 'number' || !Number.isFinite(n)) return INVALID;
  const ms = Math.round(n * scale);
  return Math.abs(ms) <= MAX_TIME ? ms : INVALID;
}

function timestampKind(raw: unknown, format: Format | undefined): Format {
  return format ?? (typeof raw === 'string' && !EPOCH_TEXT.test(raw) ? 'iso' : 'epoch-ms');
}

/** The converter of one column type, chosen once per column rather than per value. */
function converter(type: ColumnType, format?: Format): Converter {
  switch (type) {
    case 'string':
      return (raw) => (typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : INVALID);
    case 'int':
      return (raw) => {
        const n = typeof raw === 'number' ? raw : numeric(raw);
        return typeof n === 'number' && Number.isInteger(n) ? n : INVALID;
      };
    case 'double':
      return (raw) => {
        const n = typeof raw === 'number' ? raw : numeric(raw);
        return typeof n === 'number' && Number.isFinite(n) ? n : INVALID;
      };
    case 'boolean':
      return (raw) => (typeof raw === 'boolean' ? raw : raw === 'true' ? true : raw === 'false' ? false : INVALID);
    case 'timestamp':
      if (format === 'iso') return isoToMs;
      if (format === 'epoch-s') return (raw) => epochToMs(raw, 1000);
      if (format === 'epoch-ms') return (raw) => epochToMs(raw, 1);
      return (raw) => (timestampKind(raw, undefined) === 'iso' ? isoToMs(raw) : epochToMs(raw, 1));
  }
}

/** Why `raw` does not convert to `type` (only built for a bad record). */
function conversionError(raw: unknown, type: ColumnType, format?: Format): string {
  const shown = JSON.stringify(raw)?.slice(0, 60) ?? String(raw);
  switch (type) {
    case 'string':
      return `expected a string, got ${shown}`;
    case 'int':
      return `expected an integer, got ${shown}`;
    case 'double':
      return `expected a number, got ${shown}`;
    case 'boolean':
      return `expected true or false, got ${shown}`;
    case 'timestamp': {
      const kind = timestampKind(raw, format);
      const unit = kind === 'epoch-s' ? 'seconds' : 'milliseconds';
      const n = numeric(raw);
      if (kind !== 'iso' && typeof n === 'number' && Number.isFinite(n))
        return `epoch ${unit} ${shown} are beyond the dates a timestamp holds`;
      if (kind !== 'iso') return `expected epoch ${unit}, got ${shown}`;
      return typeof raw === 'string' && ISO.test(raw.trim())
        ? `not a valid date: ${shown}`
        : `expected an ISO-8601 timestamp, got ${shown}`;
    }
  }
}

/** `raw` converted to `type`, or an error message. Numeric strings are cast as Spark's `cast` does. */
export function convert(raw: unknown, type: ColumnType, format?: Format): { value: Value } | { error: string } {
  const value = converter(type, format)(raw);
  return value === INVALID ? { error: conversionError(raw, type, format) } : { value };
}

/** A derived column's value from its source column's. */
export function derive(kind: 'email-domain', source: Value): Value {
  if (kind === 'email-domain') {
    if (typeof source !== 'string') return null;
    const at = source.lastIndexOf('@');
    return at >= 0 ? source.slice(at + 1).toLowerCase() : null;
  }
  return null;
}

interface CompiledColumn {
  spec: ProjectionColumn;
  convert: Converter;
}

/** A projection compiled once per pipeline: paths parsed and converters chosen up front. */
export type Projection = (value: unknown) => Projected;

/** Why a record does not project (a bad record). */
export type NotProjected = Extract<Projected, { ok: false }>;

/**
 * A projection that writes its values by position: `names[i]` is value `i`'s column — the read
 * columns, then the derived ones; a name may repeat (the last value wins, as in a row). `into`
 * fills `out` and returns null, or why the record is bad. A row is these values by name
 * (`compileProjection`); the PostgreSQL COPY path writes them without building the row.
 */
export interface ValuesProjection {
  names: readonly string[];
  into: (value: unknown, out: Value[]) => NotProjected | null;
  /** Value `i < read.length` is column `read[i]`'s; value `read.length + d` is `derived[d]` of value `source` (−1: none). */
  read: readonly ProjectionColumn[];
  derived: readonly { kind: 'email-domain'; source: number }[];
}

/**
 * Flattens a decoded value into typed values. A missing required field or a value of the wrong
 * type makes the record bad (counted by reason, never fatal); optional fields become NULL.
 */
export function compileValues(columns: readonly ProjectionColumn[]): ValuesProjection {
  const read: CompiledColumn[] = columns
    .filter((column) => !column.derive)
    .map((spec) => ({ spec, convert: converter(spec.type, spec.timestampFormat) }));
  const readAll = compileJsonPaths(read.map((column) => column.spec.path));
  // The raw values of one record (reused: a projection runs on one thread, one record at a time).
  const raws: unknown[] = new Array<unknown>(read.length);
  const names = read.map((column) => column.spec.column);
  // A derived column reads the value its source column holds at that point: the last one of that name before it.
  const derived = columns.flatMap((column) => {
    if (!column.derive) return [];
    const source = names.lastIndexOf(column.derive.from);
    names.push(column.column);
    return [{ kind: column.derive.kind, source }];
  });
  const count = read.length;
  return {
    names,
    read: read.map((column) => column.spec),
    derived,
    into: (value, out) => {
      readAll(value, raws);
      for (let i = 0; i < count; i++) {
        const { spec, convert } = read[i];
        const raw = raws[i];
        if (raw === undefined || raw === null) {
          if (spec.required) return { ok: false, reason: 'missing-field', error: `missing ${spec.path} (column ${spec.column})` };
          out[i] = null;
          continue;
        }
        const converted = convert(raw);
        if (converted === INVALID)
          return { ok: false, reason: 'wrong-type', error: `${spec.path}: ${conversionError(raw, spec.type, spec.timestampFormat)}` };
        out[i] = converted;
      }
      for (let d = 0; d < derived.length; d++) {
        const { kind, source } = derived[d];
        out[count + d] = derive(kind, source >= 0 ? (out[source] ?? null) : null);
      }
      return null;
    },
  };
}

/** The projection as rows: `compileValues`'s values by column name, in its order. */
export function compileProjection(columns: readonly ProjectionColumn[]): Projection {
  const { names, into } = compileValues(columns);
  const values: Value[] = new Array<Value>(names.length);
  return (value) => {
    const bad = into(value, values);
    if (bad) return bad;
    const row: Row = {};
    for (let i = 0; i < names.length; i++) row[names[i]] = values[i];
    return { ok: true, row };
  };
}

/** One-off projection (tests, previews); a pipeline compiles its projection once. */
export function project(value: unknown, columns: readonly ProjectionColumn[]): Projected {
  return compileProjection(columns)(value);
}

/** S4 listener: one `{word}` row per non-empty token of the value. */
export function splitWords(text: string, separator: string): Row[] {
  return text
    .split(separator)
    .map((word) => word.trim())
    .filter((word) => word.length > 0)
    .map((word) => ({ word }));
}

/** Fatal (invalid UTF-8 is an error, not U+FFFD); stateless between calls (no `stream` option), so one serves all. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes a Kafka value; undecodable input is a bad record, never an exception. */
export function decode(buffer: Buffer | null, decoder: 'json' | 'string'): { ok: true; value: unknown } | { ok: false; error: string } {
  if (buffer === null) return { ok: false, error: 'the record has no value (tombstone)' };
  let text: string;
  try {
    text = UTF8.decode(buffer);
  } catch {
    return { ok: false, error: 'the value is not valid UTF-8' };
  }
  if (decoder === 'string') return { ok: true, value: text };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: `invalid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
}
