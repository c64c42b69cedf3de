import type { BadReason, ColumnType, ProjectionColumn } from '../../../shared/pipelines.js';
import type { Row, Value } from './row.js';

export type Projected = { ok: true; row: Row } | { ok: false; reason: BadReason; error: string };

/** Follows a dotted path (`results.0.location.street.number`); `$` is the whole value. */
export function readPath(value: unknown, path: string): unknown {
  if (path === '$') return value;
  let current: unknown = value;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = Array.isArray(current) ? current[Number(part)] : (current as Record<string, unknown>)[part];
  }
  return current;
}

const ISO = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** `raw` converted to `type`, or an error message. Numeric strings are cast as Spark's `cast` does. */
export function convert(raw: unknown, type: ColumnType, format?: 'iso' | 'epoch-s' | 'epoch-ms'): { value: Value } | { error: string } {
  const shown = JSON.stringify(raw)?.slice(0, 60) ?? String(raw);
  switch (type) {
    case 'string':
      if (typeof raw === 'string') return { value: raw };
      if (typeof raw === 'number' || typeof raw === 'boolean') return { value: String(raw) };
      return { error: `expected a string, got ${shown}` };
    case 'int': {
      const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
      if (typeof n === 'number' && Number.isInteger(n)) return { value: n };
      return { error: `expected an integer, got ${shown}` };
    }
    case 'double': {
      const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
      if (typeof n === 'number' && Number.isFinite(n)) return { value: n };
      return { error: `expected a number, got ${shown}` };
    }
    case 'boolean':
      if (typeof raw === 'boolean') return { value: raw };
      if (raw === 'true' || raw === 'false') return { value: raw === 'true' };
      return { error: `expected true or false, got ${shown}` };
    case 'timestamp':
      return toTimestamp(raw, format, shown);
  }
}

function toTimestamp(raw: unknown, format: 'iso' | 'epoch-s' | 'epoch-ms' | undefined, shown: string): { value: Value } | { error: string } {
  const kind = format ?? (typeof raw === 'string' && !/^-?\d+(\.\d+)?$/.test(raw) ? 'iso' : 'epoch-ms');
  if (kind === 'iso') {
    if (typeof raw !== 'string' || !ISO.test(raw.trim())) return { error: `expected an ISO-8601 timestamp, got ${shown}` };
    // A zone-less ISO time is read as UTC so results do not depend on the machine's zone.
    const text = /Z|[+-]\d{2}:?\d{2}$/.test(raw.trim()) || raw.trim().length === 10 ? raw.trim() : `${raw.trim()}Z`;
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? { error: `not a valid date: ${shown}` } : { value: ms };
  }
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isFinite(n)) return { error: `expected epoch ${kind === 'epoch-s' ? 'seconds' : 'milliseconds'}, got ${shown}` };
  return { value: Math.round(kind === 'epoch-s' ? n * 1000 : n) };
}

function derive(kind: 'email-domain', source: Value): Value {
  if (kind === 'email-domain') {
    if (typeof source !== 'string') return null;
    const at = source.lastIndexOf('@');
    return at >= 0 ? source.slice(at + 1).toLowerCase() : null;
  }
  return null;
}

/**
 * Flattens a decoded value into typed columns. A missing required field or a value of the wrong
 * type makes the record bad (counted by reason, never fatal); optional fields become NULL.
 */
export function project(value: unknown, columns: readonly ProjectionColumn[]): Projected {
  const row: Row = {};
  for (const column of columns) {
    if (column.derive) continue;
    const raw = readPath(value, column.path);
    if (raw === undefined || raw === null) {
      if (column.required) return { ok: false, reason: 'missing-field', error: `missing ${column.path} (column ${column.column})` };
      row[column.column] = null;
      continue;
    }
    const converted = convert(raw, column.type, column.timestampFormat);
    if ('error' in converted) return { ok: false, reason: 'wrong-type', error: `${column.path}: ${converted.error}` };
    row[column.column] = converted.value;
  }
  for (const column of columns) {
    if (column.derive) row[column.column] = derive(column.derive.kind, row[column.derive.from] ?? null);
  }
  return { ok: true, row };
}

/** S4 listener: one `{word}` row per non-empty token of the value. */
export function splitWords(text: string, separator: string): Row[] {
  return text
    .split(separator)
    .map((word) => word.trim())
    .filter((word) => word.length > 0)
    .map((word) => ({ word }));
}

/** Decodes a Kafka value; undecodable input is a bad record, never an exception. */
export function decode(buffer: Buffer | null, decoder: 'json' | 'string'): { ok: true; value: unknown } | { ok: false; error: string } {
  if (buffer === null) return { ok: false, error: 'the record has no value (tombstone)' };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buffer);
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
