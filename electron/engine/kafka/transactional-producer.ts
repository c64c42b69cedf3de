import { Producer, compatibilityPartitioner, type BaseOptions } from '@platformatic/kafka';
import { toClientMessage } from './producer.js';
import type { OutgoingRecord } from './records.js';

type Client = Producer<Buffer, Buffer, Buffer, Buffer>;
/** The client's Transaction class is not exported; its type is what beginTransaction resolves to. */
type Transaction = Awaited<ReturnType<Client['beginTransaction']>>;

/**
 * A transactional producer (idempotent, acks=all, one transactional id) that writes records in
 * transactions it commits or aborts — what a topic written by Kafka Streams or another EOS producer
 * looks like to the topic browser. `open` leaves a transaction running (the last stable offset stays
 * behind it) until `end` settles it.
 */
export class TransactionalProducer {
  private readonly client: Client;
  private open: Transaction | null = null;

  constructor(options: BaseOptions, transactionalId: string) {
    this.client = new Producer<Buffer, Buffer, Buffer, Buffer>({ ...options, idempotent: true, transactionalId, acks: -1, partitioner: compatibilityPartitioner });
  }

  /** Writes the records in one transaction and commits (`commit`) or aborts it. */
  async transaction(records: readonly OutgoingRecord[], outcome: 'commit' | 'abort'): Promise<void> {
    await this.begin(records);
    await this.end(outcome);
  }

  /** Starts a transaction and writes the records in it, without settling it. */
  async begin(records: readonly OutgoingRecord[]): Promise<void> {
    if (this.open) throw new Error('A transaction is already open on this producer');
    const transaction = await this.client.beginTransaction();
    this.open = transaction;
    if (records.length > 0) await transaction.send({ messages: records.map(toClientMessage) });
  }

  /** Writes more records in the open transaction (each call is its own request, so its own batch). */
  async send(records: readonly OutgoingRecord[]): Promise<void> {
    if (!this.open) throw new Error('No transaction is open on this producer');
    if (records.length > 0) await this.open.send({ messages: records.map(toClientMessage) });
  }

  /** Commits or aborts the open transaction. */
  async end(outcome: 'commit' | 'abort'): Promise<void> {
    const transaction = this.open;
    if (!transaction) throw new Error('No transaction is open on this producer');
    this.open = null;
    if (outcome === 'commit') await transaction.commit();
    else await transaction.abort();
  }

  async close(): Promise<void> {
    await this.client.close(true).catch(() => undefined);
  }
}
