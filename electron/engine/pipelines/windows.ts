import type { WindowSpec } from '../../../shared/pipelines.js';

/** A time window `[start, end)` in epoch milliseconds. */
export interface TimeWindow {
  start: number;
  end: number;
}

/**
 * The windows an event time falls in, exactly as Spark's `TimeWindowing` rule computes them
 * (sql/catalyst/.../analysis/ResolveTimeWindows.scala):
 *   lastStart   = ts - (ts - startTime + slide) % slide
 *   windowStart = lastStart - i * slide,  i in [0, ceil(duration / slide))
 *   windowEnd   = windowStart + duration
 * kept only when `windowStart <= ts < windowEnd`. JavaScript's `%` truncates like the JVM's, so the
 * same formula gives the same windows (Spark works in microseconds, we in milliseconds).
 * Returned oldest first.
 */
export function assignWindows(eventTimeMs: number, spec: Pick<WindowSpec, 'durationMs' | 'slideMs' | 'offsetMs'>): TimeWindow[] {
  const duration = spec.durationMs;
  const slide = spec.slideMs ?? duration;
  const offset = spec.offsetMs;
  const lastStart = eventTimeMs - ((eventTimeMs - offset + slide) % slide);
  const overlapping = Math.ceil(duration / slide);
  const windows: TimeWindow[] = [];
  for (let i = overlapping - 1; i >= 0; i--) {
    const start = lastStart - i * slide;
    const end = start + duration;
    if (start <= eventTimeMs && eventTimeMs < end) windows.push({ start, end });
  }
  return windows;
}
