import { describe, expect, it } from 'vitest';
import { mergePage } from './page-merge.js';

const run = (partition: number, stamps: number[], firstOffset = 0) =>
  stamps.map((timestamp, i) => ({ partition, offset: firstOffset + i, timestamp }));

describe('mergePage', () => {
  it('takes the oldest records across partitions in timestamp order when paging forward', () => {
    const runs = new Map([
      [0, run(0, [1, 4, 6])],
      [1, run(1, [2, 3, 9])],
    ]);
    expect(mergePage(runs, 4, 'first').map((m) => `${m.partition}:${m.offset}`)).toEqual(['0:0', '1:0', '1:1', '0:1']);
  });

  it('takes the newest records and returns them oldest first when paging back', () => {
    const runs = new Map([
      [0, run(0, [1, 4, 6], 10)],
      [1, run(1, [2, 3, 9], 20)],
    ]);
    expect(mergePage(runs, 3, 'last').map((m) => `${m.partition}:${m.offset}`)).toEqual(['0:11', '0:12', '1:22']);
  });

  it('keeps each partition contiguous even when timestamps go backwards inside a partition', () => {
    const runs = new Map([
      [0, run(0, [5, 1, 2])],
      [1, run(1, [3])],
    ]);
    const page = mergePage(runs, 2, 'first');
    expect(page.map((m) => `${m.partition}:${m.offset}`)).toEqual(['1:0', '0:0']);
  });

  it('returns fewer records than the limit when the runs are short', () => {
    expect(mergePage(new Map([[0, run(0, [1])]]), 10, 'first')).toHaveLength(1);
    expect(mergePage(new Map(), 10, 'last')).toEqual([]);
  });
});
