import { describe, expect, it } from 'vitest';
import { countBelow, fromOffset } from './message-offsets.js';

const messages = (offsets: number[]) => offsets.map((offset) => ({ offset }));

describe('message offset cuts', () => {
  it('counts the records below an end, with gaps (compaction) and at the edges', () => {
    const list = messages([3, 4, 7, 8, 12]);
    const linear = (end: bigint) => list.filter((m) => BigInt(m.offset) < end).length;
    for (let end = 0n; end < 15n; end++) expect(countBelow(list, end)).toBe(linear(end));
    expect(countBelow([], 5n)).toBe(0);
  });

  it('keeps the records at or after an offset, the same array when nothing is skipped', () => {
    const list = messages([3, 4, 7, 8]);
    expect(fromOffset(list, 2n)).toBe(list);
    expect(fromOffset(list, 5n).map((m) => m.offset)).toEqual([7, 8]);
    expect(fromOffset(list, 9n)).toEqual([]);
  });
});
