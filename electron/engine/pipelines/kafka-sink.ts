import type { Pipeline } from '../../../shared/pipelines.js';
import type { ResultRow } from './aggregation.js';
import { sendDeadLetters, type DeadLetter, type RecordSender } from './dead-letters.js';
import type { Value } from './row.js';

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
      value: Buffer.from(
        JSON.stringify({ ...group, ...(window ? { window_start: window.start, window_end: window.end } : {}), ...row.values }),
      ),
    };
  });
}

/**
 * Bytes of records per produce request. The broker refuses a partition's batch over its
 * `message.max.bytes` (1 MiB by default), and the client puts all of one send's records for a
 * partition into one batch: a batch emitting ~20,000 windows would be refused and retried for ever.
 */
export const SEND_CHUNK_BYTES = 512 * 1024;

/** Records in order, cut into runs of at most `limit` bytes of key + value (a larger record goes alone). */
export function chunkRecords<T extends OutputRecord>(records: readonly T[], limit = SEND_CHUNK_BYTES): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = record.key.length + record.value.length;
    if (current.length > 0 && bytes + size > limit) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(record);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** A batch's records outside SQLite: results to every Kafka sink, bad records to the dead-letter topic (a producer or a transaction). */
export async function sendBatchRecords(
  send: RecordSender,
  p: Pipeline,
  emitted: readonly ResultRow[],
  bad: readonly DeadLetter[],
): Promise<void> {
  for (const sink of p.sinks) {
    if (sink.kind !== 'kafka' || emitted.length === 0) continue;
    for (const records of chunkRecords(toOutputRecords(emitted, p.aggregation?.groupBy ?? [], sink.format))) {
      await send(records.map((r) => ({ topic: sink.topic, key: r.key, value: r.value })));
    }
  }
  if (p.deadLetterTopic) await sendDeadLetters(send, p.deadLetterTopic, bad);
}
