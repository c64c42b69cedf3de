import { Producer, type BaseOptions, type ProducerOptions } from '@platformatic/kafka';
import { compatibilityPartitioner } from '@platformatic/kafka';
import type { OutgoingRecord } from './records.js';

type Options = ProducerOptions<Buffer, Buffer, Buffer, Buffer>;

const toBuffer = (v: Buffer | string) => (typeof v === 'string' ? Buffer.from(v) : v);

/** OutgoingRecord → the client's message shape. */
export function toClientMessage(record: OutgoingRecord) {
  return {
    topic: record.topic,
    ...(record.value === null ? {} : { value: toBuffer(record.value) }),
    ...(record.key === null || record.key === undefined ? {} : { key: toBuffer(record.key) }),
    ...(record.partition === undefined ? {} : { partition: record.partition }),
    ...(record.timestamp === undefined ? {} : { timestamp: BigInt(record.timestamp) }),
    ...(record.headers === undefined ? {} : { headers: new Map(Object.entries(record.headers).map(([k, v]) => [Buffer.from(k), toBuffer(v)])) }),
  };
}

/**
 * A producer for the engine's own writes (produce form, pipeline sinks, dead letters): acks=all,
 * Java-compatible key partitioning. Embedded producers build theirs from the user's settings
 * (client-options.ts `producerOptions`).
 */
export class KafkaProducer {
  readonly client: Producer<Buffer, Buffer, Buffer, Buffer>;

  constructor(options: BaseOptions | Options) {
    this.client = new Producer<Buffer, Buffer, Buffer, Buffer>({ acks: -1, partitioner: compatibilityPartitioner, ...options });
  }

  /** Sends and resolves once every record is acknowledged; returns the offsets of the first record per partition. */
  async send(records: readonly OutgoingRecord[]): Promise<Array<{ topic: string; partition: number; offset: number }>> {
    if (records.length === 0) return [];
    const result = await this.client.send({ messages: records.map(toClientMessage) });
    return (result.offsets ?? []).map((o) => ({ topic: o.topic, partition: o.partition, offset: Number(o.offset) }));
  }

  async close(): Promise<void> {
    await this.client.close(true).catch(() => undefined);
  }
}
