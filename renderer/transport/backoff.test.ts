import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  const options = { initialMs: 100, maxMs: 1_000, jitter: false };

  it('doubles the delay on each attempt up to the cap', () => {
    expect([0, 1, 2, 3, 4, 50].map((attempt) => backoffDelay(attempt, options))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('keeps a jittered delay between half and all of the plain one', () => {
    const jittered = { ...options, jitter: true };
    expect(backoffDelay(2, jittered, () => 0)).toBe(200);
    expect(backoffDelay(2, jittered, () => 0.999_999)).toBe(400);
  });
});
