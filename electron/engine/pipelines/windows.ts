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
  const starts: number[] = [];
  const count = windowStartsInto(eventTimeMs, spec, starts);
  const windows: TimeWindow[] = [];
  for (let i = 0; i < count; i++) windows.push({ start: starts[i], end: starts[i] + spec.durationMs });
  return windows;
}

/**
 * The starts of `assignWindows`' windows (oldest first) written into `out`, returning how many:
 * the aggregation's per-record path, which allocates no window objects.
 */
export function windowStartsInto(
  eventTimeMs: number,
  spec: Pick<WindowSpec, 'durationMs' | 'slideMs' | 'offsetMs'>,
  out: number[],
): number {
  const duration = spec.durationMs;
  const slide = spec.slideMs ?? duration;
  const lastStart = eventTimeMs - ((eventTimeMs - spec.offsetMs + slide) % slide);
  let count = 0;
  for (let i = Math.ceil(duration / slide) - 1; i >= 0; i--) {
    const start = lastStart - i * slide;
    if (start <= eventTimeMs && eventTimeMs < start + duration) out[count++] = start;
  }
  return count;
}
