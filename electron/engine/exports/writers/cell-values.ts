import type { ColumnType } from '../../../../shared/exports.js';
import type { Cell } from './types.js';

/** Epoch time of a timestamp cell as a bigint in the given unit; numbers and Dates are milliseconds. */
export function timestampIn(value: Exclude<Cell, null | undefined>, unit: 'ms' | 'us', given: 'ms' | 'us' = unit): bigint {
  if (value instanceof Date) return BigInt(value.getTime()) * (unit === 'us' ? 1000n : 1n);
  if (typeof value === 'bigint') {
    if (given === unit) return value;
    return unit === 'us' ? value * 1000n : value / 1000n;
  }
  if (typeof value === 'number') return BigInt(Math.trunc(value)) * (unit === 'us' ? 1000n : 1n);
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) throw new Error(`not a timestamp: ${value.slice(0, 40)}`);
    return BigInt(ms) * (unit === 'us' ? 1000n : 1n);
  }
  throw new Error(`not a timestamp: ${String(value)}`);
}

/** The largest epoch-ms magnitude a Date holds (±100,000,000 days). */
export const MAX_DATE_MS = 8.64e15;

let minuteKey = Number.NaN;
let minutePrefix = '';

/**
 * `new Date(ms).toISOString()` for an integral epoch-ms number, without a Date per call: the text up
 * to the minute is kept for the last minute seen (exports are mostly in time order), the seconds and
 * milliseconds are appended. Same text as toISOString (a property test checks it), which still
 * formats every new minute, so years before 0 or after 9999 come out the same too.
 */
export function isoMillis(ms: number): string {
  if (!(Math.abs(ms) <= MAX_DATE_MS)) throw new RangeError(`Invalid time value: ${ms}`);
  const minute = Math.floor(ms / 60_000);
  if (minute !== minuteKey) {
    const iso = new Date(minute * 60_000).toISOString(); // …THH:MM:00.000Z
    minutePrefix = iso.slice(0, -7);
    minuteKey = minute;
  }
  const rest = ms - minute * 60_000; // 0 … 59,999
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  return `${minutePrefix}${seconds < 10 ? '0' : ''}${seconds}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

/** ISO-8601 text of a timestamp cell, keeping microseconds when the column has them. */
export function timestampText(value: Exclude<Cell, null | undefined>, type: 'timestamp-ms' | 'timestamp-us'): string {
  const unit = type === 'timestamp-us' ? 'us' : 'ms';
  const t = timestampIn(value, unit);
  const ms = unit === 'us' ? floorDiv(t, 1000n) : t;
  const iso = isoMillis(Number(ms)); // 2024-01-02T03:04:05.678Z
  if (unit === 'ms') return iso;
  const micros = Number(t - ms * 1000n);
  return `${iso.slice(0, -1)}${String(micros).padStart(3, '0')}Z`;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

/** The plain-text form used by CSV and JSONL: numbers stay numbers where JSON can hold them exactly. */
export function textCell(value: Cell, type: ColumnType): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'timestamp-ms':
    case 'timestamp-us':
      return timestampText(value, type);
    case 'int64':
      if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
      return typeof value === 'number' ? value : String(value);
    case 'int32':
    case 'double':
      return typeof value === 'number' ? value : Number(value);
    case 'boolean':
      return typeof value === 'boolean' ? value : value === 'true' || value === 1;
    case 'string':
      return value instanceof Date ? value.toISOString() : String(value);
  }
}
