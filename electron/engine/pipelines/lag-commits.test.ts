import { describe, expect, it } from 'vitest';
import { LagCommits, type CommitOffset } from './lag-commits.js';

const at = (partition: number, offset: number): CommitOffset => ({ topic: 't', partition, offset: String(offset) });

describe('lag commits (Kafka offsets for lag tools, off the batch path)', () => {
  it('keeps one commit in flight and coalesces what comes meanwhile, newest offset per partition', async () => {
    const calls: CommitOffset[][] = [];
    let release: () => void = () => undefined;
    const commits = new LagCommits((offsets) => {
      calls.push(offsets);
      return new Promise<void>((done) => (release = done));
    });
    commits.offer([at(0, 10), at(1, 5)]);
    commits.offer([at(0, 20)]);
    commits.offer([at(0, 30), at(2, 7)]);
    expect(calls).toEqual([[at(0, 10), at(1, 5)]]);
    release();
    await new Promise((done) => setImmediate(done));
    expect(calls[1]).toEqual([at(0, 30), at(2, 7)]);
    release();
    await commits.settle();
    expect(calls).toHaveLength(2);
  });

  it('drops a failed commit and goes on with the next offsets', async () => {
    const calls: CommitOffset[][] = [];
    const commits = new LagCommits((offsets) => {
      calls.push(offsets);
      return calls.length === 1 ? Promise.reject(new Error('rebalance in progress')) : Promise.resolve();
    });
    commits.offer([at(0, 1)]);
    await commits.settle();
    commits.offer([at(0, 2)]);
    await commits.settle();
    expect(calls).toEqual([[at(0, 1)], [at(0, 2)]]);
  });
});
