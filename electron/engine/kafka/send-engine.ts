import { Producer, type MessageToProduce } from '@platformatic/kafka';
import type { ProducerConfig } from '../../../shared/producers.js';
import { producerOptions, type ConnectionFields } from './client-options.js';
import { describeKafkaError } from './errors.js';
import { keyPartition } from './partitioner.js';
import { headerMap } from './producer.js';
import type { HeaderPairs } from './records.js';

type Message = MessageToProduce<Buffer, Buffer, Buffer, Buffer>;

/** One record of an embedded producer as the send engine takes it (the producer's topic is fixed). */
export interface EngineRecord {
  key: string | null;
  value: string | Buffer;
  /** Name/value pairs in order; a name may repeat. */
  headers: HeaderPairs | null;
}

/**
 * Whether a run uses the idempotent protocol: when the user asks for it, and also — as the Java
 * client does by default since Kafka 3.0 (KIP-679) — whenever the settings allow it: acks=all, at
 * least 2 retries (the client retries an idempotent producer without limit at 0 or 1), at most 5
 * requests in flight. The client's non-idempotent retry path once lost one partition's records when
 * its leader hung and died mid-send (reliability-broker-loss, 200 of 300 found); its idempotent path
 * never did. Without idempotence (acks 0/1, or retries < 2) delivery is at least once at best.
 */
export function usesIdempotence(config: ProducerConfig): boolean {
  return config.idempotent || (config.acks === 'all' && config.retries >= 2 && config.maxInFlight <= 5);
}

/**
 * The client under an embedded producer: one client producer per run, built from the user's
 * settings (client-options.ts `producerOptions`: acks, idempotence, retries, max in flight,
 * compression, request timeout are the client's own). Batching (linger, batch size, buffer memory,
 * max block) stays in the app's BatchSender, which hands each closed batch to `send` as one call.
 */
export class KafkaSendEngine {
  private readonly producer: Producer<Buffer, Buffer, Buffer, Buffer>;
  private readonly topic: string;
  private readonly brokers: readonly string[];
  private readonly perPartition: boolean;
  /** The partition of the next batch's keyless records (sticky partitioning, see byPartition). */
  private sticky = 0;

  constructor(connection: ConnectionFields, password: string | null, topic: string, config: ProducerConfig) {
    const idempotent = usesIdempotence(config);
    this.producer = new Producer(producerOptions(connection, password, { ...config, idempotent }));
    this.topic = topic;
    this.brokers = connection.bootstrapServers;
    // The idempotent producer's repeats are dropped by the broker (same producer id and sequence);
    // without idempotence a repeated request writes again, so see byPartition.
    this.perPartition = !idempotent;
  }

  async connect(): Promise<void> {
    try {
      // The client connects lazily; a metadata request proves broker and credentials. No topic in it:
      // a missing topic is the runner's check to report (with how to create it), not a wait.
      await this.producer.metadata({ topics: [] });
    } catch (error) {
      throw describeKafkaError(error, this.brokers);
    }
  }

  /** Sends one batch; resolves once every record is acknowledged (acks=0: once written). */
  async send(records: readonly EngineRecord[]): Promise<void> {
    const topic = this.topic;
    const messages: Message[] = records.map((r) => ({
      topic,
      value: typeof r.value === 'string' ? Buffer.from(r.value) : r.value,
      ...(r.key === null ? {} : { key: Buffer.from(r.key) }),
      ...(r.headers === null ? {} : { headers: headerMap(r.headers) }),
    }));
    try {
      const groups = await this.byPartition(messages);
      if (!this.perPartition) {
        await this.producer.send({ messages });
        return;
      }
      const outcomes = await Promise.allSettled(groups.map((group) => this.producer.send({ messages: group })));
      const failed = outcomes.find((o) => o.status === 'rejected');
      if (failed) throw failed.reason;
    } catch (error) {
      throw describeKafkaError(error, this.brokers, topic);
    }
  }

  /**
   * Sets each record's partition and groups the records by it; without idempotence each group is
   * one client call. The client sends the records of one broker as one Produce request and, when
   * any partition of it answers a stale-metadata error (NOT_LEADER_OR_FOLLOWER on a partition whose
   * leader is not ready or has moved), repeats the whole request, so the partitions that were
   * written are written again, with retries 0 too
   * (test/integration/client-defects/produce-repeat-duplicates.test.ts). One call per partition
   * repeats only what the broker refused, as the Java client retries per partition batch.
   * Keyed records go where the client would put them (murmur2 of the key, Java-compatible);
   * keyless ones all to one partition per batch, the next batch to the next partition (the Java
   * client's sticky partitioner, KIP-480): one request instead of one per partition.
   */
  private async byPartition(messages: Message[]): Promise<Message[][]> {
    const metadata = await this.producer.metadata({ topics: [this.topic] });
    const count = metadata.topics.get(this.topic)?.partitionsCount ?? 1;
    const groups = new Map<number, Message[]>();
    const sticky = this.sticky++ % count;
    for (const message of messages) {
      const partition = message.key ? keyPartition(message.key, count) : sticky;
      message.partition = partition;
      const group = groups.get(partition);
      if (group) group.push(message);
      else groups.set(partition, [message]);
    }
    return [...groups.values()];
  }

  async disconnect(): Promise<void> {
    await this.producer.close(true);
  }
}
