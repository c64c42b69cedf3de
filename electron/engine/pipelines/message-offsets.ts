import type { KafkaJsMessage } from '../kafka/kafkajs.js';

/**
 * Offset cuts of one partition's records. kafkajs hands a partition's records in offset order, so
 * a cut is a binary search: a few BigInt conversions per batch instead of one per record.
 */
export function countBelow(messages: readonly KafkaJsMessage[], end: bigint): number {
  let low = 0;
  let high = messages.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (BigInt((messages[mid]).offset) < end) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The records at or after `offset` (the same array when all are). */
export function fromOffset(messages: KafkaJsMessage[], offset: bigint): KafkaJsMessage[] {
  const skip = countBelow(messages, offset);
  return skip === 0 ? messages : messages.slice(skip);
}
