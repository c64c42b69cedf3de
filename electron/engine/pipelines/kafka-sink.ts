import type { Value } from './row.js';
import type { ResultRow } from './aggregation.js';

export interface OutputRecord {
  key: Buffer;
  value: Buffer;
}

/**
 * Result rows as Kafka records. `json`: key = `{group, window}` (so a compacted topic keeps the
 * latest value per group + window, making replays idempotent), value = the flat row with the
 * window as ISO strings. `long`: the Kafka Streams word-count format — key = the group value as a
 * UTF-8 string, value = the first aggregate as a 64-bit big-endian long (LongDeserializer).
 */
export function toOutputRecords(rows: readonly ResultRow[], groupBy: readonly string[], format: 'json' | 'long'): OutputRecord[] {
  return rows.map((row) => {
    const group: Record<string, Value> = {};
    groupBy.forEach((column, i) => (group[column] = row.group[i] ?? null));
    if (format === 'long') {
      const value = Buffer.alloc(8);
      const first = Object.values(row.values)[0];
      value.writeBigInt64BE(BigInt(Math.trunc(typeof first === 'number' ? first : 0)));
      return { key: Buffer.from(String(row.group[0] ?? '')), value };
    }
    const window = row.window ? { start: new Date(row.window.start).toISOString(), end: new Date(row.window.end).toISOString() } : null;
    return {
      key: Buffer.from(JSON.stringify({ group, window })),
      value: Buffer.from(JSON.stringify({ ...group, ...(window ? { window_start: window.start, window_end: window.end } : {}), ...row.values })),
    };
  });
}
