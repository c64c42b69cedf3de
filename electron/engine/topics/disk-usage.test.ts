import { describe, expect, it } from 'vitest';
import { summariseDiskUsage } from './disk-usage.js';

const partition = (partitionIndex: number, size: number, isFutureKey = false) => ({
  partitionIndex,
  partitionSize: BigInt(size),
  offsetLag: 0n,
  isFutureKey,
});

describe('DescribeLogDirs answers summed per broker, topic and partition', () => {
  it('sums log dirs per broker and replicas per partition, and keeps future replicas off the partition size', () => {
    const usage = summariseDiskUsage([
      {
        broker: 2,
        throttleTimeMs: 0,
        results: [
          { logDir: '/b2', totalBytes: -1n, usableBytes: -1n, topics: [{ name: 't', partitions: [partition(0, 100), partition(1, 50)] }] },
        ],
      },
      {
        broker: 1,
        throttleTimeMs: 0,
        results: [
          { logDir: '/b1a', totalBytes: 1000n, usableBytes: 400n, topics: [{ name: 't', partitions: [partition(0, 120)] }] },
          {
            logDir: '/b1b',
            totalBytes: 1000n,
            usableBytes: 900n,
            topics: [
              { name: 't', partitions: [partition(1, 70, true)] },
              { name: 'a', partitions: [partition(0, 5)] },
            ],
          },
        ],
      },
    ]);
    expect(usage.brokers).toEqual([
      {
        nodeId: 1,
        sizeBytes: 195,
        logDirs: [
          { path: '/b1a', sizeBytes: 120, totalBytes: 1000, usableBytes: 400 },
          { path: '/b1b', sizeBytes: 75, totalBytes: 1000, usableBytes: 900 },
        ],
      },
      { nodeId: 2, sizeBytes: 150, logDirs: [{ path: '/b2', sizeBytes: 150, totalBytes: null, usableBytes: null }] },
    ]);
    expect(usage.topics).toEqual([
      { topic: 'a', sizeBytes: 5, allReplicasBytes: 5, partitions: [{ partition: 0, sizeBytes: 5, allReplicasBytes: 5, replicas: 1 }] },
      {
        topic: 't',
        sizeBytes: 170,
        allReplicasBytes: 270,
        partitions: [
          { partition: 0, sizeBytes: 120, allReplicasBytes: 220, replicas: 2 },
          { partition: 1, sizeBytes: 50, allReplicasBytes: 50, replicas: 1 },
        ],
      },
    ]);
  });
});
