import type { PipelineStatus } from '../../../shared/pipelines.js';
import type { Assignment, GroupCoordinates, Liveness } from '../kafka/group-member.js';
import type { PartitionReader } from '../kafka/partition-reader.js';
import type { ResultRow } from './aggregation.js';
import type { BatchOutput, Checkpoint, OperatorState, Resume } from './checkpoint.js';
import { countBelow } from './message-offsets.js';
import { partitionId, type FetchedBatch, type Queued } from './partition-queues.js';
import type { PipelineSource } from './pipeline-source.js';
import { fetchSources, type FetchPosition } from './source-fetch.js';
import type { StartingOffsets } from './source-offsets.js';

/** One partition's fixed range: offsets [start, end). */
export interface RangeEntry {
  topic: string;
  partition: number;
  start: bigint;
  end: bigint;
}

/** What a bounded read has seen so far; `done` once every partition is read to its end and every record read is in a committed batch. */
export class BoundedProgress {
  private readonly ranges: Map<string, RangeEntry>;
  private readonly reached = new Set<string>();
  private fetched = 0;
  private committed = 0;

  constructor(ranges: Map<string, RangeEntry>) {
    this.ranges = ranges;
    for (const [id, r] of ranges) if (r.end <= r.start) this.reached.add(id);
  }

  range(id: string): RangeEntry | undefined {
    return this.ranges.get(id);
  }

  all(): RangeEntry[] {
    return [...this.ranges.values()];
  }

  isReached(id: string): boolean {
    return this.reached.has(id);
  }

  noteFetched(id: string, records: number, nextOffset: bigint): void {
    this.fetched += records;
    const r = this.ranges.get(id);
    if (r && nextOffset >= r.end) this.reached.add(id);
  }

  noteCommitted(records: number): void {
    this.committed += records;
  }

  get recordsRead(): number {
    return this.committed;
  }

  /** Records in the whole range (every partition's end − start): what `recordsRead` counts towards. */
  get total(): number {
    let n = 0;
    for (const r of this.ranges.values()) if (r.end > r.start) n += Number(r.end - r.start);
    return n;
  }

  done(): boolean {
    return this.reached.size === this.ranges.size && this.committed >= this.fetched;
  }
}

/**
 * The source of a batch report: the runner's consume loop over fixed ranges, without any consumer
 * group (every partition is this reader's) and without reading past the end offsets: records at or
 * after a partition's end are cut off, and a partition read to its end is not fetched again.
 */
export class BoundedSource implements PipelineSource {
  private readonly reader: PartitionReader;
  private readonly progress: BoundedProgress;

  constructor(reader: PartitionReader, progress: BoundedProgress) {
    this.reader = reader;
    this.progress = progress;
  }

  startingOffsets(): Promise<StartingOffsets> {
    const ranges = this.progress.all();
    return Promise.resolve({
      seeds: ranges.map((r) => ({ topic: r.topic, partition: r.partition, offset: r.start.toString() })),
      highs: ranges.map((r) => ({ topic: r.topic, partition: r.partition, high: r.end.toString() })),
      partitions: ranges.length,
    });
  }

  /** No group: every partition of the range is assigned at once. */
  join(_liveness: Liveness, onAssignment: (assignment: Assignment) => void): Promise<void> {
    const assignment: Assignment = {};
    for (const r of this.progress.all()) (assignment[r.topic] ??= []).push(r.partition);
    onAssignment(assignment);
    return Promise.resolve();
  }

  async fetch(positions: readonly FetchPosition[]): Promise<FetchedBatch[]> {
    const open = positions.filter((p) => !this.progress.isReached(partitionId(p.topic, p.partition)));
    if (open.length === 0) {
      // Everything read; the runner is finishing the last micro-batches.
      await new Promise((resolve) => setTimeout(resolve, 20));
      return [];
    }
    const fetched = await fetchSources(this.reader, open, { maxWaitMs: 500, maxBytesPerPartition: 4 * 1024 * 1024 });
    return fetched.map((f) => {
      const id = partitionId(f.topic, f.partition);
      const end = this.progress.range(id)?.end ?? 0n;
      const records = f.records.slice(0, countBelow(f.records, end));
      const nextOffset = BigInt(f.nextOffset) > end ? Number(end) : f.nextOffset;
      this.progress.noteFetched(id, records.length, BigInt(nextOffset));
      return { ...f, records, nextOffset, highWatermark: Number(end) };
    });
  }

  isOutOfRange(): boolean {
    return false;
  }

  watermarks(): Promise<{ partition: number; low: number; high: number }[]> {
    return Promise.resolve([]);
  }

  lag(): Promise<PipelineStatus['lag']> {
    return Promise.resolve([]);
  }

  commitLag(): Promise<void> {
    return Promise.resolve();
  }

  group(): GroupCoordinates {
    throw new Error('a batch report joins no consumer group');
  }

  async close(): Promise<void> {
    await this.reader.close();
  }
}

/**
 * The checkpoint of a batch report: nothing durable (a report is read again from its start), the
 * complete-mode table of the latest micro-batch kept in memory, bad records counted. A failed
 * micro-batch fails the report.
 */
export class ReportCheckpoint implements Checkpoint {
  readonly liveness: Liveness = { sessionTimeoutMs: 30_000, heartbeatIntervalMs: 3_000 };
  readonly bad: Record<string, number> = {};
  /** Complete mode emits the whole result table every micro-batch: the latest one is the report. */
  table: ResultRow[] = [];
  private readonly progress: BoundedProgress;

  constructor(progress: BoundedProgress) {
    this.progress = progress;
  }

  initialState(): OperatorState | undefined {
    return undefined;
  }

  initialOffsets(): Map<string, bigint> {
    return new Map(this.progress.all().map((r) => [partitionId(r.topic, r.partition), r.start]));
  }

  open(): Promise<void> {
    return Promise.resolve();
  }

  assign(): Promise<Resume> {
    return Promise.resolve({ offsets: this.initialOffsets(), dropped: [], state: null });
  }

  claim(): void {
    // One reader aggregates every partition of the range.
  }

  commit(batch: BatchOutput): Promise<void> {
    if (batch.result) this.table = batch.result.emitted;
    for (const b of batch.bad) this.bad[b.reason] = (this.bad[b.reason] ?? 0) + 1;
    this.progress.noteCommitted(batch.parts.reduce((n, part) => n + part.messages.length, 0));
    return Promise.resolve();
  }

  recover(error: unknown): Promise<{ fatal: unknown }> {
    return Promise.resolve({ fatal: error });
  }

  afterCommit(_parts: readonly Queued[]): void {
    // Nothing to tell a group.
  }

  status(): Pick<PipelineStatus, 'scaleOut'> {
    return {};
  }

  settle(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
