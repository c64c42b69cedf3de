import type { PipelineStatus } from '../../../shared/pipelines.js';
import type { Liveness } from '../kafka/group-member.js';
import type { BatchResult, StateEntry } from './aggregation.js';
import type { Progress } from '../store/checkpoint-store.js';
import type { DeadLetter } from './dead-letters.js';
import type { Queued } from './partition-queues.js';
import type { Row } from './row.js';
import type { StartingOffsets } from './source-offsets.js';

/** What a micro-batch produced, handed to the checkpoint to make durable. */
export interface BatchOutput {
  /** The records read per partition; `next` is each partition's offset after the batch. */
  parts: readonly Queued[];
  /** Projected rows (the file and database sinks of projection-only pipelines). */
  rows: readonly Row[];
  result: BatchResult | null;
  bad: readonly DeadLetter[];
  tableRows: readonly { id: string; row: Row }[];
  progress: Progress;
}

/** The operator's two watermarks (watermark.ts): the next batch's eviction watermark and the last batch's. */
export interface Watermarks {
  watermark: number | null;
  /** The next batch's late-events watermark (Spark 3.4+); absent: same as `watermark`. */
  previousWatermark?: number | null;
}

/** Operator state to rebuild from: window/group entries and the watermarks. */
export interface OperatorState extends Watermarks {
  entries: StateEntry[];
}

/** Where reading resumes after an assignment or a failed batch. */
export interface Resume {
  /** Partitions (re)started, by id (`topic:partition`): the next offset to read. */
  offsets: Map<string, bigint>;
  /** Partitions this worker no longer holds. */
  dropped: string[];
  /** Rebuild the operator from this state; null keeps the operator as it is. */
  state: OperatorState | null;
  /** A line for the log (what was restored), if any. */
  note?: string;
}

/**
 * Where a running pipeline keeps its progress, and what exactly-once means for it. The runner (one
 * consume loop: group membership for assignment, group-less fetches from the checkpointed offsets)
 * is the same for both implementations:
 * - SqliteCheckpoint: offsets, state, results and counters in ONE SQLite transaction per batch.
 * - ScaleOutCheckpoint: per source partition, state and offsets in a Kafka changelog written in ONE
 *   Kafka transaction per partition and batch (several workers share the group).
 */
export interface Checkpoint {
  /** Group session settings (scale-out keeps them short so a killed worker's partitions move soon). */
  readonly liveness: Liveness;
  /** Operator state at start (before any assignment). */
  initialState(): OperatorState | undefined;
  /** Offsets held at start, by partition id. */
  initialOffsets(): Map<string, bigint>;
  /** Before joining the group: seeds the starting offsets, creates what the checkpoint needs. */
  open(start: StartingOffsets): Promise<void>;
  /** The group assigned these partitions (all of them, per topic): which are held now, from where. */
  assign(assignment: Record<string, number[]>, current: Watermarks): Promise<Resume>;
  /** Checks a partition's rows before they touch any state (throws to fail the pipeline). */
  claim(partition: number, rows: readonly Row[]): void;
  /** Makes the batch durable, or throws (then `recover`). */
  commit(batch: BatchOutput): Promise<void>;
  /**
   * After `commit` threw: the parts that are durable anyway and where the others resume, or an
   * error when retrying cannot help (the pipeline fails).
   */
  recover(
    error: unknown,
    parts: readonly Queued[],
    current: Watermarks,
  ): Promise<{ committed: Queued[]; resume: Resume } | { fatal: unknown }>;
  /** After a durable batch (not awaited by the batch path): lag offsets for lag tools, file kicks. */
  afterCommit(parts: readonly Queued[]): void;
  /** Status fields of this kind of checkpoint. */
  status(): Pick<PipelineStatus, 'scaleOut'>;
  /** Before leaving the group: outstanding side work settled. */
  settle(): Promise<void>;
  close(): Promise<void>;
}
