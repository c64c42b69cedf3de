import { describe, expect, it } from 'vitest';
import { chunkRecords, type OutputRecord } from './kafka-sink.js';

const record = (i: number, size: number): OutputRecord => ({
  key: Buffer.from(String(i)),
  value: Buffer.alloc(size - String(i).length, 'x'),
});

describe('chunkRecords', () => {
  it('keeps every record, in order, in runs of at most the limit', () => {
    const records = Array.from({ length: 1000 }, (_, i) => record(i, 100 + (i % 37)));
    const chunks = chunkRecords(records, 4096);
    expect(chunks.flat()).toEqual(records);
    for (const chunk of chunks) expect(chunk.reduce((sum, r) => sum + r.key.length + r.value.length, 0)).toBeLessThanOrEqual(4096);
    expect(chunks.length).toBeGreaterThan(25);
  });

  it('sends a record larger than the limit alone rather than dropping it', () => {
    const records = [record(1, 10), record(2, 5000), record(3, 10)];
    expect(chunkRecords(records, 100).map((chunk) => chunk.length)).toEqual([1, 1, 1]);
  });

  it('gives no chunk for no records', () => {
    expect(chunkRecords([], 100)).toEqual([]);
  });
});
