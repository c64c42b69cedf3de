// Client defect (@platformatic/kafka 2.12.1): its Consumer in read_committed leaves out aborted
// records only when the abort marker is in the same fetch response, and keeps one aborted range per
// producer per response (Consumer#filterUncommittedMessages: a Map producerId → [firstOffset,
// marker], overwritten by a later aborted transaction of the same producer; a range whose marker did
// not arrive yet is kept "for safety"). Kafka's rule (Java CompletedFetch: abortedProducerIds) needs
// no marker: a transactional batch of a producer listed as aborted from an offset at or before the
// batch is aborted data until that producer's next control batch.
// Workaround: PartitionReader's toPartitionFetch applies the aborted list that way
// (electron/engine/kafka/partition-reader.ts), after the client's own filter.
//
// Run: npm run test:client-defects (KWB_TEST_BOOTSTRAP=host:port to use a running broker).
// It passes while the defect exists.
import { Consumer, FetchIsolationLevels, MessagesStreamModes } from '@platformatic/kafka';
import { describe, expect, inject, it } from 'vitest';
import { TransactionalProducer } from '../../electron/engine/kafka/transactions.js';
import { uniqueName } from '../helpers.js';
import { createTopic, deleteTopics, readAll } from '../kafka.js';

const bootstrap = inject('kafkaBootstrap');

async function consumeCommitted(topic: string, until: string, maxBytesPerPartition?: number): Promise<string[]> {
  const consumer = new Consumer({ clientId: 'defect', bootstrapBrokers: [bootstrap], groupId: uniqueName('defect-group') });
  const seen: string[] = [];
  try {
    const stream = await consumer.consume({
      topics: [topic],
      mode: MessagesStreamModes.EARLIEST,
      isolationLevel: FetchIsolationLevels.READ_COMMITTED,
      autocommit: false,
      maxWaitTime: 200,
      ...(maxBytesPerPartition === undefined ? {} : { maxBytesPerPartition, maxBytes: maxBytesPerPartition }),
    });
    const deadline = Date.now() + 20_000;
    for await (const message of stream) {
      seen.push(message.value.toString());
      if (seen.includes(until) || Date.now() > deadline) break;
    }
    await stream.close();
  } finally {
    await consumer.close(true);
  }
  return seen;
}

async function transactions(topic: string, steps: Array<[string[], 'commit' | 'abort']>): Promise<void> {
  const producer = new TransactionalProducer({ clientId: 'defect', bootstrapBrokers: [bootstrap] }, uniqueName('defect-txn'));
  try {
    for (const [values, outcome] of steps) {
      // One send per value: one batch each, so a small fetch can end between them.
      await producer.begin([]);
      for (const value of values) await producer.send([{ topic, partition: 0, value }]);
      await producer.end(outcome);
    }
  } finally {
    await producer.close();
  }
}

describe('@platformatic/kafka Consumer in read_committed', () => {
  it('shows the first of two aborted transactions of one producer read in one fetch', async () => {
    const topic = uniqueName('defect-two-aborts');
    await createTopic(bootstrap, topic, 1);
    await transactions(topic, [
      [['aborted-1'], 'abort'],
      [['aborted-2'], 'abort'],
      [['committed'], 'commit'],
    ]);
    const seen = await consumeCommitted(topic, 'committed');
    console.log(`[client-defect] two aborted transactions, one fetch: the client's consumer saw ${seen.join(', ')}`);
    expect(seen).toEqual(['aborted-1', 'committed']);
    expect((await readAll(bootstrap, topic, 'read_committed')).map((r) => r.value?.toString())).toEqual(['committed']);
    await deleteTopics(bootstrap, [topic]).catch(() => undefined);
  });

  it('shows aborted records whose abort marker is beyond the fetch size', async () => {
    const topic = uniqueName('defect-split-abort');
    await createTopic(bootstrap, topic, 1);
    const big = (name: string) => name.padEnd(2_000, '.');
    await transactions(topic, [
      [[big('aborted-a'), big('aborted-b'), big('aborted-c')], 'abort'],
      [['committed'], 'commit'],
    ]);
    const seen = (await consumeCommitted(topic, 'committed', 2_500)).map((v) => v.replace(/\.+$/, ''));
    console.log(`[client-defect] aborted transaction split over fetches: the client's consumer saw ${seen.join(', ')}`);
    expect(seen.filter((v) => v.startsWith('aborted')).length).toBeGreaterThan(0);
    expect((await readAll(bootstrap, topic, 'read_committed')).map((r) => r.value?.toString())).toEqual(['committed']);
    await deleteTopics(bootstrap, [topic]).catch(() => undefined);
  });
});
