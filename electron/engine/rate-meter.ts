/**
 * Events per second over a sliding window of one-second buckets: the producers' send rate and the
 * pipelines' records in / rows out. Bounded memory (one number a second), whatever the event rate.
 */
export class RateMeter {
  private readonly buckets = new Map<number, number>();
  private readonly windowSeconds: number;
  private readonly now: () => number;

  constructor(windowSeconds = 5, now: () => number = Date.now) {
    this.windowSeconds = windowSeconds;
    this.now = now;
  }

  add(count: number): void {
    const second = Math.floor(this.now() / 1000);
    this.buckets.set(second, (this.buckets.get(second) ?? 0) + count);
    for (const key of this.buckets.keys()) if (key <= second - this.windowSeconds) this.buckets.delete(key);
  }

  rate(): number {
    const second = Math.floor(this.now() / 1000);
    let total = 0;
    for (const [key, count] of this.buckets) if (key > second - this.windowSeconds && key < second) total += count;
    // The current second is incomplete: average over the full seconds that are.
    return Math.round((total / (this.windowSeconds - 1)) * 10) / 10;
  }
}
