import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteRecordsBefore } from '../../electron/engine/kafka/delete-records.js';
import { PartitionReader } from '../../electron/engine/kafka/partition-reader.js';
import { readRanges } from '../../electron/engine/topics/range-reader.js';
import { uniqueName } from '../helpers.js';
import { createTopic, deleteTopics, produce, watermarks, withAdmin } from '../kafka.js';

// Retention (here DeleteRecords, which moves the log start the same way) removes the start of a
// range while it is read: the fetch answers OFFSET_OUT_OF_RANGE. The reader goes on at the new log
// start and counts what it could not read, as auto.offset.reset=earliest does; it neither fails nor loops.
const bootstrap = inject('kafkaBootstrap');
const topic = uniqueName('read-retention');

beforeAll(async () => {
  await createTopic(bootstrap, topic, 1);
  await produce(
    bootstrap,
    Array.from({ length: 400 }, (_, i) => ({ topic, partition: 0, value: `record-${i}`.padEnd(200, '.') })),
    50,
  );
});
afterAll(async () => {
  await deleteTopics(bootstrap, [topic]).catch(() => undefined);
});

describe('a range whose start retention deletes while it is read', () => {
  it('goes on at the log start and reports the offsets it skipped', async () => {
    const reader = new PartitionReader({ clientId: 'read-retention', bootstrapBrokers: bootstrap.split(',') });
    const offsets: number[] = [];
    let deletedAt = -1;
    try {
      const result = await readRanges(reader, topic, new Map([[0, { from: 0, to: 400 }]]), {
        // ~1 batch of 50 records per fetch: the deletion lands between two fetches.
        maxBytesPerPartition: 4 * 1024,
        timeoutMs: 20_000,
        logStarts: async () => new Map((await watermarks(bootstrap, topic)).map((w) => [w.partition, w.low])),
        onBatch: async (_partition, records) => {
          offsets.push(...records.map((r) => r.offset));
          if (deletedAt < 0) {
            deletedAt = (offsets.at(-1) ?? 0) + 1;
            await withAdmin(bootstrap, (admin) => deleteRecordsBefore(admin, topic, new Map([[0, 300]])));
          }
        },
      });
      expect(deletedAt).toBeGreaterThan(0);
      expect(deletedAt).toBeLessThan(300);
      expect(result).toEqual({ complete: true, skipped: 300 - deletedAt });
      expect(offsets).toEqual([...Array.from({ length: deletedAt }, (_, i) => i), ...Array.from({ length: 100 }, (_, i) => 300 + i)]);
      console.log(`[retention] read 0..${deletedAt - 1}, log start moved to 300, skipped ${result.skipped}, went on to 399`);
    } finally {
      await reader.close();
    }
  });
});
