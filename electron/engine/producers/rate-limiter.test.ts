import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

describe('rate limiter', () => {
  it('lets a second’s worth through, then asks to wait 1/rate per message', () => {
    let now = 0;
    const limiter = new RateLimiter(10, () => now);
    for (let i = 0; i < 10; i++) expect(limiter.delayFor()).toBe(0);
    expect(limiter.delayFor()).toBe(100);
    now += 100;
    expect(limiter.delayFor()).toBe(100);
    now += 1000;
    expect(limiter.delayFor()).toBe(0);
  });
  it('never waits without a limit', () => {
    const limiter = new RateLimiter(0);
    for (let i = 0; i < 1000; i++) expect(limiter.delayFor()).toBe(0);
  });
});
