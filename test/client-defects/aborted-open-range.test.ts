// Client defect (@platformatic/kafka 2.12.1): with isolation read_committed, Consumer.fetch drops
// an aborted transaction's batches only when its ABORT marker is in the same response. When the
// response is cut before the marker (partition byte limit), the aborted batches are handed over as
// if committed ("open range … ignore the range for safety" in Consumer#filterUncommittedMessages).
// The broker lists the transaction in abortedTransactions only once it IS aborted, so the Java
// consumer skips the producer's batches up to the marker. The engine's PartitionReader applies
// that rule (toPartitionFetch in kafka/partition-reader.ts). The raw client is used here only to show the defect.
import { Consumer, FetchIsolationLevels } from '@platformatic/kafka';
import { describe, expect, inject, it } from 'vitest';
import { PartitionReader } from '../../electron/engine/kafka/partition-reader.js';
import { TransactionalProducer } from '../../electron/engine/kafka/transactions.js';
import { createTopic, deleteTopics, produce } from '../kafka.js';

const bootstrap = inject('kafkaBootstrap');
const options = { clientId: 'defect-aborted-open-range', bootstrapBrokers: bootstrap.split(','), retries: 2, retryDelay: 100 };

describe('client defect: read_committed fetch cut before an abort marker', () => {
  it('the raw fetch returns the aborted records; PartitionReader does not', async () => {
    const topic = `defect-aborted-${Date.now()}`;
    await createTopic(bootstrap, topic, 1);
    const tx = new TransactionalProducer(options, `defect-aborted-${Date.now()}`);
    const consumer = new Consumer({ ...options, groupId: 'defect-aborted-never-joins' });
    const reader = new PartitionReader(options);
    try {
      await tx.init();
      // One record batch of 2,000 records in a transaction that aborts, then one committed record.
      const aborted = tx.run(async (send) => {
        await send(Array.from({ length: 2000 }, (_, i) => ({ topic, partition: 0, value: `aborted-${i}-${'x'.repeat(50)}` })));
        throw new Error('abort');
      });
      await expect(aborted).rejects.toThrow('abort');
      await produce(bootstrap, [{ topic, partition: 0, value: 'committed' }]);

      // The defect: a 1 KiB partition limit returns the aborted batch (KIP-74) but not the marker.
      const metadata = await consumer.metadata({ topics: [topic] });
      const described = metadata.topics.get(topic);
      const response = await consumer.fetch({
        node: described?.partitions[0]?.leader ?? 1,
        minBytes: 1,
        maxBytes: 1024 * 1024,
        maxWaitTime: 100,
        isolationLevel: FetchIsolationLevels.READ_COMMITTED,
        topics: [
          {
            topicId: described?.id ?? '',
            partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1024, currentLeaderEpoch: -1, lastFetchedEpoch: -1 }],
          },
        ],
      });
      const rawRecords = response.responses.flatMap((t) => t.partitions.flatMap((p) => (p.records ?? []).flatMap((b) => b.records)));
      expect(rawRecords.length).toBe(2000);

      // The engine's reader: with the same limit, only the committed record, and it reaches the end.
      let position = 0;
      const seen: string[] = [];
      for (let i = 0; i < 10 && position < 2002; i++) {
        for (const f of await reader.fetch(topic, new Map([[0, position]]), { isolation: 'read_committed', maxBytesPerPartition: 1024 })) {
          seen.push(...f.records.map((r) => r.value?.toString() ?? ''));
          position = f.nextOffset;
        }
      }
      expect(seen).toEqual(['committed']);
    } finally {
      await tx.close();
      await reader.close();
      await consumer.close(true).catch(() => undefined);
      await deleteTopics(bootstrap, [topic]);
    }
  });
});
