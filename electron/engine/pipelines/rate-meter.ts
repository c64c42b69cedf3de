/** Events per second over the last few seconds, for the status line. */
export class RateMeter {
  private readonly windowMs: number;
  private samples: { at: number; n: number }[] = [];

  constructor(windowMs = 5000) {
    this.windowMs = windowMs;
  }

  add(n: number, now = Date.now()): void {
    this.samples.push({ at: now, n });
    this.trim(now);
  }

  perSecond(now = Date.now()): number {
    this.trim(now);
    const total = this.samples.reduce((sum, s) => sum + s.n, 0);
    return total / (this.windowMs / 1000);
  }

  private trim(now: number): void {
    while (this.samples.length > 0 && (this.samples[0]?.at ?? now) < now - this.windowMs) this.samples.shift();
  }
}
