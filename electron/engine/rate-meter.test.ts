import { describe, expect, it } from 'vitest';
import { RateMeter } from './rate-meter.js';

describe('rate meter', () => {
  it('averages the full seconds of its window', () => {
    let now = 10_000;
    const meter = new RateMeter(5, () => now);
    for (let s = 0; s < 5; s++) {
      meter.add(20);
      now += 1000;
    }
    expect(meter.rate()).toBe(20);
    now += 10_000;
    expect(meter.rate()).toBe(0);
  });
});

describe('rate meter window', () => {
  it('counts a burst for the window after it and forgets it after', () => {
    let now = 50_000;
    const meter = new RateMeter(5, () => now);
    meter.add(400);
    now += 1000;
    expect(meter.rate()).toBe(100);
    now += 4000;
    expect(meter.rate()).toBe(0);
  });
});
