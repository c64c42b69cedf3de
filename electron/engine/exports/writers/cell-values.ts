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

/** ISO-8601 text of a timestamp cell, keeping microseconds when the column has them. */
export function timestampText(value: Exclude<Cell, null | undefined>, type: 'timestamp-ms' | 'timestamp-us'): string {
  const unit = type === 'timestamp-us' ? 'us' : 'ms';
  const t = timestampIn(value, unit);
  const ms = unit === 'us' ? floorDiv(t, 1000n) : t;
  const iso = new Date(Number(ms)).toISOString(); // 2024-01-02T03:04:05.678Z
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
