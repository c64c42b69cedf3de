import { describe, expect, it } from 'vitest';
import { summarise } from './topic-stats.js';

const partition = (partitionId: number, leader: number, replicas: number[], isr: number[]) => ({ partitionId, leader, replicas, isr });

describe('topic stats', () => {
  it('counts under-replicated and leaderless partitions and sums in-sync replicas and high − low', () => {
    const marks = new Map([
      [
        't',
        new Map([
          [0, { low: 5, high: 10 }],
          [1, { low: 0, high: 7 }],
          [2, { low: 3, high: 3 }],
        ]),
      ],
    ]);
    const stats = summarise(
      't',
      [partition(0, 1, [1, 2, 3], [1, 2, 3]), partition(1, 2, [2, 3, 1], [2]), partition(2, -1, [3, 1, 2], [])],
      marks,
    );
    expect(stats).toEqual({
      name: 't',
      partitions: 3,
      replicationFactor: 3,
      underReplicated: 2,
      offline: 1,
      inSyncReplicas: 4,
      replicas: 9,
      totalMessages: 12,
    });
  });

  it('reports no message count (null, not 0) when the offsets could not be read', () => {
    expect(summarise('t', [partition(0, 1, [1], [1])], null).totalMessages).toBeNull();
    expect(summarise('t', [partition(0, 1, [1], [1])], new Map()).totalMessages).toBeNull();
  });
});
