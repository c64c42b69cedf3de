import type { ProducerConfig } from '../../../shared/producers.js';
import type { Producer } from '../kafka/kafkajs.js';
import { compressionType } from './codecs.js';
import type { EncodedRecord } from './record-encoding.js';

export interface BatchOutcome {
  onAcked(records: EncodedRecord[]): void;
  onFailed(records: EncodedRecord[], error: unknown): void;
}

const ACKS = { all: -1, '1': 1, '0': 0 } as const;

/**
 * Sends records in batches the way the Java client's accumulator does, since kafkajs has no
 * linger.ms or batch.size: a batch goes when it reaches `batchSize` bytes or `lingerMs` after its
 * first record. `bufferMemory` bounds the bytes accepted but not yet acknowledged; `add` waits for
 * room up to `maxBlockMs`, then fails (Kafka's max.block.ms). `flush` resolves once every accepted
 * record has been acknowledged or has failed.
 */
export class BatchSender {
  private batch: EncodedRecord[] = [];
  private batchBytes = 0;
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly roomWaiters: (() => void)[] = [];
  private readonly producer: Producer;
  private readonly topic: string;
  private readonly config: ProducerConfig;
  private readonly outcome: BatchOutcome;

  constructor(producer: Producer, topic: string, config: ProducerConfig, outcome: BatchOutcome) {
    this.producer = producer;
    this.topic = topic;
    this.config = config;
    this.outcome = outcome;
  }

  get pending(): number {
    return this.pendingBytes;
  }

  async add(record: EncodedRecord): Promise<void> {
    if (this.pendingBytes > 0 && this.pendingBytes + record.size > this.config.bufferMemory) await this.waitForRoom(record.size);
    this.batch.push(record);
    this.batchBytes += record.size;
    this.pendingBytes += record.size;
    if (this.batchBytes >= this.config.batchSize) this.sendBatch();
    else this.timer ??= setTimeout(() => this.sendBatch(), this.config.lingerMs);
  }

  /** Sends what is batched and waits for every request in flight. */
  async flush(): Promise<void> {
    this.sendBatch();
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private waitForRoom(size: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const deadline = setTimeout(() => {
        const index = this.roomWaiters.indexOf(check);
        if (index >= 0) this.roomWaiters.splice(index, 1);
        reject(new Error(`The producer buffer (${this.config.bufferMemory} bytes) stayed full for max block ${this.config.maxBlockMs} ms; the broker is not keeping up`));
      }, this.config.maxBlockMs);
      const check = () => {
        if (this.pendingBytes === 0 || this.pendingBytes + size <= this.config.bufferMemory) {
          clearTimeout(deadline);
          const index = this.roomWaiters.indexOf(check);
          if (index >= 0) this.roomWaiters.splice(index, 1);
          resolve();
        }
      };
      this.roomWaiters.push(check);
      this.sendBatch();
    });
  }

  private sendBatch(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.batch.length === 0) return;
    const records = this.batch;
    const bytes = this.batchBytes;
    this.batch = [];
    this.batchBytes = 0;
    const compression = compressionType(this.config.compression);
    // max.in.flight=1 (and idempotence) means ordered: a batch waits for the one before it.
    const previous = this.config.maxInFlight === 1 || this.config.idempotent ? Promise.all([...this.inFlight]) : Promise.resolve([]);
    const request = previous
      .then(() => this.producer.send({
        topic: this.topic,
        acks: ACKS[this.config.acks],
        timeout: this.config.requestTimeoutMs,
        ...(compression === 0 ? {} : { compression }),
        messages: records.map((r) => ({ key: r.key, value: r.value, ...(Object.keys(r.headers).length > 0 ? { headers: r.headers } : {}) })),
      }))
      .then(
        () => this.outcome.onAcked(records),
        (error: unknown) => this.outcome.onFailed(records, error),
      )
      .finally(() => {
        this.inFlight.delete(request);
        this.pendingBytes -= bytes;
        for (const check of [...this.roomWaiters]) check();
      });
    this.inFlight.add(request);
  }
}
