import type { Pipeline, PipelineStatus } from '../../../shared/pipelines.js';
import { KafkaAdmin } from '../kafka/admin.js';
import { hasKafkaError } from '../kafka/errors.js';
import { GroupMember, type Assignment, type ClientOptions, type GroupCoordinates, type Liveness } from '../kafka/group-member.js';
import { PartitionReader } from '../kafka/partition-reader.js';
import type { CommitOffset } from './lag-commits.js';
import type { FetchedBatch } from './partition-queues.js';
import { fetchSources, type FetchPosition } from './source-fetch.js';
import { readLag, readStartingOffsets, type StartingOffsets } from './source-offsets.js';

/** How long the broker may hold a fetch when there is nothing new. */
const FETCH_WAIT_MS = 500;
const FETCH_BYTES_PER_PARTITION = 4 * 1024 * 1024;

/**
 * Everything the runner asks of the cluster: where the source topics start and end, partition
 * assignment in the pipeline's group, group-less fetches at offsets, lag. The runner's unit test
 * gives it an in-memory source; `KafkaSource` is the real one.
 */
export interface PipelineSource {
  startingOffsets(): Promise<StartingOffsets>;
  /** Joins the group; `onAssignment` gets this member's partitions after every (re)join. */
  join(liveness: Liveness, onAssignment: (assignment: Assignment) => void): Promise<void>;
  fetch(positions: readonly FetchPosition[]): Promise<FetchedBatch[]>;
  /** True when a fetch failed because an offset is outside the log (retention deleted it). */
  isOutOfRange(error: unknown): boolean;
  /** Low and high offsets of a topic's partitions. */
  watermarks(topic: string): Promise<{ partition: number; low: number; high: number }[]>;
  lag(position: (id: string) => bigint | undefined): Promise<PipelineStatus['lag']>;
  commitLag(offsets: CommitOffset[]): Promise<void>;
  group(): GroupCoordinates;
  close(): Promise<void>;
}

/** The pipeline's source on a Kafka cluster: KafkaAdmin, a GroupMember for assignment, a PartitionReader for records. */
export class KafkaSource implements PipelineSource {
  private readonly options: ClientOptions;
  private readonly pipeline: Pipeline;
  private readonly log: ((level: 'warn', message: string) => void) | undefined;
  private readonly admin: KafkaAdmin;
  private readonly reader: PartitionReader;
  private member: GroupMember | null = null;

  constructor(options: ClientOptions, pipeline: Pipeline, log?: (level: 'warn', message: string) => void) {
    this.options = options;
    this.pipeline = pipeline;
    this.log = log;
    this.admin = new KafkaAdmin(options);
    // No retries inside the client: the run loop retries a failed fetch itself, with back-off, and
    // says why in the status at once (the client's own retries took ~18 s to report a deleted topic).
    this.reader = new PartitionReader({ ...options, retries: 0 });
  }

  startingOffsets(): Promise<StartingOffsets> {
    return readStartingOffsets(this.admin, this.pipeline);
  }

  async join(liveness: Liveness, onAssignment: (assignment: Assignment) => void): Promise<void> {
    const p = this.pipeline;
    this.member = new GroupMember(this.options, p.groupId, liveness, onAssignment, (error) =>
      this.log?.('warn', `pipeline ${p.name}: group: ${error instanceof Error ? error.message : String(error)}`),
    );
    await this.member.join(p.topics);
  }

  fetch(positions: readonly FetchPosition[]): Promise<FetchedBatch[]> {
    return fetchSources(this.reader, positions, { maxWaitMs: FETCH_WAIT_MS, maxBytesPerPartition: FETCH_BYTES_PER_PARTITION });
  }

  isOutOfRange(error: unknown): boolean {
    return hasKafkaError(error, 'OFFSET_OUT_OF_RANGE');
  }

  watermarks(topic: string) {
    return this.admin.watermarks(topic);
  }

  lag(position: (id: string) => bigint | undefined): Promise<PipelineStatus['lag']> {
    return readLag(this.admin, this.pipeline, position);
  }

  async commitLag(offsets: CommitOffset[]): Promise<void> {
    await this.member?.commit(offsets);
  }

  group(): GroupCoordinates {
    if (!this.member) throw new Error('the pipeline is not in its group');
    return this.member.coordinates;
  }

  /** Leaves the group first (its partitions move at once), then closes the clients. */
  async close(): Promise<void> {
    await this.member?.close();
    await this.reader.close();
    await this.admin.close();
  }
}
