import type { KafkaJsMessage } from '../kafka/kafkajs.js';
import { planBatch, type BatchPlan } from './batch-plan.js';
import { countBelow, fromOffset } from './message-offsets.js';

/** Records read from one partition (resolved in kafkajs only) and not yet in the checkpoint. */
export interface Queued {
  topic: string;
  partition: number;
  messages: KafkaJsMessage[];
  /** The offset after the last record kafkajs handed over (where its next fetch starts). */
  next: bigint;
}

/** What kafkajs handed over for one partition (the fields of its `eachBatch` batch we use). */
export interface FetchedBatch {
  topic: string;
  partition: number;
  messages: KafkaJsMessage[];
  highWatermark: string;
  lastOffset(): string;
}

export const partitionId = (topic: string, partition: number) => `${topic}:${partition}`;
export const partitionOf = (id: string) => Number(id.slice(id.lastIndexOf(':') + 1));

/**
 * Where each assigned partition stands: its checkpointed next offset, the records kafkajs handed over
 * beyond it (queued until a micro-batch takes them), its latest high watermark and when it last
 * delivered. Cuts micro-batches by Spark's plan (`planBatch`: `maxRecordsPerBatch` split by lag).
 * No I/O: the runner seeks, commits and decides when a batch runs.
 */
export class PartitionQueues {
  private readonly maxRecordsPerBatch: number;
  /** Next offset per partition as committed (SQLite checkpoint, or the changelog in scale-out). */
  private offsets = new Map<string, bigint>();
  private readonly buffered = new Map<string, Queued>();
  /** Latest high watermark per partition (seeded at start, then from every kafkajs batch). */
  private readonly highWatermarks = new Map<string, bigint>();
  /** Partitions the stall rule gave up waiting for, until kafkajs hands over records of theirs again. */
  private readonly settled = new Set<string>();
  /** When kafkajs last handed over records per partition (or the partition was assigned). */
  private readonly arrivals = new Map<string, number>();
  private assigned: { id: string; topic: string; partition: number }[] = [];
  private readonly rewound = new Set<string>();

  constructor(maxRecordsPerBatch: number) {
    this.maxRecordsPerBatch = maxRecordsPerBatch;
  }

  /** A (re)join: what was queued is dropped (not checkpointed, so it is re-read). */
  assign(assignment: Record<string, number[]>): { id: string; topic: string; partition: number }[] {
    this.buffered.clear();
    this.settled.clear();
    this.rewound.clear();
    this.assigned = Object.entries(assignment).flatMap(([topic, partitions]) => partitions.map((partition) => ({ id: partitionId(topic, partition), topic, partition })));
    for (const { id } of this.assigned) this.arrivals.set(id, Date.now());
    return this.assigned;
  }

  resetCommitted(offsets: Map<string, bigint>): void {
    this.offsets = offsets;
  }

  committed(id: string): bigint | undefined {
    return this.offsets.get(id);
  }

  committedIds(): string[] {
    return [...this.offsets.keys()];
  }

  setCommitted(id: string, next: bigint): void {
    this.offsets.set(id, next);
  }

  /** A partition this worker no longer holds (scale-out). */
  forget(id: string): void {
    this.offsets.delete(id);
    this.buffered.delete(id);
  }

  /** Before a seek back to the checkpoint: the queued records go (they are fetched again). */
  rewind(id: string): void {
    this.buffered.delete(id);
    this.rewound.add(id);
  }

  /** Sought back to the checkpoint since the last join (a fetch from past it is then not sought again). */
  rewoundSinceJoin(id: string): boolean {
    return this.rewound.has(id);
  }

  /** Where the next record of a partition is expected: after the queue, else the checkpoint. */
  position(id: string): bigint | undefined {
    return this.buffered.get(id)?.next ?? this.offsets.get(id);
  }

  noteHighWatermark(id: string, high: string): void {
    const value = BigInt(high);
    if (value > (this.highWatermarks.get(id) ?? -1n)) this.highWatermarks.set(id, value);
  }

  highWatermark(id: string): bigint | undefined {
    return this.highWatermarks.get(id);
  }

  /**
   * Queues the records of a kafkajs batch at or past the partition's position. Returns the offset to
   * resolve in kafkajs, or null when nothing was taken (none new, or the queue already holds a full
   * batch: kafkajs refetches them later rather than us holding them).
   */
  accept(batch: FetchedBatch): string | null {
    const id = partitionId(batch.topic, batch.partition);
    const stored = this.position(id);
    this.noteHighWatermark(id, batch.highWatermark);
    this.settled.delete(id);
    const entry = this.buffered.get(id) ?? { topic: batch.topic, partition: batch.partition, messages: [], next: 0n };
    const fresh = stored === undefined ? batch.messages : fromOffset(batch.messages, stored);
    const last = fresh.at(-1);
    if (!last || entry.messages.length >= this.maxRecordsPerBatch) return null;
    entry.messages.push(...fresh);
    // Past a trailing transaction marker too (kafkajs resolves it with the last record).
    const end = BigInt(batch.lastOffset()) + 1n;
    const afterLast = BigInt(last.offset) + 1n;
    entry.next = end > afterLast ? end : afterLast;
    this.buffered.set(id, entry);
    this.arrivals.set(id, Date.now());
    return last.offset;
  }

  /** Spark's plan for the next micro-batch over the assigned partitions, from the checkpoint. */
  plan(): BatchPlan {
    const ranges = this.assigned.flatMap(({ id }) => {
      const queued = this.buffered.get(id);
      const start = this.offsets.get(id) ?? (queued?.messages[0] ? BigInt(queued.messages[0].offset) : undefined);
      if (start === undefined) return [];
      const read = queued?.next ?? start;
      const high = this.highWatermarks.get(id) ?? read;
      // A settled partition is not waited for: only what it already delivered is available.
      const available = this.settled.has(id) || high < read ? read : high;
      return [{ id, start, available }];
    });
    return planBatch(ranges, this.maxRecordsPerBatch);
  }

  /** Every planned partition has delivered up to its planned end. */
  complete(plan: BatchPlan): boolean {
    for (const [id, end] of plan.ends) {
      if ((this.position(id) ?? end) < end) return false;
    }
    return true;
  }

  hasQueued(): boolean {
    for (const entry of this.buffered.values()) if (entry.messages.length > 0) return true;
    return false;
  }

  /** Planned partitions that are short of their end and delivered nothing for `stallMs`: settled from now on. */
  settleStalled(plan: BatchPlan, stallMs: number): string[] {
    const now = Date.now();
    const stalled = [...plan.ends].filter(([id, end]) => (this.position(id) ?? end) < end && now - (this.arrivals.get(id) ?? 0) >= stallMs).map(([id]) => id);
    for (const id of stalled) this.settled.add(id);
    return stalled;
  }

  /** The queued records below the plan's ends, per partition (left queued until `consumed`). */
  take(plan: BatchPlan): Queued[] {
    const parts: Queued[] = [];
    for (const [id, end] of plan.ends) {
      const queued = this.buffered.get(id);
      if (!queued) continue;
      const taken = queued.messages.slice(0, countBelow(queued.messages, end));
      const last = taken.at(-1);
      if (last) parts.push({ topic: queued.topic, partition: queued.partition, messages: taken, next: BigInt(last.offset) + 1n });
    }
    return parts;
  }

  /** A part taken by `take` is committed: the checkpoint moves past it and its records leave the queue. */
  consumed(part: Queued): void {
    const id = partitionId(part.topic, part.partition);
    this.offsets.set(id, part.next);
    const queued = this.buffered.get(id);
    if (queued) queued.messages = queued.messages.slice(part.messages.length);
  }
}
