import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoMillis, MAX_DATE_MS, timestampText } from './cell-values.js';

describe('isoMillis', () => {
  it('gives the same text as Date#toISOString for any epoch millisecond a Date holds', () => {
    fc.assert(
      fc.property(fc.integer({ min: -MAX_DATE_MS, max: MAX_DATE_MS }), (ms) => {
        expect(isoMillis(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 20_000 },
    );
  });

  it('stays right across minute, day and year edges in time order and out of order', () => {
    const edges = [
      Date.UTC(2024, 11, 31, 23, 59, 59, 999),
      Date.UTC(2025, 0, 1),
      -1,
      0,
      1,
      -60_000,
      -59_999,
      253402300799999,
      253402300800000,
      -62167219200000,
      -62167219200001,
    ];
    const seq = [...edges, ...edges.map((e) => e + 1), ...Array.from({ length: 5000 }, (_, i) => Date.UTC(2024, 0, 1) + i * 7_919)];
    for (const ms of [...seq, ...seq.reverse()]) expect(isoMillis(ms)).toBe(new Date(ms).toISOString());
  });

  it('throws like toISOString beyond the range of a Date', () => {
    expect(() => isoMillis(MAX_DATE_MS + 60_000)).toThrow(RangeError);
    expect(() => isoMillis(MAX_DATE_MS + 1)).toThrow(RangeError);
    expect(() => isoMillis(Number.NaN)).toThrow(RangeError);
  });

  it('is what timestampText prints for ms and µs cells', () => {
    expect(timestampText(1_700_000_000_123, 'timestamp-ms')).toBe('2023-11-14T22:13:20.123Z');
    expect(timestampText(1_700_000_000_123_456n, 'timestamp-us')).toBe('2023-11-14T22:13:20.123456Z');
    expect(timestampText(-1n, 'timestamp-us')).toBe('1969-12-31T23:59:59.999999Z');
  });
});
