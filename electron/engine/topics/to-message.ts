import type { ConsumedRecord } from '../kafka/records.js';
import type { KafkaMessage, Payload } from '../../../shared/topic-browser.js';

/** Larger payloads are cut for the wire; the row says so (`truncated`). */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

export function payload(bytes: Buffer | string | null | undefined): Payload {
  if (bytes === null || bytes === undefined) return null;
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  const truncated = buffer.length > MAX_PAYLOAD_BYTES;
  return { base64: (truncated ? buffer.subarray(0, MAX_PAYLOAD_BYTES) : buffer).toString('base64'), size: buffer.length, truncated };
}

/** A record read at offsets → the contract's message (bytes as base64; the page decodes them). */
export function toMessage(record: ConsumedRecord): KafkaMessage {
  const size = (record.key?.length ?? 0) + (record.value?.length ?? 0);
  return {
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    timestampType: record.timestampType,
    key: payload(record.key),
    value: payload(record.value),
    // In wire order; a key may repeat.
    headers: record.headers.map((h) => ({ key: h.key, value: payload(h.value) })),
    size,
  };
}
