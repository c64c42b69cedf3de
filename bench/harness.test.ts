import { describe, expect, it } from 'vitest';
import { markdownTable, measureEach, ratioFields, ratioOf } from './harness.js';

describe('measureEach', () => {
  it('warms every side up, then interleaves the runs, reversing the order every other run', async () => {
    const calls: string[] = [];
    const side = (name: string, value: number) => ({
      unit: 'msg/s',
      once: (run: number) => {
        calls.push(`${name}${run}`);
        return Promise.resolve(value + run);
      },
    });
    const m = await measureEach({ smoke: false, runs: 3, warmups: 1 }, { a: side('a', 100), b: side('b', 50) });
    expect(calls).toEqual(['a-1', 'b-1', 'a0', 'b0', 'b1', 'a1', 'a2', 'b2']);
    expect(m.a).toEqual({ value: 101, unit: 'msg/s', runs: [100, 101, 102] });
    expect(m.b.runs).toEqual([50, 51, 52]);
  });
});

describe('ratioOf', () => {
  it('takes the median of the per-run ratios of interleaved sides, with their range', () => {
    // Medians alone would say 200 / 100 = 2; run by run the machine slowed both sides alike.
    const ours = { value: 200, unit: 'msg/s', runs: [300, 200, 100] };
    const peer = { value: 100, unit: 'msg/s', runs: [100, 100, 50] };
    expect(ratioOf(ours, peer)).toEqual({ median: 2, min: 2, max: 3 });
    expect(ratioFields(ours, peer)).toEqual({ ratio: 2, ratioRange: [2, 3] });
  });

  it('inverts for durations, where lower is better', () => {
    expect(ratioOf({ value: 10, unit: 'ms', runs: [10, 20] }, { value: 30, unit: 'ms', runs: [30, 30] }, true)).toEqual({
      median: 2.25,
      min: 1.5,
      max: 3,
    });
  });

  it('falls back to the ratio of the medians when the runs do not pair up', () => {
    expect(ratioOf({ value: 6, unit: 'x', runs: [6] }, { value: 3, unit: 'x', runs: [2, 3, 4] })).toEqual({ median: 2, min: 2, max: 2 });
    expect(ratioOf({ value: 6, unit: 'x', runs: [6] }, null)).toBeNull();
  });
});

describe('markdownTable', () => {
  it('prints each side as median (min–max) and the ratio with its range', () => {
    const ours = { value: 200, unit: 'msg/s', runs: [300, 200, 100] };
    const peer = { value: 100, unit: 'msg/s', runs: [100, 100, 50] };
    const table = markdownTable([
      {
        benchmark: 'b',
        ours: { label: 'ours', m: ours },
        peer: { label: 'peer', m: peer },
        ...ratioFields(ours, peer),
        target: '≥ 1×',
        pass: true,
      },
    ]);
    expect(table.split('\n')[2]).toBe('| b | 200 msg/s (100–300) (ours) | 100 msg/s (50–100) (peer) | 2.00× (2.00–3.00) | ≥ 1× | yes |');
  });
});
