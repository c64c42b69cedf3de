import { describe, expect, it } from 'vitest';
import { planBatch } from './batch-plan.js';

describe('planBatch (Spark maxOffsetsPerTrigger proration)', () => {
  it('splits the limit in proportion to each partition lag, so a lagging partition catches up', () => {
    const plan = planBatch(
      [
        { id: 'a', start: 1000n, available: 11_000n }, // lag 10,000
        { id: 'b', start: 0n, available: 20_000n }, // lag 20,000
        { id: 'c', start: 500n, available: 10_500n }, // lag 10,000
      ],
      2000,
    );
    expect(plan.capped).toBe(true);
    expect(plan.ends).toEqual(
      new Map([
        ['a', 1500n],
        ['b', 1000n],
        ['c', 1000n],
      ]),
    );
  });

  it('takes everything available when the total lag fits in the limit', () => {
    const plan = planBatch(
      [
        { id: 'a', start: 5n, available: 8n },
        { id: 'b', start: 7n, available: 7n },
      ],
      2000,
    );
    expect(plan.capped).toBe(false);
    expect(plan.ends).toEqual(
      new Map([
        ['a', 8n],
        ['b', 7n],
      ]),
    );
  });

  it('never starves a small partition: a share below one record rounds up to one', () => {
    const plan = planBatch(
      [
        { id: 'big', start: 0n, available: 1_000_000n },
        { id: 'small', start: 0n, available: 2n },
      ],
      100,
    );
    expect(plan.ends.get('small')).toBe(1n);
    expect(plan.ends.get('big')).toBe(99n);
  });

  it('ignores a partition whose checkpoint is past its known high watermark', () => {
    const plan = planBatch(
      [
        { id: 'a', start: 50n, available: 40n },
        { id: 'b', start: 0n, available: 10n },
      ],
      5,
    );
    expect(plan.ends).toEqual(
      new Map([
        ['a', 50n],
        ['b', 5n],
      ]),
    );
  });
});
