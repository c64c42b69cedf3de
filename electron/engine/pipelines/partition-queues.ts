import type { ConsumedRecord } from '../kafka/records.js';
import { planBatch, type BatchPlan } from './batch-plan.js';
import { countBelow, fromOffset } from './message-offsets.js';

/** Records read from one partition and not yet in the checkpoint. */
export interface Queued {
  topic: string;
  partition: number;
  messages: ConsumedRecord[];
  /** The offset after the last record read (where the next fetch starts). */
  next: bigint;
}

/** What one fetch returned for one partition (PartitionFetch's fields we use). */
export interface FetchedBatch {
  topic: string;
  partition: number;
  /** The offset the fetch was asked for: results of a fetch from another position (before a rewind) are dropped. */
  from: number;
  records: ConsumedRecord[];
  /** Past every batch the fetch saw, transaction markers included. */
  nextOffset: number;
  /** What can be read now: the high watermark (read_committed: the last stable offset). */
  highWatermark: number;
}

/**
 * A partition is fetched while it holds fewer than this many micro-batches of records: the fetch
 * for the next batch is in flight (and decoded ahead) while the current one is committed, as
 * Kafka's own consumer fetches ahead of the records it hands out. With one batch the queue was
 * full whenever a batch was running, so each fetch was only sent once the batches had drained it,
 * and the runner waited for its round trip, its parsing and its decoding (~25–55 ms every third
 * batch of `npm run bench -- postgres-sink`); with two, 100,818–106,593 rows/s against
 * 89,339–98,554 (docs/ARCHITECTURE.md, "Path 2"). Three measured no better; the sensor pipeline
 * (`npm run bench -- pipeline`) and its peak RSS did not move (340,133 msg/s, 466 MiB).
 */
export const QUEUED_BATCHES = 2;

export const partitionId = (topic: string, partition: number) => `${topic}:${partition}`;
export const partitionOf = (id: string) => Number(id.slice(id.lastIndexOf(':') + 1));

/**
 * Where each assigned partition stands: its checkpointed next offset, the records fetched beyond it
 * (queued until a micro-batch takes them), its latest high watermark and when it last delivered.
 * Cuts micro-batches by Spark's plan (`planBatch`: `maxRecordsPerBatch` split by lag).
 * No I/O: the runner fetches, commits and decides when a batch runs.
 */
export class PartitionQueues {
  private readonly maxRecordsPerBatch: number;
  /** Records a partition's queue takes at most (`QUEUED_BATCHES` batches). */
  private readonly queueLimit: number;
  /** Next offset per partition as committed (SQLite checkpoint, or the changelog in scale-out). */
  private offsets = new Map<string, bigint>();
  private readonly buffered = new Map<string, Queued>();
  /** Latest high watermark per partition (seeded at start, then from every fetch). */
  private readonly highWatermarks = new Map<string, bigint>();
  /** Partitions the stall rule gave up waiting for, until a fetch returns records of theirs again. */
  private readonly settled = new Set<string>();
  /** When a fetch last returned records per partition (or the partition was assigned). */
  private readonly arrivals = new Map<string, number>();
  private assigned: { id: string; topic: string; partition: number }[] = [];

  constructor(maxRecordsPerBatch: number) {
    this.maxRecordsPerBatch = maxRecordsPerBatch;
    this.queueLimit = QUEUED_BATCHES * maxRecordsPerBatch;
  }

  /** A (re)join: what was queued is dropped (not checkpointed, so it is re-read). */
  assign(assignment: Record<string, number[]>): { id: string; topic: string; partition: number }[] {
    this.buffered.clear();
    this.settled.clear();
    this.assigned = Object.entries(assignment).flatMap(([topic, partitions]) =>
      partitions.map((partition) => ({ id: partitionId(topic, partition), topic, partition })),
    );
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

  /** Back to the checkpoint: the queued records go (they are fetched again from the committed offset). */
  rewind(id: string): void {
    this.buffered.delete(id);
  }

  /** Where the next record of a partition is expected: after the queue, else the checkpoint. */
  position(id: string): bigint | undefined {
    return this.buffered.get(id)?.next ?? this.offsets.get(id);
  }

  noteHighWatermark(id: string, high: string | number): void {
    const value = BigInt(high);
    if (value > (this.highWatermarks.get(id) ?? -1n)) this.highWatermarks.set(id, value);
  }

  highWatermark(id: string): bigint | undefined {
    return this.highWatermarks.get(id);
  }

  /** Partitions whose queue has room (the fetch loop reads only those), with the offset to read from. */
  wanted(): { topic: string; partition: number; offset: bigint }[] {
    const out: { topic: string; partition: number; offset: bigint }[] = [];
    for (const { id, topic, partition } of this.assigned) {
      const position = this.position(id);
      if (position === undefined) continue;
      if ((this.buffered.get(id)?.messages.length ?? 0) >= this.queueLimit) continue;
      out.push({ topic, partition, offset: position });
    }
    return out;
  }

  /**
   * Queues the records of a fetch at or past the partition's position. Returns the last offset
   * queued, or null when no record was (none new, or the queue already holds `QUEUED_BATCHES` batches: they
   * are fetched again later rather than held). A fetch that only passed transaction markers or
   * aborted records moves the position on without queueing anything.
   */
  accept(batch: FetchedBatch): number | null {
    const id = partitionId(batch.topic, batch.partition);
    const stored = this.position(id);
    this.noteHighWatermark(id, batch.highWatermark);
    if (stored !== undefined && BigInt(batch.from) !== stored) return null;
    const entry = this.buffered.get(id) ?? { topic: batch.topic, partition: batch.partition, messages: [], next: stored ?? 0n };
    const fresh = stored === undefined ? batch.records : fromOffset(batch.records, stored);
    const last = fresh.at(-1);
    const end = BigInt(batch.nextOffset);
    if (entry.messages.length >= this.queueLimit) return null;
    if (!last) {
      if (stored !== undefined && end > stored) {
        entry.next = end;
        this.buffered.set(id, entry);
      }
      return null;
    }
    this.settled.delete(id);
    entry.messages.push(...fresh);
    // Past a trailing transaction marker too (the fetch's next offset is past every batch it saw).
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

  /** Nothing queued and every held partition read up to its latest known high watermark: no new data (Spark's `isNewDataAvailable` is false). */
  caughtUp(): boolean {
    if (this.hasQueued()) return false;
    for (const { id } of this.assigned) {
      const position = this.position(id);
      const high = this.highWatermarks.get(id);
      if (position !== undefined && high !== undefined && position < high) return false;
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
    const stalled = [...plan.ends]
      .filter(([id, end]) => (this.position(id) ?? end) < end && now - (this.arrivals.get(id) ?? 0) >= stallMs)
      .map(([id]) => id);
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
