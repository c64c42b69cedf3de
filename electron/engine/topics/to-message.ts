import type { KafkaMessage as KafkaJsMessage } from 'kafkajs';
import type { KafkaMessage, Payload } from '../../../shared/topic-browser.js';

/** Larger payloads are cut for the wire; the row says so (`truncated`). */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

export function payload(bytes: Buffer | string | null | undefined): Payload {
  if (bytes === null || bytes === undefined) return null;
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  const truncated = buffer.length > MAX_PAYLOAD_BYTES;
  return { base64: (truncated ? buffer.subarray(0, MAX_PAYLOAD_BYTES) : buffer).toString('base64'), size: buffer.length, truncated };
}

interface BatchContext {
  timestampType?: number;
}

/** kafkajs record → the contract's message (bytes as base64; the page decodes them). */
export function toMessage(partition: number, message: KafkaJsMessage): KafkaMessage {
  const headers: KafkaMessage['headers'] = [];
  for (const [key, value] of Object.entries(message.headers ?? {})) {
    // kafkajs folds repeated header keys into an array; keep every value.
    for (const one of Array.isArray(value) ? value : [value]) headers.push({ key, value: payload(one) });
  }
  const context = (message as { batchContext?: BatchContext }).batchContext;
  const size = (message.key?.length ?? 0) + (message.value?.length ?? 0);
  return {
    partition,
    offset: Number(message.offset),
    timestamp: Number(message.timestamp),
    timestampType: context?.timestampType === 1 ? 'LogAppendTime' : context?.timestampType === 0 ? 'CreateTime' : 'unknown',
    key: payload(message.key),
    value: payload(message.value),
    headers,
    size,
  };
}
