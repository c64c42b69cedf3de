import { describe, expect, it } from 'vitest';
import type { KafkaJsMessage } from '../kafka/kafkajs.js';
import { PartitionQueues } from './partition-queues.js';

const messages = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ offset: String(from + i) }) as KafkaJsMessage);
const fetched = (partition: number, from: number, to: number, high: number) => ({
  topic: 't',
  partition,
  messages: messages(from, to),
  highWatermark: String(high),
  lastOffset: () => String(to - 1),
});

describe('partition queues', () => {
  it('queues only records at or past the checkpoint and waits for every lagging partition before a batch is complete', () => {
    const q = new PartitionQueues(100);
    q.resetCommitted(new Map([['t:0', 5n], ['t:1', 0n]]));
    q.assign({ t: [0, 1] });
    // A fetch already in flight from before the checkpoint: offsets 3, 4 are skipped.
    expect(q.accept(fetched(0, 3, 10, 10))).toBe('9');
    expect(q.position('t:0')).toBe(10n);
    q.noteHighWatermark('t:1', '4');
    const plan = q.plan();
    expect(q.complete(plan)).toBe(false);
    expect(q.accept(fetched(1, 0, 4, 4))).toBe('3');
    expect(q.complete(q.plan())).toBe(true);
    const parts = q.take(q.plan());
    expect(parts.map((p) => [p.partition, p.messages.map((m) => m.offset), p.next])).toEqual([
      [0, ['5', '6', '7', '8', '9'], 10n],
      [1, ['0', '1', '2', '3'], 4n],
    ]);
    for (const part of parts) q.consumed(part);
    expect(q.committed('t:0')).toBe(10n);
    expect(q.hasQueued()).toBe(false);
  });

  it('takes no more records once a partition already holds a full batch', () => {
    const q = new PartitionQueues(3);
    q.assign({ t: [0] });
    expect(q.accept(fetched(0, 0, 3, 10))).toBe('2');
    expect(q.accept(fetched(0, 3, 6, 10))).toBeNull();
    expect(q.position('t:0')).toBe(3n);
  });

  it('a rejoin drops what was queued and forgets which partitions were sought back', () => {
    const q = new PartitionQueues(10);
    q.resetCommitted(new Map([['t:0', 0n]]));
    q.assign({ t: [0] });
    q.accept(fetched(0, 0, 2, 2));
    q.rewind('t:0');
    expect(q.rewoundSinceJoin('t:0')).toBe(true);
    expect(q.position('t:0')).toBe(0n);
    q.accept(fetched(0, 0, 2, 2));
    q.assign({ t: [0] });
    expect(q.rewoundSinceJoin('t:0')).toBe(false);
    expect(q.hasQueued()).toBe(false);
  });
});
