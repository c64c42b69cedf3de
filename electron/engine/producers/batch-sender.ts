import type { ProducerConfig } from '../../../shared/producers.js';
import type { EncodedRecord } from './record-encoding.js';
import type { SendEngine } from './send-engine.js';

export interface BatchOutcome {
  onAcked(records: EncodedRecord[]): void;
  onFailed(records: EncodedRecord[], error: unknown): void;
}

interface Batch {
  records: EncodedRecord[];
  bytes: number;
}

/**
 * Sends records in batches the way the Java client's accumulator and sender do (the Kafka client
 * sends what one call gives it as one request and has no linger.ms, batch.size, buffer.memory or
 * max.block.ms): a batch closes when it reaches `batchSize` bytes or `lingerMs` after
 * its first record, and at most `maxInFlight` produce calls are outstanding (closed batches queue
 * meanwhile; at 1 they go strictly in order). `bufferMemory` bounds the bytes accepted but not yet
 * acknowledged; beyond it `add` waits for room up to `maxBlockMs`, then fails (max.block.ms).
 * `flush` resolves once every accepted record has been acknowledged or has failed.
 */
export class BatchSender {
  private open: Batch = { records: [], bytes: 0 };
  private readonly ready: Batch[] = [];
  private pendingBytes = 0;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly idleWaiters: (() => void)[] = [];
  private readonly roomWaiters: (() => void)[] = [];
  private readonly engine: SendEngine;
  private readonly config: ProducerConfig;
  private readonly outcome: BatchOutcome;
  private readonly maxInFlight: number;

  constructor(engine: SendEngine, config: ProducerConfig, outcome: BatchOutcome) {
    this.engine = engine;
    this.config = config;
    this.outcome = outcome;
    // Idempotence keeps order only if batches do not overtake each other.
    this.maxInFlight = config.idempotent ? 1 : config.maxInFlight;
  }

  /** Accepts the record if the buffer has room (the common, synchronous path). */
  tryAdd(record: EncodedRecord): boolean {
    if (this.pendingBytes > 0 && this.pendingBytes + record.size > this.config.bufferMemory) return false;
    this.open.records.push(record);
    this.open.bytes += record.size;
    this.pendingBytes += record.size;
    if (this.open.bytes >= this.config.batchSize) this.close();
    else this.timer ??= setTimeout(() => this.close(), this.config.lingerMs);
    return true;
  }

  /** Accepts the record, waiting up to max block ms for buffer room. */
  async add(record: EncodedRecord): Promise<void> {
    while (!this.tryAdd(record)) await this.waitForRoom();
  }

  /** Sends what is batched and waits until nothing is queued or in flight. */
  async flush(): Promise<void> {
    this.close();
    while (this.inFlight > 0 || this.ready.length > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private waitForRoom(): Promise<void> {
    this.close();
    return new Promise((resolve, reject) => {
      const wake = () => {
        clearTimeout(deadline);
        resolve();
      };
      const deadline = setTimeout(() => {
        const index = this.roomWaiters.indexOf(wake);
        if (index >= 0) this.roomWaiters.splice(index, 1);
        reject(
          new Error(
            `The producer buffer (${this.config.bufferMemory} bytes) stayed full for max block ${this.config.maxBlockMs} ms; the broker is not keeping up`,
          ),
        );
      }, this.config.maxBlockMs);
      this.roomWaiters.push(wake);
    });
  }

  private close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.open.records.length === 0) return;
    this.ready.push(this.open);
    this.open = { records: [], bytes: 0 };
    this.drain();
  }

  private drain(): void {
    while (this.inFlight < this.maxInFlight && this.ready.length > 0) {
      const batch = this.ready.shift() as Batch;
      this.inFlight++;
      void this.send(batch).finally(() => {
        this.inFlight--;
        this.pendingBytes -= batch.bytes;
        for (const wake of this.roomWaiters.splice(0)) wake();
        this.drain();
        if (this.inFlight === 0 && this.ready.length === 0) for (const idle of this.idleWaiters.splice(0)) idle();
      });
    }
  }

  private async send(batch: Batch): Promise<void> {
    try {
      await this.engine.send(batch.records);
      this.outcome.onAcked(batch.records);
    } catch (error) {
      this.outcome.onFailed(batch.records, error);
    }
  }
}
