import type { PipelineStatus } from '../../../shared/pipelines.js';
import { KafkaAdmin } from '../kafka/admin.js';
import type { ClientOptions, GroupCoordinates, Liveness } from '../kafka/group-member.js';
import type { BatchOutput, Checkpoint, OperatorState, Resume, Watermarks } from './checkpoint.js';
import { commitLocal, type LocalStore } from './local-commit.js';
import { partitionId, type Queued } from './partition-queues.js';
import { CoPartitionError, PartitionCommitError, ScaleOutState, type Restored } from './scale-out-state.js';
import type { Row } from './row.js';
import { laterWatermark } from './watermark.js';
import type { StartingOffsets } from './source-offsets.js';

export interface ScaleOutCheckpointDeps extends LocalStore {
  options: ClientOptions;
  /** The worker's group membership now (each transaction commits the group's offset of its partition). */
  group: () => GroupCoordinates;
}

/**
 * Scale-out (`scaleOut: true`): state and offsets per source partition in Kafka (design, co-partitioning
 * and watermark rules in scale-out-state.ts), one Kafka transaction per partition and batch. A worker
 * holds only the partitions it restored: on every assignment it fences and restores the partitions
 * taken over and rebuilds the operator from the held state. SQLite keeps this worker's view only
 * (results, counters).
 */
export class ScaleOutCheckpoint implements Checkpoint {
  /** A killed worker's partitions move after the session timeout, so keep it short. */
  readonly liveness: Liveness = { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1_000 };
  private readonly deps: ScaleOutCheckpointDeps;
  private readonly admin: KafkaAdmin;
  private readonly scale: ScaleOutState;
  private readonly topic: string;
  /** Starting offsets of the source partitions that have no changelog yet. */
  private seeds = new Map<number, bigint>();

  constructor(deps: ScaleOutCheckpointDeps) {
    this.deps = deps;
    this.topic = deps.pipeline.topics[0] ?? '';
    this.admin = new KafkaAdmin(deps.options);
    this.scale = new ScaleOutState(deps.options, this.admin, deps.pipeline, deps.group);
  }

  /** The state arrives from the changelog when partitions are assigned. */
  initialState(): OperatorState | undefined {
    return undefined;
  }

  initialOffsets(): Map<string, bigint> {
    return new Map();
  }

  async open(start: StartingOffsets): Promise<void> {
    this.seeds = new Map(start.seeds.filter((o) => o.topic === this.topic).map((o) => [o.partition, BigInt(o.offset)]));
    await this.scale.start(start.partitions);
  }

  async assign(assignment: Record<string, number[]>, current: Watermarks): Promise<Resume> {
    const before = this.scale.partitions();
    const restored = await this.scale.assign(assignment[this.topic] ?? [], this.seeds);
    const added = [...restored.added.keys()];
    const note =
      `holds partitions [${this.scale.partitions().join(',')}]` +
      (added.length
        ? `; restored partitions [${added.join(',')}] from ${this.scale.changelog}: ${restored.windows} open windows, next offsets [${[...restored.added.values()].join(',')}]`
        : '');
    return { ...this.resume(before, restored, current), note };
  }

  claim(partition: number, rows: readonly Row[]): void {
    this.scale.claim(partition, rows);
  }

  async commit(batch: BatchOutput): Promise<void> {
    // Kafka is the truth (outputs, dead letters, changelog, offsets: one transaction per partition); SQLite keeps results and counters as a local view.
    const watermark = batch.result?.watermark ?? null;
    const previousWatermark = batch.result?.previousWatermark ?? null;
    await this.scale.commit({
      offsets: new Map(batch.parts.map((part) => [part.partition, part.next])),
      result: batch.result,
      bad: [...batch.bad],
      watermark,
      previousWatermark,
    });
    commitLocal(this.deps, batch, false);
  }

  /**
   * A co-partitioning violation fails the pipeline (retrying cannot fix it). Otherwise the partitions
   * whose transaction committed keep their progress and the others (all, if the batch failed before
   * committing) are re-read from their changelog; a fenced partition belongs to another worker now
   * and is dropped until the coming rebalance.
   */
  async recover(
    error: unknown,
    parts: readonly Queued[],
    current: Watermarks,
  ): Promise<{ committed: Queued[]; resume: Resume } | { fatal: unknown }> {
    if (error instanceof CoPartitionError) return { fatal: error };
    const before = this.scale.partitions();
    const failed = error instanceof PartitionCommitError ? error.failed : new Map<number, unknown>(before.map((p) => [p, error]));
    const committed = parts.filter((part) => !failed.has(part.partition));
    try {
      const restored = await this.scale.recover(failed, this.seeds);
      return { committed, resume: this.resume(before, restored, current) };
    } catch (restoreError) {
      return { fatal: restoreError };
    }
  }

  private resume(before: number[], restored: Restored, current: Watermarks): Resume {
    const held = new Set(this.scale.partitions());
    const a = this.deps.pipeline.aggregation;
    // Never backwards: the restored partitions' watermarks join this worker's (Spark's max rule).
    const watermark = laterWatermark(restored.watermark, current.watermark);
    const previousWatermark = laterWatermark(
      restored.previousWatermark,
      current.previousWatermark === undefined ? current.watermark : current.previousWatermark,
    );
    return {
      offsets: new Map([...restored.added].map(([partition, next]) => [partitionId(this.topic, partition), next])),
      dropped: before.filter((p) => !held.has(p)).map((p) => partitionId(this.topic, p)),
      state: a ? { entries: this.scale.entries(), watermark, previousWatermark } : null,
    };
  }

  afterCommit(): void {
    // The offsets went to the group inside each partition's transaction.
  }

  status(): Pick<PipelineStatus, 'scaleOut'> {
    return { scaleOut: { changelogTopic: this.scale.changelog, partitions: this.scale.partitions() } };
  }

  settle(): Promise<void> {
    return Promise.resolve();
  }

  async close(): Promise<void> {
    await this.scale.stop().catch(() => undefined);
    await this.admin.close();
  }
}
