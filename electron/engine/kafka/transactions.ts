import { Producer } from '@platformatic/kafka';
import { javaPartitioner } from './partitioner.js';
import { hasKafkaError } from './errors.js';
import type { ClientOptions, GroupCoordinates } from './group-member.js';
import { toClientMessage } from './producer.js';
import type { OutgoingRecord } from './records.js';

type Client = Producer<Buffer, Buffer, Buffer, Buffer>;
/** The client's Transaction class is not exported; its type is what beginTransaction resolves to. */
type Transaction = Awaited<ReturnType<Client['beginTransaction']>>;

/** A consumer group's next offset of one partition, committed in the transaction. */
export interface TransactionOffset {
  group: GroupCoordinates;
  topic: string;
  partition: number;
  next: number;
}

/** Sends records inside the transaction (resolves once the broker acknowledged them). */
export type TransactionSend = (records: readonly OutgoingRecord[]) => Promise<void>;

/**
 * A transactional producer (one `transactional.id`), Kafka's exactly-once building block:
 * `init` registers the id with its transaction coordinator (InitProducerId), which fences every
 * older producer of the same id and completes or aborts its open transaction; `run` writes
 * records and a consumer offset in ONE transaction that commits, or aborts as a whole.
 */
export class TransactionalProducer {
  private readonly client: Producer<Buffer, Buffer, Buffer, Buffer>;
  /** A transaction left open by `begin` (tools and tests: what an EOS producer's topic looks like mid-transaction). */
  private open: Transaction | null = null;

  /**
   * `transactionTimeoutMs`: how long the broker lets a transaction stay open before it aborts it.
   * The client has no option of its own for it: InitProducerId sends the client's `timeout`
   * (producer.js `#initIdempotentProducer`), which is otherwise the Produce request's broker-side
   * wait for acks. Left to the default (5 s), every transaction open longer than 5–15 s (the
   * broker's abort sweep runs every 10 s) was aborted under us. 60 s is the Java client's
   * `transaction.timeout.ms` default.
   */
  constructor(options: ClientOptions, transactionalId: string, transactionTimeoutMs = 60_000) {
    this.client = new Producer<Buffer, Buffer, Buffer, Buffer>({
      ...options,
      timeout: transactionTimeoutMs,
      transactionalId,
      idempotent: true,
      acks: -1,
      maxInflights: 1,
      partitioner: javaPartitioner,
      autocreateTopics: true,
      // The next transaction's AddPartitionsToTxn meets CONCURRENT_TRANSACTIONS while the broker still
      // writes the previous one's markers (milliseconds): retry soon and often, as the Java client does.
      retries: 30,
      retryDelay: (_client: unknown, _operation: string, attempt: number) => Math.min(1000, 10 * 2 ** Math.min(attempt, 7)),
    });
  }

  /** Fences older producers of this id (their open transaction is completed or aborted first). */
  async init(): Promise<void> {
    // beginTransaction sends FindCoordinator + InitProducerId; no transaction is started on the
    // broker until records are added, so dropping the local one (cancel) sends nothing.
    // Client defect (test/client-defects/init-producer-id.test.ts): InitProducerId goes out with
    // producer id 0 and epoch 0 unless given, which the broker (KIP-360) reads as "I am producer 0
    // of this transactional id" and answers PRODUCER_FENCED when another producer holds the id:
    // taking over a partition from another worker would always fail. -1/-1 (the Java client's
    // NO_PRODUCER_ID) asks for a new epoch, which fences the previous owner as intended.
    const tx = await this.client.beginTransaction({ producerId: -1n, producerEpoch: -1 });
    await tx.cancel();
  }

  /** `work` sends records through `send`; then the offset is added and the transaction commits (or aborts if anything failed). */
  async run(work: (send: TransactionSend) => Promise<void>, offset?: TransactionOffset): Promise<void> {
    const tx = await this.client.beginTransaction();
    try {
      await work(async (records) => {
        if (records.length > 0) await tx.send({ messages: records.map(toClientMessage) });
      });
      if (offset) {
        const { group, topic, partition, next } = offset;
        // The client takes a consumed message and commits its offset + 1, naming the group's coordinator.
        await tx.addConsumer({ groupId: group.groupId } as Parameters<typeof tx.addConsumer>[0]);
        await tx.addOffset({
          topic,
          partition,
          offset: BigInt(next - 1),
          // Generation -1 and no member id: the broker then skips the generation check (EOS-v1
          // fencing by transactional id, as before); a member id of an old generation would fail
          // every commit of a partition kept across a rebalance.
          metadata: { consumer: { groupId: group.groupId, generationId: -1, memberId: '', coordinatorId: group.coordinatorId } },
        } as unknown as Parameters<typeof tx.addOffset>[0]);
      }
      await tx.commit();
    } catch (error) {
      await tx.abort().catch(() => tx.cancel().catch(() => undefined));
      throw error;
    }
  }

  /** Writes the records in one transaction and commits or aborts it. */
  async transaction(records: readonly OutgoingRecord[], outcome: 'commit' | 'abort'): Promise<void> {
    await this.begin(records);
    await this.end(outcome);
  }

  /** Starts a transaction and writes the records in it, leaving it open (the last stable offset stays behind it). */
  async begin(records: readonly OutgoingRecord[]): Promise<void> {
    if (this.open) throw new Error('A transaction is already open on this producer');
    this.open = await this.client.beginTransaction();
    await this.send(records);
  }

  /** Writes more records in the open transaction (each call its own request, so its own batch). */
  async send(records: readonly OutgoingRecord[]): Promise<void> {
    if (!this.open) throw new Error('No transaction is open on this producer');
    if (records.length > 0) await this.open.send({ messages: records.map(toClientMessage) });
  }

  /** Commits or aborts the transaction `begin` opened. */
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

/** The broker's answers when a newer producer took the transactional id (another owner of the partition). */
export function isFenced(error: unknown): boolean {
  return hasKafkaError(error, 'PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH', 'INVALID_PRODUCER_ID_MAPPING');
}
