import type { ConsumedRecord } from '../kafka/records.js';

/**
 * Offset cuts of one partition's records. A fetch hands a partition's records in offset order, so
 * a cut is a binary search.
 */
export function countBelow(records: readonly Pick<ConsumedRecord, 'offset'>[], end: bigint): number {
  const limit = Number(end);
  let low = 0;
  let high = records.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((records[mid]?.offset ?? limit) < limit) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The records at or after `offset` (the same array when all are). */
export function fromOffset<T extends Pick<ConsumedRecord, 'offset'>>(records: T[], offset: bigint): T[] {
  const skip = countBelow(records, offset);
  return skip === 0 ? records : records.slice(skip);
}
