import { describe, expect, it } from 'vitest';
import { toPartitionFetch } from './partition-reader.js';

const TRANSACTIONAL = 1 << 4;
const CONTROL = 1 << 5;

function batch(firstOffset: number, count: number, attributes: number, producerId: number) {
  return {
    firstOffset: BigInt(firstOffset),
    attributes,
    lastOffsetDelta: count - 1,
    firstTimestamp: 1_000n,
    maxTimestamp: 1_000n,
    producerId: BigInt(producerId),
    records: Array.from({ length: count }, (_, i) => ({
      offsetDelta: i,
      timestampDelta: BigInt(i),
      key: null,
      value: Buffer.from(`v${firstOffset + i}`),
      headers: [],
    })),
  };
}

// Offsets 0-1 plain; 2-3 producer 7's transaction, aborted (marker at 4); 5-6 producer 8's, committed
// (marker at 7); 8 producer 7's next transaction, committed (marker at 9).
const records = [
  batch(0, 2, 0, -1),
  batch(2, 2, TRANSACTIONAL, 7),
  batch(4, 1, TRANSACTIONAL | CONTROL, 7),
  batch(5, 2, TRANSACTIONAL, 8),
  batch(7, 1, TRANSACTIONAL | CONTROL, 8),
  batch(8, 1, TRANSACTIONAL, 7),
  batch(9, 1, TRANSACTIONAL | CONTROL, 7),
];
const partition = (abortedTransactions: Array<{ producerId: bigint; firstOffset: bigint }> | null) => ({
  partitionIndex: 0,
  highWatermark: 10n,
  lastStableOffset: 10n,
  logStartOffset: 0n,
  abortedTransactions,
  records,
});

describe('toPartitionFetch', () => {
  it('leaves out the aborted transaction the broker lists and every control batch (read_committed)', () => {
    const fetched = toPartitionFetch('t', 0, partition([{ producerId: 7n, firstOffset: 2n }]));
    expect(fetched.records.map((r) => r.offset)).toEqual([0, 1, 5, 6, 8]);
    expect(fetched.nextOffset).toBe(10);
  });

  it('keeps aborted records but never control records when no aborted transactions are listed (read_uncommitted)', () => {
    const fetched = toPartitionFetch('t', 0, partition(null));
    expect(fetched.records.map((r) => r.offset)).toEqual([0, 1, 2, 3, 5, 6, 8]);
    expect(fetched.nextOffset).toBe(10);
  });

  it('starts at the requested offset inside a batch', () => {
    const fetched = toPartitionFetch('t', 1, partition(null));
    expect(fetched.records.map((r) => r.offset)).toEqual([1, 2, 3, 5, 6, 8]);
  });

  it('moves past a fetch made only of a control batch', () => {
    const fetched = toPartitionFetch('t', 9, { ...partition(null), records: [batch(9, 1, TRANSACTIONAL | CONTROL, 7)] });
    expect(fetched.records).toEqual([]);
    expect(fetched.nextOffset).toBe(10);
  });
});
