import { describe, expect, it } from 'vitest';
import type { ConsumedRecord } from '../kafka/records.js';
import { PartitionQueues, QUEUED_BATCHES } from './partition-queues.js';

const records = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ offset: from + i }) as ConsumedRecord);
const fetched = (partition: number, from: number, to: number, high: number, asked = from) => ({
  topic: 't',
  partition,
  from: asked,
  records: records(from, to),
  nextOffset: to,
  highWatermark: high,
});

describe('partition queues', () => {
  it('queues only records at or past the checkpoint and waits for every lagging partition before a batch is complete', () => {
    const q = new PartitionQueues(100);
    q.resetCommitted(
      new Map([
        ['t:0', 5n],
        ['t:1', 0n],
      ]),
    );
    q.assign({ t: [0, 1] });
    // A fetch asked at the checkpoint that starts inside an earlier record batch: offsets 3, 4 are skipped.
    expect(q.accept(fetched(0, 3, 10, 10, 5))).toBe(9);
    expect(q.position('t:0')).toBe(10n);
    q.noteHighWatermark('t:1', '4');
    const plan = q.plan();
    expect(q.complete(plan)).toBe(false);
    expect(q.accept(fetched(1, 0, 4, 4))).toBe(3);
    expect(q.complete(q.plan())).toBe(true);
    const parts = q.take(q.plan());
    expect(parts.map((p) => [p.partition, p.messages.map((m) => m.offset), p.next])).toEqual([
      [0, [5, 6, 7, 8, 9], 10n],
      [1, [0, 1, 2, 3], 4n],
    ]);
    for (const part of parts) q.consumed(part);
    expect(q.committed('t:0')).toBe(10n);
    expect(q.hasQueued()).toBe(false);
  });

  it('fetches a partition ahead while it holds one batch, and takes no more records once it holds QUEUED_BATCHES', () => {
    expect(QUEUED_BATCHES).toBe(2);
    const q = new PartitionQueues(3);
    q.resetCommitted(new Map([['t:0', 0n]]));
    q.assign({ t: [0] });
    expect(q.accept(fetched(0, 0, 3, 10))).toBe(2);
    // One batch queued (it may be running): the next one is fetched meanwhile.
    expect(q.wanted()).toEqual([{ topic: 't', partition: 0, offset: 3n }]);
    expect(q.accept(fetched(0, 3, 6, 10))).toBe(5);
    expect(q.wanted()).toEqual([]);
    expect(q.accept(fetched(0, 6, 9, 10))).toBeNull();
    expect(q.position('t:0')).toBe(6n);
    // A batch is still at most maxRecordsPerBatch records.
    const parts = q.take(q.plan());
    expect(parts.map((p) => p.messages.map((m) => m.offset))).toEqual([[0, 1, 2]]);
    for (const part of parts) q.consumed(part);
    expect(q.wanted()).toEqual([{ topic: 't', partition: 0, offset: 6n }]);
  });

  it('a rejoin or rewind drops what was queued, and a fetch asked before the rewind is ignored', () => {
    const q = new PartitionQueues(10);
    q.resetCommitted(new Map([['t:0', 0n]]));
    q.assign({ t: [0] });
    q.accept(fetched(0, 0, 2, 2));
    expect(q.position('t:0')).toBe(2n);
    q.rewind('t:0');
    expect(q.position('t:0')).toBe(0n);
    // In flight from position 2 when the rewind came: not queued, or offsets 0 and 1 would be skipped.
    expect(q.accept(fetched(0, 2, 4, 4))).toBeNull();
    expect(q.accept(fetched(0, 0, 4, 4))).toBe(3);
    q.assign({ t: [0] });
    expect(q.hasQueued()).toBe(false);
    expect(q.wanted()).toEqual([{ topic: 't', partition: 0, offset: 0n }]);
  });

  it('a fetch that passed only transaction markers moves the position on without queueing records', () => {
    const q = new PartitionQueues(10);
    q.resetCommitted(new Map([['t:0', 4n]]));
    q.assign({ t: [0] });
    expect(q.accept({ topic: 't', partition: 0, from: 4, records: [], nextOffset: 5, highWatermark: 5 })).toBeNull();
    expect(q.position('t:0')).toBe(5n);
    expect(q.complete(q.plan())).toBe(true);
    expect(q.hasQueued()).toBe(false);
  });
});
