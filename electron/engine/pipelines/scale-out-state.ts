import { WorkbenchError } from '../../../shared/errors.js';
import type { Pipeline } from '../../../shared/pipelines.js';
import type { KafkaAdmin } from '../kafka/admin.js';
import type { ClientOptions, GroupCoordinates } from '../kafka/group-member.js';
import { PartitionReader } from '../kafka/partition-reader.js';
import { TransactionalProducer, isFenced } from '../kafka/transactions.js';
import type { BatchResult, ResultRow, StateEntry } from './aggregation.js';
import { changelogRecords, changelogTopic, ensureChangelog, readChangelog } from './changelog.js';
import type { DeadLetter } from './dead-letters.js';
import { sendBatchRecords } from './kafka-sink.js';
import type { Row } from './row.js';
import { laterWatermark } from './watermark.js';

/** A group's records arrived from two source partitions: per-partition state would split it. */
export class CoPartitionError extends WorkbenchError {
  constructor(group: string, partitions: [number, number], groupBy: readonly string[]) {
    super(
      'VALIDATION',
      `Scale-out needs co-partitioned groups, but group ${group} (${groupBy.join(', ') || 'no group-by: one global group'}) has records in partitions ` +
        `${partitions[0]} and ${partitions[1]}. Key the source records by the group column (as the sensors producer keys by sensor_id), ` +
        'or turn scale-out off so that one worker aggregates every partition',
    );
  }
}

/** Commits of some partitions failed (the others are in Kafka); the runner re-reads the failed ones. */
export class PartitionCommitError extends Error {
  readonly failed: Map<number, unknown>;
  constructor(failed: Map<number, unknown>) {
    const first = [...failed.values()][0];
    super(`commit of partition(s) ${[...failed.keys()].join(', ')} failed: ${first instanceof Error ? first.message : String(first)}`);
    this.failed = failed;
  }
}

export interface ScaleOutBatch {
  /** Next offset per source partition read in this batch. */
  offsets: Map<number, bigint>;
  result: BatchResult | null;
  bad: DeadLetter[];
  watermark: number | null;
  previousWatermark: number | null;
}

/** Partitions restored from the changelog: next offsets, the largest watermarks, open windows. */
export interface Restored {
  added: Map<number, bigint>;
  watermark: number | null;
  previousWatermark: number | null;
  windows: number;
}

interface PartitionWork {
  upserted: StateEntry[];
  evicted: string[];
  emitted: ResultRow[];
  bad: DeadLetter[];
}

/**
 * Scale-out (`scaleOut: true`; the runner side is in pipeline-runner.ts, the topic in
 * changelog.ts): Kafka Streams' design with Spark's micro-batches. Several workers (the app or
 * `npm run cli -- pipeline run`, each with its own SQLite store, on any machine) share the group id
 * and Kafka's consumer-group protocol splits the partitions. Window state and offsets are kept per
 * source partition in Kafka: a compacted changelog topic `<group>-state-changelog` whose partition p
 * holds source partition p's state entries (accumulators, keyed by group + window, so avg resumes
 * exactly) and a progress record (next offset, watermark). Per micro-batch and partition, the output
 * records, dead letters, changelog records and the consumer offset (TxnOffsetCommit) go in ONE Kafka
 * transaction of that partition's transactional producer (`transactional.id` per partition, EOS-v1:
 * fenced by transactional id, the offset committed without a group generation). A worker that is assigned a
 * partition first initialises that producer (fencing the previous owner, completing or aborting its
 * open transaction), then reads the changelog partition to its end and seeks to its next offset.
 * The local SQLite store only keeps this worker's view (results, counters), never offsets or state.
 * - Co-partitioned groups only: a group's records must all be in one partition (records keyed by the
 *   group column). The final (group, window) value is then one partition's, no merge or repartition
 *   topic needed. A group seen in two partitions this worker holds (rows read or state restored) fails the
 *   pipeline with an error saying so; two partitions that never meet on one worker are not compared.
 * - Watermark: Spark's rule per worker — max event time of the rows this worker processed − delay,
 *   advanced at the end of each micro-batch, never backwards; a restored partition brings its last
 *   watermark and the worker takes the larger one. With one worker it is exactly Spark's global
 *   watermark; with several it is at most Spark's (each sees a subset), so no row Spark would keep
 *   is dropped as late, and a partition's windows are never reopened after they closed elsewhere.
 * - A micro-batch commits one transaction per partition: a crash between two of them replays only
 *   the uncommitted partitions, possibly under a watermark that already advanced (as after any
 *   replay cut into different batches; there is no Spark offset log here).
 *
 * This class holds that state per source partition (Kafka Streams' task = partition): one
 * transactional producer per held partition, the restored state entries, and the group → partition
 * owners that `claim` checks every row against.
 */
export class ScaleOutState {
  readonly changelog: string;
  private readonly options: ClientOptions;
  private readonly admin: KafkaAdmin;
  private readonly group: () => GroupCoordinates;
  private readonly pipeline: Pipeline;
  private readonly topic: string;
  private readonly producers = new Map<number, TransactionalProducer>();
  private readonly held = new Map<number, Map<string, StateEntry>>();
  /** Group (JSON of its values) → the source partition its records come from. */
  private readonly owner = new Map<string, number>();
  /** Next offset per held partition, as committed in its changelog. */
  private readonly committed = new Map<number, bigint>();

  /** `group`: the worker's group membership now (the transactions commit the group's offsets). */
  constructor(options: ClientOptions, admin: KafkaAdmin, pipeline: Pipeline, group: () => GroupCoordinates) {
    this.options = options;
    this.admin = admin;
    this.group = group;
    this.pipeline = pipeline;
    this.topic = pipeline.topics[0] ?? '';
    this.changelog = changelogTopic(pipeline.groupId);
  }

  async start(sourcePartitions: number): Promise<void> {
    await ensureChangelog(this.admin, this.changelog, sourcePartitions);
  }

  holds(partition: number): boolean {
    return this.held.has(partition);
  }

  partitions(): number[] {
    return [...this.held.keys()].sort((a, b) => a - b);
  }

  entries(): StateEntry[] {
    return [...this.held.values()].flatMap((m) => [...m.values()]);
  }

  /**
   * A new assignment: forgets revoked partitions, fences and restores added ones. Returns the added
   * partitions' next offsets (the changelog's, else `seeds`) and the largest restored watermark.
   */
  async assign(partitions: readonly number[], seeds: ReadonlyMap<number, bigint>): Promise<Restored> {
    const wanted = new Set(partitions);
    for (const p of this.partitions()) if (!wanted.has(p)) await this.drop(p);
    const added = partitions.filter((p) => !this.held.has(p));
    return this.restore(added, seeds);
  }

  /** Re-reads partitions whose commit failed; a fenced producer means another worker owns it now. */
  async recover(failed: Map<number, unknown>, seeds: ReadonlyMap<number, bigint>): Promise<Restored> {
    for (const p of failed.keys()) await this.drop(p);
    const mine = [...failed].filter(([, error]) => !isFenced(error)).map(([p]) => p);
    return this.restore(mine, seeds);
  }

  private async restore(partitions: readonly number[], seeds: ReadonlyMap<number, bigint>): Promise<Restored> {
    const added = new Map<number, bigint>();
    if (partitions.length === 0) return { added, watermark: null, previousWatermark: null, windows: 0 };
    await Promise.all(partitions.map((p) => this.fence(p)));
    const reader = new PartitionReader(this.options);
    const restored = await readChangelog(this.admin, reader, this.changelog, partitions).finally(() => reader.close());
    let watermark: number | null = null;
    let previousWatermark: number | null = null;
    let windows = 0;
    for (const [p, state] of restored) {
      this.held.set(p, state.entries);
      windows += state.entries.size;
      for (const entry of state.entries.values()) this.own(JSON.stringify(entry.group), p);
      const next = state.progress ? BigInt(state.progress.nextOffset) : (seeds.get(p) ?? 0n);
      this.committed.set(p, next);
      added.set(p, next);
      const w = state.progress?.watermark ?? null;
      watermark = laterWatermark(watermark, w);
      // A progress record written with one watermark: it served both.
      const previous = state.progress?.previousWatermark;
      previousWatermark = laterWatermark(previousWatermark, previous === undefined ? w : previous);
    }
    return { added, watermark, previousWatermark, windows };
  }

  /** Initialises the partition's transactional producer: fences the previous owner of the partition. */
  private async fence(partition: number): Promise<void> {
    const producer = new TransactionalProducer(this.options, `workbench-${this.pipeline.groupId}-${this.topic}-${partition}`);
    this.producers.set(partition, producer);
    await producer.init();
  }

  private async drop(partition: number): Promise<void> {
    this.held.delete(partition);
    this.committed.delete(partition);
    for (const [group, p] of this.owner) if (p === partition) this.owner.delete(group);
    const producer = this.producers.get(partition);
    this.producers.delete(partition);
    await producer?.close();
  }

  /** Co-partitioning check for rows read from `partition` (before they touch any state). */
  claim(partition: number, rows: readonly Row[]): void {
    const groupBy = this.pipeline.aggregation?.groupBy;
    if (!groupBy) return;
    for (const row of rows) this.own(JSON.stringify(groupBy.map((column) => row[column] ?? null)), partition);
  }

  private own(group: string, partition: number): void {
    const current = this.owner.get(group);
    if (current === undefined) this.owner.set(group, partition);
    else if (current !== partition) throw new CoPartitionError(group, [current, partition], this.pipeline.aggregation?.groupBy ?? []);
  }

  /** One Kafka transaction per partition the batch read or changed, in parallel. */
  async commit(batch: ScaleOutBatch): Promise<void> {
    const work = new Map<number, PartitionWork>();
    const of = (p: number) => {
      let w = work.get(p);
      if (!w) work.set(p, (w = { upserted: [], evicted: [], emitted: [], bad: [] }));
      return w;
    };
    const partitionOf = (group: readonly unknown[]) => {
      const p = this.owner.get(JSON.stringify(group));
      if (p === undefined) throw new Error(`no partition owns group ${JSON.stringify(group)}`);
      return p;
    };
    for (const p of batch.offsets.keys()) of(p);
    for (const entry of batch.result?.upserted ?? []) of(partitionOf(entry.group)).upserted.push(entry);
    for (const row of batch.result?.emitted ?? []) of(partitionOf(row.group)).emitted.push(row);
    for (const key of batch.result?.evicted ?? []) {
      // A key opened and evicted in the same batch was never in a changelog: nothing to delete.
      for (const [p, entries] of this.held) if (entries.has(key)) of(p).evicted.push(key);
    }
    for (const bad of batch.bad) of(bad.partition).bad.push(bad);

    const outcomes = await Promise.allSettled([...work].map(([p, w]) => this.commitPartition(p, w, batch)));
    const failed = new Map<number, unknown>();
    [...work.keys()].forEach((p, i) => {
      const outcome = outcomes[i];
      if (outcome?.status === 'rejected') failed.set(p, outcome.reason);
    });
    if (failed.size > 0) throw new PartitionCommitError(failed);
  }

  private async commitPartition(partition: number, work: PartitionWork, batch: ScaleOutBatch): Promise<void> {
    const producer = this.producers.get(partition);
    const mirror = this.held.get(partition);
    if (!producer || !mirror) throw new Error(`partition ${partition} is not held by this worker any more`);
    const next = batch.offsets.get(partition) ?? this.committed.get(partition) ?? 0n;
    const p = this.pipeline;
    const progress = { nextOffset: next.toString(), watermark: batch.watermark, previousWatermark: batch.previousWatermark };
    await producer.run(
      async (send) => {
        await sendBatchRecords(send, p, work.emitted, work.bad);
        await send(changelogRecords(this.changelog, partition, work.upserted, work.evicted, progress));
      },
      { group: this.group(), topic: this.topic, partition, next: Number(next) },
    );
    for (const entry of work.upserted) mirror.set(entry.key, entry);
    for (const key of work.evicted) mirror.delete(key);
    this.committed.set(partition, next);
  }

  async stop(): Promise<void> {
    for (const p of this.partitions()) await this.drop(p);
  }
}
