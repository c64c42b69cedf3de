import type { PipelineStatus } from '../../../shared/pipelines.js';
import type { Liveness } from '../kafka/group-member.js';
import type { BatchOutput, Checkpoint, OperatorState, Resume } from './checkpoint.js';
import type { RecordSender } from './dead-letters.js';
import { sendBatchRecords } from './kafka-sink.js';
import { LagCommits } from './lag-commits.js';
import { commitLocal } from './local-commit.js';
import { partitionId, type Queued } from './partition-queues.js';
import type { StartingOffsets } from './source-offsets.js';
import type { CheckpointParts } from './pipeline-runner.js';

/** The runner's parts (less the group membership: only scale-out transactions commit the group's offsets), and where Kafka sinks and dead letters go (null when the pipeline has neither). */
export type SqliteCheckpointDeps = Omit<CheckpointParts, 'group'> & { send: RecordSender | null };

/**
 * The pipeline's checkpoint in the app's SQLite store (exactly-once into SQLite, as Spark's
 * end-to-end guarantee: replayable offsets + state and results committed atomically). Kafka sinks and dead letters are
 * sent BEFORE the commit: at least once, keyed so that a replay overwrites its own records. Then
 * offsets, state, results, table rows, counters and due file rows go in ONE SQLite transaction: a
 * crash before it replays the batch. Every assigned partition is held; a failed batch goes back to
 * the stored offsets and state.
 */
export class SqliteCheckpoint implements Checkpoint {
  readonly liveness: Liveness = { sessionTimeoutMs: 30_000, heartbeatIntervalMs: 3_000 };
  private readonly deps: SqliteCheckpointDeps;
  private readonly lagCommits: LagCommits;

  constructor(deps: SqliteCheckpointDeps) {
    this.deps = deps;
    this.lagCommits = new LagCommits(deps.commitLag);
  }

  initialState(): OperatorState {
    const { watermark, previousWatermark } = this.deps.store.progress();
    return { entries: this.deps.store.state(), watermark, previousWatermark };
  }

  initialOffsets(): Map<string, bigint> {
    return this.deps.store.offsets();
  }

  async open(start: StartingOffsets): Promise<void> {
    this.deps.store.seedOffsets(start.seeds);
    const database = this.deps.database;
    if (!database) return;
    // The database holds the rows and, in the same transaction, the offsets they came from: where
    // it says a projection-only pipeline got to is where reading resumes (SQLite may be one batch
    // behind after a crash between the two commits). An aggregation resumes from its SQLite state
    // and offsets; a replayed batch upserts the same window rows again.
    const held = await database.open();
    if (database.holdsOffsets && held.size > 0) {
      this.deps.store.moveOffsets(
        [...held].map(([id, next]) => {
          const at = id.lastIndexOf(':');
          return { topic: id.slice(0, at), partition: Number(id.slice(at + 1)), offset: next.toString() };
        }),
      );
    }
  }

  /** Every assigned partition is this worker's; it resumes from the stored offsets (seeded at open). */
  assign(): Promise<Resume> {
    return Promise.resolve({ offsets: this.deps.store.offsets(), dropped: [], state: null });
  }

  claim(): void {
    // One worker aggregates every partition it is assigned: no co-partitioning rule.
  }

  async commit(batch: BatchOutput): Promise<void> {
    const { pipeline, send } = this.deps;
    if (send) await sendBatchRecords(send, pipeline, batch.result?.emitted ?? [], batch.bad);
    // The database's transaction first: if SQLite's then fails, the replay finds the rows there already.
    await this.deps.database?.write(batch);
    commitLocal(this.deps, batch, true);
  }

  /** Nothing of the batch is durable: every partition goes back to its stored offset, the operator to the stored state. */
  recover(_error: unknown, parts: readonly Queued[]): Promise<{ committed: Queued[]; resume: Resume }> {
    const stored = this.deps.store.offsets();
    const offsets = new Map<string, bigint>();
    for (const part of parts) {
      const id = partitionId(part.topic, part.partition);
      const next = stored.get(id);
      if (next !== undefined) offsets.set(id, next);
    }
    const state = this.deps.pipeline.aggregation ? this.initialState() : null;
    return Promise.resolve({ committed: [], resume: { offsets, dropped: [], state } });
  }

  /** Not awaited: a broker round trip per micro-batch was ~20% of the pipeline's time (LagCommits). */
  afterCommit(parts: readonly Queued[]): void {
    this.lagCommits.offer(parts.map((part) => ({ topic: part.topic, partition: part.partition, offset: part.next.toString() })));
  }

  status(): Pick<PipelineStatus, 'scaleOut'> {
    return {};
  }

  async settle(): Promise<void> {
    await this.lagCommits.settle();
  }

  async close(): Promise<void> {
    await this.deps.database?.close();
  }
}
