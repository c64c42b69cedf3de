import { describe, expect, it } from 'vitest';
import { rateBetween, Series } from './series.js';

describe('Series', () => {
  it('keeps only the newest samples', () => {
    const s = new Series(3);
    for (let i = 0; i < 5; i++) s.add(i, i * 10);
    expect(s.toArray()).toEqual([
      { t: 2, v: 20 },
      { t: 3, v: 30 },
      { t: 4, v: 40 },
    ]);
    expect(s.last()).toEqual({ t: 4, v: 40 });
  });
});

describe('rateBetween', () => {
  it('is messages per second between two high-watermark sums', () => {
    expect(rateBetween({ t: 0, total: 1000n }, { t: 5000, total: 6000n })).toBe(1000);
  });
  it('has no rate for the first sample and never goes negative', () => {
    expect(rateBetween(undefined, { t: 0, total: 5n })).toBeNull();
    expect(rateBetween({ t: 0, total: 10n }, { t: 1000, total: 0n })).toBe(0);
  });
});
