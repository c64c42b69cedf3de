import { describe, expect, inject, it } from 'vitest';
import { TransactionalProducer } from '../../electron/engine/kafka/transactions.js';
import { runBatch } from '../../electron/engine/pipelines/batch-runner.js';
import { openDatabase } from '../../electron/engine/store/db.js';
import { groupIds } from '../kafka.js';
import { uniqueName } from '../helpers.js';
import { clientOptions, createTopic, pipelineOf } from './pipelines-helpers.js';

const bootstrap = inject('kafkaBootstrap');

describe('a batch report over a transactional topic', () => {
  it('counts only committed records, ends at the end offsets past the transaction markers, and joins no group', async () => {
    const topic = uniqueName('batch-txn');
    await createTopic(bootstrap, topic, 2);
    const producer = new TransactionalProducer(clientOptions(bootstrap), uniqueName('batch-txn-producer'));
    const value = (sensor: string) => JSON.stringify({ sensor_id: sensor });
    try {
      await producer.init();
      await producer.run((send) => send(Array.from({ length: 10 }, (_, i) => ({ topic, partition: i % 2, value: value(`s${i % 3}`) }))));
      await expect(
        producer.run(async (send) => {
          await send(Array.from({ length: 5 }, (_, i) => ({ topic, partition: i % 2, value: value('aborted') })));
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      // The last offsets of both partitions are transaction markers now.
      await producer.run((send) =>
        send([
          { topic, partition: 0, value: value('s0') },
          { topic, partition: 1, value: value('s1') },
        ]),
      );
    } finally {
      await producer.close();
    }
    const before = (await groupIds(bootstrap)).filter((g) => g.includes(topic));
    const db = openDatabase(':memory:');
    const pipeline = pipelineOf({
      id: 'p-batch-txn',
      name: 'batch txn',
      connectionId: 'test',
      topics: [topic],
      groupId: uniqueName('batch-txn-group'),
      projection: [{ column: 'sensor_id', path: 'sensor_id', type: 'string' }],
      aggregation: { groupBy: ['sensor_id'], aggregates: [{ fn: 'count', as: 'n' }] },
      outputMode: 'update',
      sinks: [],
    });
    const report = await runBatch({ db, kafka: clientOptions(bootstrap), pipeline, formats: [], timeoutMs: 60_000 });
    expect(report.recordsRead).toBe(12);
    expect(report.rows).toEqual([
      ['s0', 5],
      ['s1', 4],
      ['s2', 3],
    ]);
    expect((await groupIds(bootstrap)).filter((g) => g.includes(topic) || g.includes(pipeline.groupId))).toEqual(before);
  });
});
