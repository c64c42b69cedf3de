import { describe, expect, it } from 'vitest';
import { assignWindows } from './windows.js';

const MIN = 60_000;

describe('assignWindows (Spark TimeWindowing: lastStart = ts - (ts - startTime + slide) % slide)', () => {
  it('puts an event in the one tumbling window [start, end) aligned to the epoch', () => {
    const ts = Date.UTC(2024, 0, 1, 10, 7, 30);
    expect(assignWindows(ts, { durationMs: 5 * MIN, offsetMs: 0 })).toEqual([
      { start: Date.UTC(2024, 0, 1, 10, 5), end: Date.UTC(2024, 0, 1, 10, 10) },
    ]);
  });

  it('puts an event exactly on a boundary in the window that starts there (end is exclusive)', () => {
    const ts = Date.UTC(2024, 0, 1, 10, 10);
    expect(assignWindows(ts, { durationMs: 5 * MIN, offsetMs: 0 })).toEqual([{ start: ts, end: ts + 5 * MIN }]);
  });

  it('shifts windows by the startTime offset', () => {
    const ts = Date.UTC(2024, 0, 1, 10, 1);
    expect(assignWindows(ts, { durationMs: 5 * MIN, offsetMs: 2 * MIN })).toEqual([
      { start: Date.UTC(2024, 0, 1, 9, 57), end: Date.UTC(2024, 0, 1, 10, 2) },
    ]);
  });

  it('puts one event in every sliding window that covers it (ceil(duration/slide) candidates)', () => {
    const ts = Date.UTC(2024, 0, 1, 10, 7);
    expect(assignWindows(ts, { durationMs: 10 * MIN, slideMs: 5 * MIN, offsetMs: 0 })).toEqual([
      { start: Date.UTC(2024, 0, 1, 10, 0), end: Date.UTC(2024, 0, 1, 10, 10) },
      { start: Date.UTC(2024, 0, 1, 10, 5), end: Date.UTC(2024, 0, 1, 10, 15) },
    ]);
  });

  it('filters candidates that do not contain the event when duration is not a multiple of slide', () => {
    // 10-minute windows every 3 minutes: ceil(10/3) = 4 candidates, Spark keeps start <= ts < end.
    const ts = 7 * MIN;
    const windows = assignWindows(ts, { durationMs: 10 * MIN, slideMs: 3 * MIN, offsetMs: 0 });
    // Candidates start at 6, 3, 0 and -3 minutes; [-3, 7) does not contain 7 and is dropped.
    expect(windows).toEqual([
      { start: 0, end: 10 * MIN },
      { start: 3 * MIN, end: 13 * MIN },
      { start: 6 * MIN, end: 16 * MIN },
    ]);
    for (const w of windows) expect(w.start <= ts && ts < w.end).toBe(true);
  });
});
