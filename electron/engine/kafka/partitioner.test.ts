import { compatibilityPartitioner } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { javaPartitioner, keyPartition } from './partitioner.js';

describe('key partitioning', () => {
  it('gives the Java client’s murmur2 (Kafka UtilsTest.testMurmur2 values, made positive)', () => {
    const cases: Array<[string, number]> = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [key, java] of cases) expect(javaPartitioner(null, Buffer.from(key))).toBe(java & 0x7fffffff);
  });

  it('agrees with the client’s compatibility partitioner on keys of every length up to 300 bytes', () => {
    const message = { topic: 't' };
    for (let length = 0; length <= 300; length++) {
      const key = Buffer.from(Array.from({ length }, (_, i) => (i * 131 + length * 7) & 0xff));
      expect(javaPartitioner(null, key)).toBe(compatibilityPartitioner(message, key));
      expect(keyPartition(key, 7)).toBe(compatibilityPartitioner(message, key) % 7);
    }
  });

  it('places a 1 MB key in milliseconds (linear time)', () => {
    const key = Buffer.alloc(1024 * 1024, 0x61);
    const started = performance.now();
    keyPartition(key, 12);
    const ms = performance.now() - started;
    console.log(`[figure] murmur2 of a 1 MB key: ${ms.toFixed(1)} ms`);
    expect(ms).toBeLessThan(100);
  });
});
