import type { SamplePoint } from '../../../shared/metrics.js';

/** A bounded time series: the newest `capacity` samples. */
export class Series {
  private readonly points: SamplePoint[] = [];

  constructor(private readonly capacity: number) {}

  add(t: number, v: number): void {
    this.points.push({ t, v });
    if (this.points.length > this.capacity) this.points.splice(0, this.points.length - this.capacity);
  }

  last(): SamplePoint | undefined {
    return this.points.at(-1);
  }

  toArray(): SamplePoint[] {
    return [...this.points];
  }
}

/**
 * Messages/s of a topic from two samples of the sum of its partitions' high watermarks. A drop
 * (topic recreated, retention cannot lower a high watermark) reads as 0, never negative.
 */
export function rateBetween(previous: { t: number; total: bigint } | undefined, current: { t: number; total: bigint }): number | null {
  if (!previous || current.t <= previous.t) return null;
  const delta = current.total - previous.total;
  if (delta <= 0n) return 0;
  return Number(delta) / ((current.t - previous.t) / 1000);
}
