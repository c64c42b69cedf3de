// Client defect (@platformatic/kafka 2.12.1): a transactional producer's InitProducerId is sent with
// producer id 0 and epoch 0 unless the caller passes others. Since KIP-360 (InitProducerId v3+) the
// broker reads that as "I am producer 0, epoch 0 of this transactional id" and, when another
// producer holds the id, answers PRODUCER_FENCED instead of bumping the epoch and fencing the old
// holder. So a new owner can never take over a transactional id (the scale-out takeover of a killed
// worker's partition). The Java client sends -1/-1 (NO_PRODUCER_ID); so does the engine's
// TransactionalProducer (kafka/transactions.ts). The raw client is used here only to show the defect.
import { Producer } from '@platformatic/kafka';
import { describe, expect, inject, it } from 'vitest';
import { hasKafkaError } from '../../electron/engine/kafka/errors.js';
import { TransactionalProducer } from '../../electron/engine/kafka/transactions.js';
import { createTopic, deleteTopics } from '../kafka.js';

const bootstrap = inject('kafkaBootstrap');
const options = { clientId: 'defect-init-producer-id', bootstrapBrokers: bootstrap.split(','), retries: 2, retryDelay: 100 };

describe('client defect: InitProducerId with producer id 0 / epoch 0', () => {
  it('a second producer of a transactional id is refused (PRODUCER_FENCED) by default; with -1/-1 it fences the first', async () => {
    const topic = `defect-init-pid-${Date.now()}`;
    await createTopic(bootstrap, topic, 1);
    const id = `defect-init-pid-${Date.now()}`;
    const first = new TransactionalProducer(options, id);
    const raw = new Producer({ ...options, transactionalId: id, idempotent: true });
    const second = new TransactionalProducer(options, id);
    try {
      await first.init();
      await first.run((send) => send([{ topic, partition: 0, value: 'one' }]));

      // The defect: the client's default InitProducerId for the same id.
      const refused = await raw.beginTransaction().then(
        () => null,
        (error: unknown) => error,
      );
      expect(hasKafkaError(refused, 'PRODUCER_FENCED')).toBe(true);

      // The workaround: the new owner gets the id and the old one is fenced.
      await second.init();
      await second.run((send) => send([{ topic, partition: 0, value: 'two' }]));
      const stale = await first
        .run((send) => send([{ topic, partition: 0, value: 'stale' }]))
        .then(
          () => null,
          (error: unknown) => error,
        );
      expect(hasKafkaError(stale, 'PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH')).toBe(true);
    } finally {
      await first.close();
      await second.close();
      await raw.close(true).catch(() => undefined);
      await deleteTopics(bootstrap, [topic]);
    }
  });
});
