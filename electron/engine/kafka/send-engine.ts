import { Producer } from '@platformatic/kafka';
import type { ProducerConfig } from '../../../shared/producers.js';
import { producerOptions, type ConnectionFields } from './client-options.js';
import { describeKafkaError } from './errors.js';

/** One record of an embedded producer as the send engine takes it (the producer's topic is fixed). */
export interface EngineRecord {
  key: string | null;
  value: string | Buffer;
  headers: Record<string, string> | null;
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

  constructor(connection: ConnectionFields, password: string | null, topic: string, config: ProducerConfig) {
    this.producer = new Producer(producerOptions(connection, password, config));
    this.topic = topic;
    this.brokers = connection.bootstrapServers;
  }

  async connect(): Promise<void> {
    try {
      // The client connects lazily; a metadata request for the topic proves broker and credentials.
      await this.producer.metadata({ topics: [this.topic] });
    } catch (error) {
      throw describeKafkaError(error, this.brokers);
    }
  }

  /** Sends the records as one client call; resolves once acknowledged (acks=0: once written). */
  async send(records: readonly EngineRecord[]): Promise<void> {
    const topic = this.topic;
    try {
      await this.producer.send({
        messages: records.map((r) => ({
          topic,
          value: typeof r.value === 'string' ? Buffer.from(r.value) : r.value,
          ...(r.key === null ? {} : { key: Buffer.from(r.key) }),
          ...(r.headers === null ? {} : { headers: new Map(Object.entries(r.headers).map(([k, v]) => [Buffer.from(k), Buffer.from(v)])) }),
        })),
      });
    } catch (error) {
      throw describeKafkaError(error, this.brokers);
    }
  }

  async disconnect(): Promise<void> {
    await this.producer.close(true);
  }
}
