import type { ColumnType, ProjectionColumn } from '../../../../shared/pipelines.js';
import { JsonSpanReader, SPAN } from '../../json-spans.js';
import { canonicalIsoToMs, convert, derive, type ValuesProjection } from '../../pipelines/projection.js';
import type { Value } from '../../pipelines/row.js';
import type { CopyColumn, CopyLineWriter } from './copy-text.js';

/** What a record's value at one position is written as, decided per record from its span. */
interface Plan {
  /** Read columns: each one's spec (its path is span `i`). */
  read: readonly ProjectionColumn[];
  derived: ValuesProjection['derived'];
  /** Per COPY column: the value's position (−1: NULL). */
  pick: readonly number[];
  /** Positions whose values the caller needs as values (the primary key's). */
  keys: readonly number[];
}

const NULL_TEXT = Buffer.from('\\N');
const NO_MILLIS = Buffer.from('.000Z');
/** Longest text a value writes that its span does not hold (`\N`, `.000Z`). */
const EXTRA = 8;

/**
 * A JSON record's line of COPY text written from its bytes, with no value built: the projection's
 * own rules (projection.ts) applied to the spans `JsonSpanReader` finds, for the values whose COPY
 * text is their JSON text — an escape-free string (JSON forbids raw control characters, and its
 * backslashes come only in escapes, so such a string needs no COPY escape), an integer in
 * canonical form (up to 15 digits: `String(Number(text))` is the text itself), `true`/`false`, a
 * canonical UTC timestamp (`toISOString` of it is the text, with `.000` when it has no
 * milliseconds), NULL, and the e-mail domain of an ASCII e-mail. Anything else — a record that is
 * bad, an escape, a decimal, a number as text, a lower-case domain that is not ASCII — is declined
 * and takes the general path (decode, projection, `CopyLineWriter.line`), which decides it exactly
 * as before; a test holds the two paths' lines and keys equal (json-copy.test.ts).
 */
export class JsonCopyLines {
  private readonly reader: JsonSpanReader;
  private readonly plan: Plan;

  /** Null when these columns cannot be written this way (a path with `[*]`, a type the COPY column does not share…). */
  static compile(
    values: ValuesProjection,
    columns: readonly CopyColumn[],
    pick: readonly number[],
    keys: readonly number[],
  ): JsonCopyLines | null {
    const count = values.read.length;
    const typeAt = (p: number): ColumnType | null =>
      p < count ? (values.read[p]?.type ?? null) : values.derived[p - count] ? 'string' : null;
    for (let i = 0; i < columns.length; i++) {
      const p = pick[i] ?? -1;
      if (p >= 0 && typeAt(p) !== columns[i]?.type) return null;
    }
    for (const column of values.read) {
      const format = column.timestampFormat;
      if (column.type === 'timestamp' && format !== undefined && format !== 'iso') return null;
    }
    // A derived column of a derived column, or of a column that is not a string: the general path.
    for (const { source } of values.derived) if (source >= count || (source >= 0 && values.read[source]?.type !== 'string')) return null;
    const reader = JsonSpanReader.compile(values.read.map((column) => column.path));
    return reader ? new JsonCopyLines(reader, { read: values.read, derived: values.derived, pick, keys }) : null;
  }

  private constructor(reader: JsonSpanReader, plan: Plan) {
    this.reader = reader;
    this.plan = plan;
  }

  /**
   * Writes the line of the JSON text `bytes[start, end)` and sets `out[p]` for each key position
   * `p`; false (nothing written) when the general path must take the record.
   */
  line(bytes: Buffer, start: number, end: number, writer: CopyLineWriter, out: Value[]): boolean {
    const { reader, plan } = this;
    if (!reader.read(bytes, start, end)) return false;
    const { spans } = reader;
    const { read, derived, pick } = plan;
    for (let r = 0; r < read.length; r++) if (!fits(read[r], bytes, spans, r)) return false;
    for (const { source } of derived) if (source >= 0 && !domainFits(bytes, spans, source)) return false;
    let most = pick.length;
    for (let i = 0; i < pick.length; i++) {
      const p = pick[i] ?? -1;
      const r = p < read.length ? p : (derived[p - read.length]?.source ?? -1);
      most += EXTRA + (r >= 0 ? (spans[r * 3 + 2] ?? 0) - (spans[r * 3 + 1] ?? 0) : 0);
    }
    const target = writer.reserve(most);
    let at = writer.written;
    for (let i = 0; i < pick.length; i++) {
      if (i > 0) target[at++] = 0x09;
      const p = pick[i] ?? -1;
      if (p < 0) at = put(target, at, NULL_TEXT, 0, 2);
      else if (p < read.length) at = writeRead(read[p], bytes, spans, p, target, at);
      else at = writeDomain(bytes, spans, derived[p - read.length]?.source ?? -1, target, at);
    }
    target[at++] = 0x0a;
    writer.commit(at);
    for (const p of plan.keys) {
      if (p < 0) continue;
      if (p < read.length) out[p] = valueOf(read[p], bytes, spans, p);
      else {
        const { kind, source } = derived[p - read.length] ?? { kind: 'email-domain' as const, source: -1 };
        out[p] = derive(kind, source >= 0 ? valueOf(read[source], bytes, spans, source) : null);
      }
    }
    return true;
  }
}

/** Whether read column `r`'s span converts here as the projection converts it (a required one present). */
function fits(column: ProjectionColumn, b: Buffer, spans: Int32Array, r: number): boolean {
  const kind = spans[r * 3];
  if (kind === SPAN.missing || kind === SPAN.null) return !column.required;
  const start = spans[r * 3 + 1] ?? 0;
  const end = spans[r * 3 + 2] ?? 0;
  switch (column.type) {
    case 'string':
      return kind === SPAN.string || kind === SPAN.true || kind === SPAN.false || (kind === SPAN.number && canonicalInteger(b, start, end));
    case 'int':
    case 'double':
      return kind === SPAN.number && canonicalInteger(b, start, end);
    case 'boolean':
      return kind === SPAN.true || kind === SPAN.false;
    case 'timestamp':
      return kind === SPAN.string && canonicalTimestamp(b, start, end);
  }
}

/** The e-mail domain can be written from the bytes: no source value, or an ASCII string one. */
function domainFits(b: Buffer, spans: Int32Array, source: number): boolean {
  const kind = spans[source * 3];
  if (kind === SPAN.missing || kind === SPAN.null) return true;
  if (kind !== SPAN.string) return false;
  const end = spans[source * 3 + 2] ?? 0;
  for (let i = spans[source * 3 + 1] ?? 0; i < end; i++) if ((b[i] ?? 0) >= 0x80) return false;
  return true;
}

function put(target: Buffer, at: number, source: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end; i++) target[at++] = source[i] ?? 0;
  return at;
}

function writeRead(column: ProjectionColumn, b: Buffer, spans: Int32Array, r: number, target: Buffer, at: number): number {
  const kind = spans[r * 3];
  if (kind === SPAN.missing || kind === SPAN.null) return put(target, at, NULL_TEXT, 0, 2);
  const start = spans[r * 3 + 1] ?? 0;
  const end = spans[r * 3 + 2] ?? 0;
  if (column.type === 'timestamp' && end - start === 20) {
    // `…:SSZ`: toISOString writes the milliseconds.
    return put(target, put(target, at, b, start, start + 19), NO_MILLIS, 0, NO_MILLIS.length);
  }
  return put(target, at, b, start, end);
}

function writeDomain(b: Buffer, spans: Int32Array, source: number, target: Buffer, at: number): number {
  const kind = source >= 0 ? spans[source * 3] : SPAN.missing;
  const start = spans[source * 3 + 1] ?? 0;
  const end = spans[source * 3 + 2] ?? 0;
  let sign = end - 1;
  while (sign >= start && b[sign] !== 0x40) sign--;
  if (kind !== SPAN.string || sign < start) return put(target, at, NULL_TEXT, 0, 2);
  for (let i = sign + 1; i < end; i++) {
    const c = b[i] ?? 0;
    target[at++] = c >= 0x41 && c <= 0x5a ? c + 32 : c;
  }
  return at;
}

/** Read column `r`'s value: its JSON value converted by the projection's own `convert` (only for spans `fits` took). */
function valueOf(column: ProjectionColumn, b: Buffer, spans: Int32Array, r: number): Value {
  const kind = spans[r * 3];
  if (kind === SPAN.missing || kind === SPAN.null) return null;
  if (kind === SPAN.true || kind === SPAN.false) return valueOrNull(convert(kind === SPAN.true, column.type, column.timestampFormat));
  const text = b.toString('utf8', spans[r * 3 + 1] ?? 0, spans[r * 3 + 2] ?? 0);
  return valueOrNull(convert(kind === SPAN.number ? Number(text) : text, column.type, column.timestampFormat));
}

function valueOrNull(converted: ReturnType<typeof convert>): Value {
  return 'value' in converted ? converted.value : null;
}

/** `-?[1-9][0-9]{0,14}` or `0`: an integer whose `String(Number(text))` is the text. */
function canonicalInteger(b: Buffer, start: number, end: number): boolean {
  const first = b[start] === 0x2d ? start + 1 : start;
  const digits = end - first;
  if (digits < 1 || digits > 15) return false;
  if (b[first] === 0x30) return digits === 1 && first === start;
  for (let i = first; i < end; i++) {
    const c = b[i] ?? 0;
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** A canonical UTC timestamp that is a real date (`canonicalIsoToMs` takes it): `toISOString` writes it back as it is. */
function canonicalTimestamp(b: Buffer, start: number, end: number): boolean {
  const length = end - start;
  return (length === 24 || length === 20) && !Number.isNaN(canonicalIsoToMs(b.toString('latin1', start, end)));
}
