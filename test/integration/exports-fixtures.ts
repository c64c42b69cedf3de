import type { ColumnSpec } from '../../shared/exports.js';
import type { Row } from '../../electron/engine/exports/writers/types.js';
import type { Plain } from './exports-readers.js';

/** One column of every type, nullable, plus a required one. */
export const allTypes: ColumnSpec[] = [
  { name: 'id', type: 'int32', nullable: false },
  { name: 'name', type: 'string', nullable: true },
  { name: 'big', type: 'int64', nullable: true },
  { name: 'reading', type: 'double', nullable: true },
  { name: 'ok', type: 'boolean', nullable: true },
  { name: 'at', type: 'timestamp-ms', nullable: true },
  { name: 'at_us', type: 'timestamp-us', nullable: true },
];

const awkward = [
  'plain',
  'comma, inside',
  'quote " inside',
  'line\nbreak',
  'crlf\r\nbreak',
  'ünïcødé ✓ 日本',
  '',
  '  spaces  ',
  'semi;colon',
];

/** Rows that stress every type: nulls, empty text, quotes, int64 past 2^53, pre-1970 and µs timestamps. */
export function typedRows(count: number): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < count; i++) {
    const nullRow = i % 7 === 3;
    rows.push({
      id: i,
      name: nullRow ? null : `${awkward[i % awkward.length] ?? ''}${i % 2 === 0 ? '' : i}`,
      big: nullRow ? null : i % 5 === 0 ? 9_007_199_254_740_993n + BigInt(i) : BigInt(-i * 1_000_003),
      reading: nullRow ? null : i % 11 === 0 ? -0.1 * i : 20 + (i % 100) / 8,
      ok: nullRow ? null : i % 2 === 0,
      at: nullRow ? null : new Date(Date.UTC(2024, 0, 1) + i * 1_001 - (i % 13 === 0 ? 60 * 365 * 86_400_000 : 0)),
      at_us: nullRow ? null : 1_700_000_000_123_456n + BigInt(i) * 1_000_007n - (i % 17 === 0 ? 1_800_000_000_000_000n : 0n),
    });
  }
  return rows;
}

/** What an independent reader must give back for these rows, as text (timestamps as epoch in their unit). */
export function expectedPlain(rows: Row[], columns: ColumnSpec[]): Plain[] {
  return rows.map((row) =>
    Object.fromEntries(
      columns.map((c) => {
        const v = row[c.name];
        if (v === null || v === undefined) return [c.name, null];
        if (c.type === 'timestamp-ms') return [c.name, String(v instanceof Date ? v.getTime() : v)];
        if (c.type === 'double') return [c.name, String(Number(v))];
        return [c.name, String(v)];
      }),
    ),
  );
}

/** Doubles compared as numbers: readers print them differently (1e+20 vs 100000000000000000000). */
export function normalised(rows: Plain[], columns: ColumnSpec[]): Plain[] {
  return rows.map((row) =>
    Object.fromEntries(
      columns.map((c) => [c.name, c.type === 'double' && row[c.name] !== null ? String(Number(row[c.name])) : (row[c.name] ?? null)]),
    ),
  );
}

/** Sensor-like rows for size and speed checks: compressible like real telemetry. */
export function sensorRows(count: number, start = 0): Row[] {
  const rows: Row[] = [];
  for (let i = start; i < start + count; i++) {
    rows.push({
      sensor_id: `sensor-${i % 50}`,
      ts: new Date(Date.UTC(2024, 0, 1) + i * 100),
      temperature: Math.round((20 + Math.sin(i / 1000) * 5) * 100) / 100,
      humidity: Math.round((50 + Math.cos(i / 700) * 10) * 10) / 10,
      seq: BigInt(i),
    });
  }
  return rows;
}

export const sensorColumns: ColumnSpec[] = [
  { name: 'sensor_id', type: 'string', nullable: false },
  { name: 'ts', type: 'timestamp-ms', nullable: false },
  { name: 'temperature', type: 'double', nullable: false },
  { name: 'humidity', type: 'double', nullable: false },
  { name: 'seq', type: 'int64', nullable: false },
];
