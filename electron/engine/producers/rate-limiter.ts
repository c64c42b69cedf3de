/**
 * A token bucket: at most `perSecond` takes per second on average, bursts up to one second's worth.
 * `delayFor` says how long to wait before `count` more may go; 0 means go now.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;
  private readonly perSecond: number;
  private readonly now: () => number;

  constructor(perSecond: number, now: () => number = Date.now) {
    this.perSecond = perSecond;
    this.now = now;
    this.tokens = Math.max(1, perSecond);
    this.last = now();
  }

  delayFor(count = 1): number {
    if (this.perSecond <= 0) return 0;
    const now = this.now();
    this.tokens = Math.min(Math.max(1, this.perSecond), this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens >= count) {
      this.tokens -= count;
      return 0;
    }
    const missing = count - this.tokens;
    this.tokens -= count; // reserved: the caller waits the returned time and then sends
    return Math.ceil((missing / this.perSecond) * 1000);
  }
}
