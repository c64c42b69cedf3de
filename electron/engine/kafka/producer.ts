import { Producer, type BaseOptions, type ProducerOptions } from '@platformatic/kafka';
import { javaPartitioner } from './partitioner.js';
import type { HeaderPairs, OutgoingRecord } from './records.js';

type Options = ProducerOptions<Buffer, Buffer, Buffer, Buffer>;

const toBuffer = (v: Buffer | string) => (typeof v === 'string' ? Buffer.from(v) : v);

const isPairs = (headers: HeaderPairs | Readonly<Record<string, Buffer | string>>): headers is HeaderPairs => Array.isArray(headers);

/**
 * Headers as the client's Map, keyed by a new Buffer per header, so a repeated name stays repeated
 * and no name is ever a property lookup (`__proto__` and `constructor` are written as given).
 */
export function headerMap(headers: HeaderPairs | Readonly<Record<string, Buffer | string>>): Map<Buffer, Buffer> {
  const pairs: HeaderPairs = isPairs(headers) ? headers : Object.entries(headers);
  return new Map(pairs.map(([k, v]) => [Buffer.from(k), toBuffer(v)]));
}

/** OutgoingRecord → the client's message shape. */
export function toClientMessage(record: OutgoingRecord) {
  return {
    topic: record.topic,
    ...(record.value === null ? {} : { value: toBuffer(record.value) }),
    ...(record.key === null || record.key === undefined ? {} : { key: toBuffer(record.key) }),
    ...(record.partition === undefined ? {} : { partition: record.partition }),
    ...(record.timestamp === undefined ? {} : { timestamp: BigInt(record.timestamp) }),
    ...(record.headers === undefined ? {} : { headers: headerMap(record.headers) }),
  };
}

/**
 * A producer for the engine's own writes (produce form, pipeline sinks, dead letters): idempotent
 * with acks=all, Java-compatible key partitioning. Idempotence is what keeps a send free of
 * duplicates: without it the client repeats a whole produce request when one partition answers a
 * stale-metadata error, writing the other partitions twice (test/client-defects/produce-repeat-duplicates). Embedded producers build theirs from the user's settings
 * (client-options.ts `producerOptions`).
 */
export class KafkaProducer {
  readonly client: Producer<Buffer, Buffer, Buffer, Buffer>;

  constructor(options: BaseOptions | Options) {
    // Idempotent unless the caller asks for other acks (the latency bench's acks=1 peer).
    const given = options as Partial<Options>;
    const idempotent = given.idempotent ?? (given.acks === undefined || given.acks === -1);
    // The client turns retries ≤ 1 of an idempotent producer into unlimited retries: keep at least 3.
    const retries = idempotent ? Math.max(typeof options.retries === 'number' ? options.retries : 6, 3) : options.retries;
    this.client = new Producer<Buffer, Buffer, Buffer, Buffer>({
      partitioner: javaPartitioner,
      acks: -1,
      ...options,
      idempotent,
      ...(retries === undefined ? {} : { retries }),
    });
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
