import type { S3Target } from '../../../shared/exports.js';
import type { Pipeline, PipelineStatus } from '../../../shared/pipelines.js';
import type { Consumer, EachBatchPayload, Kafka, Producer } from '../kafka/kafkajs.js';
import { AggregationOperator } from './aggregation.js';
import type { BatchPlan } from './batch-plan.js';
import { CheckpointStore, type Progress } from './checkpoint-store.js';
import { FileSinks } from './file-sink.js';
import { runMicroBatch } from './micro-batch.js';
import { RecordProcessor } from './record-processor.js';
import { RateMeter } from '../rate-meter.js';
import { LagCommits } from './lag-commits.js';
import { PartitionQueues, partitionId, partitionOf, type Queued } from './partition-queues.js';
import { CoPartitionError, PartitionCommitError, ScaleOutState } from './scale-out-state.js';
import { statusFrom } from './pipeline-status.js';
import { readLag, readStartingOffsets } from './source-offsets.js';
import { TableSink } from './table-sink.js';
import type { Db } from '../store/db.js';

export interface RunnerDeps {
  db: Db;
  kafka: Kafka;
  pipeline: Pipeline;
  onStatus?: (status: PipelineStatus) => void;
  onResults?: (notice: { pipelineId: string; batch: number; changedRows: number }) => void;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Resolves saved S3 credentials of file sinks at write time (FileSinksDeps.resolveS3). */
  resolveS3?: (target: S3Target) => S3Target;
  /** How often status is pushed and lag refreshed, ms. */
  statusIntervalMs?: number;
}

/**
 * A micro-batch waits for every lagging partition to deliver its planned share. If a lagging
 * partition delivered nothing for this long (records held back by an open transaction, or a partition
 * whose only "lag" is a transaction marker kafkajs never hands over), the batch runs without them.
 */
const STALL_MS = 2000;

/**
 * One running pipeline: a kafkajs consumer in the pipeline's group, micro-batches across all
 * assigned partitions (at most `maxRecordsPerBatch` records, one per trigger), exactly-once into SQLite.
 *
 * Offsets: the checkpoint in SQLite is the truth, Kafka's committed offsets only feed lag tools.
 * On every group join the consumer seeks each assigned partition to its stored next offset;
 * records below it (a fetch already in flight) are skipped, so nothing is counted twice. A batch
 * is resolved in kafkajs only after its SQLite transaction committed; a crash before that replays
 * it (kafkajs' own resolved position only drives fetching). Sinks outside SQLite (Kafka output, dead letters) are written BEFORE the commit: at least
 * once, keyed so that a replay overwrites its own records.
 *
 * Scale-out (`scaleOut: true`): state and offsets per source partition live in Kafka (the design,
 * its co-partitioning and watermark rules are in scale-out-state.ts); on every assignment the runner
 * restores the partitions taken over, seeks them to their changelog's next offset and rebuilds the
 * operator from the held state. The local SQLite store only keeps this worker's view (results, counters).
 */
export class PipelineRunner {
  private readonly deps: RunnerDeps;
  private readonly pipeline: Pipeline;
  private readonly store: CheckpointStore;
  private readonly processor: RecordProcessor;
  private operator: AggregationOperator | null = null;
  private table: TableSink | null = null;
  private files: FileSinks | null = null;
  private consumer: Consumer | null = null;
  private producer: Producer | null = null;
  private readonly queues: PartitionQueues;
  private progress: Progress;
  private readonly inRate = new RateMeter();
  private readonly outRate = new RateMeter();
  private readonly lagCommits = new LagCommits((offsets) => this.consumer?.commitOffsets(offsets) ?? Promise.resolve());
  private totals = { recordsIn: 0, rowsOut: 0 };
  private lastBatchMs: number | null = null;
  private lock: Promise<void> = Promise.resolve();
  private stopping = false;
  private trigger: NodeJS.Timeout | undefined;
  private lastBatchAt = 0;
  private state: PipelineStatus['state'] = 'stopped';
  private error: string | null = null;
  private lag: PipelineStatus['lag'] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Scale-out mode: state and offsets per source partition in Kafka (null: the SQLite checkpoint). */
  private scale: ScaleOutState | null = null;
  /** Scale-out: starting offsets of the source topic's partitions that have no changelog yet. */
  private seeds = new Map<number, bigint>();

  constructor(deps: RunnerDeps) {
    this.deps = deps;
    this.pipeline = deps.pipeline;
    this.store = new CheckpointStore(deps.db, deps.pipeline.id);
    this.processor = new RecordProcessor(deps.pipeline);
    this.queues = new PartitionQueues(deps.pipeline.maxRecordsPerBatch);
    this.progress = this.store.progress();
  }

  async start(): Promise<void> {
    const p = this.pipeline;
    this.state = 'starting';
    this.stopping = false;
    this.progress = this.store.progress();
    // Scale-out: the state arrives from the changelog when partitions are assigned (restoreAssignment).
    this.scale = p.scaleOut ? new ScaleOutState(this.deps.kafka, p) : null;
    const restored = this.scale ? undefined : { entries: this.store.state(), watermark: this.progress.watermark };
    if (p.aggregation) this.operator = new AggregationOperator(p.aggregation, p.outputMode, restored);
    const tableSink = p.sinks.find((s) => s.kind === 'sqlite-table');
    if (tableSink && !p.aggregation) this.table = new TableSink(this.deps.db, tableSink.table, p.projection);
    try {
      const partitions = await this.seedStartingOffsets();
      this.queues.resetCommitted(this.scale ? new Map<string, bigint>() : this.store.offsets());
      await this.scale?.start(partitions);
      if (FileSinks.wanted(p)) {
        this.files = new FileSinks({
          db: this.deps.db,
          pipeline: p,
          ...(this.deps.log ? { log: this.deps.log } : {}),
          ...(this.deps.resolveS3 ? { resolveS3: this.deps.resolveS3 } : {}),
        });
        await this.files.start();
      }
      if (!this.scale && (p.sinks.some((s) => s.kind === 'kafka') || p.deadLetterTopic)) {
        this.producer = this.deps.kafka.producer({ allowAutoTopicCreation: true });
        await this.producer.connect();
      }
      // Scale-out: a killed worker's partitions move after the session timeout, so keep it short.
      const liveness = this.scale ? { sessionTimeout: 10_000, heartbeatInterval: 1000 } : {};
      const consumer = this.deps.kafka.consumer({ groupId: p.groupId, allowAutoTopicCreation: false, readUncommitted: false, ...liveness });
      this.consumer = consumer;
      consumer.on(consumer.events.GROUP_JOIN, (event) => this.onJoin(event.payload.memberAssignment));
      await consumer.connect();
      await consumer.subscribe({ topics: p.topics, fromBeginning: p.startingOffsets.kind !== 'latest' });
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (payload) => this.onBatch(payload) });
      this.state = 'running';
    } catch (error) {
      this.fail(error);
      await this.stop('failed');
      throw error;
    }
    this.trigger = setInterval(() => void this.onTrigger(), Math.max(50, p.triggerIntervalMs));
    const interval = this.deps.statusIntervalMs ?? 1000;
    this.timer = setInterval(() => void this.tick(), interval);
    this.timer.unref();
  }

  /** Stops after the batch in flight (kafkajs waits for eachBatch to return). */
  async stop(final: PipelineStatus['state'] = 'stopped'): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    clearInterval(this.trigger);
    this.timer = undefined;
    await this.lagCommits.settle();
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    await this.scale?.stop().catch(() => undefined);
    // After the batch in flight: a file write in progress finishes; pending ones wait for the next start.
    await this.files?.stop();
    this.consumer = null;
    this.producer = null;
    if (final === 'stopped' || this.state !== 'failed') this.state = final;
    this.deps.onStatus?.(this.status());
  }

  status(): PipelineStatus {
    const { state, error, lastBatchMs, lag } = this;
    return statusFrom(this.pipeline.id, this.progress, {
      state, error, lastBatchMs, lag, ...this.totals,
      recordsPerSecondIn: this.inRate.rate(),
      rowsPerSecondOut: this.outRate.rate(),
      watermarkMs: this.operator?.watermark ?? null,
      openWindows: this.operator?.openWindows ?? 0,
      ...(this.files ? { files: this.files.status() } : {}),
      ...(this.scale ? { scaleOut: { changelogTopic: this.scale.changelog, partitions: this.scale.partitions() } } : {}),
    });
  }

  /** A (re)join: drop what was buffered (not checkpointed, so it is re-read) and seek to the checkpoint. */
  private onJoin(assignment: Record<string, number[]>): void {
    const assigned = this.queues.assign(assignment);
    if (this.scale) {
      // Fencing and reading the changelog is async: queued before any batch of the new generation.
      const partitions = assigned.map((a) => a.partition);
      void this.locked(() => this.restoreAssignment(partitions));
      return;
    }
    for (const { topic, partition } of assigned) this.seekToCheckpoint(topic, partition);
  }

  private seekToCheckpoint(topic: string, partition: number): void {
    const id = partitionId(topic, partition);
    const stored = this.queues.committed(id);
    if (stored === undefined || !this.consumer) return;
    this.queues.rewind(id);
    this.consumer.seek({ topic, partition, offset: stored.toString() });
  }

  /** Source partitions taken over: their state and offsets from the changelog (scale-out). */
  private async restoreAssignment(partitions: number[]): Promise<void> {
    const scale = this.scale;
    if (!scale || this.stopping) return;
    try {
      const restored = await scale.assign(partitions, this.seeds);
      // Stopped meanwhile: stop() already closed the producers it knew of; close the new ones too.
      if (this.stopping) return void (await scale.stop());
      this.afterRestore(restored.added, restored.watermark);
      const added = [...restored.added.keys()];
      this.deps.log?.(
        'info',
        `pipeline ${this.pipeline.name}: holds partitions [${scale.partitions().join(',')}]` +
          (added.length ? `; restored partitions [${added.join(',')}] from ${scale.changelog}: ${restored.windows} open windows, next offsets [${[...restored.added.values()].join(',')}]` : ''),
      );
    } catch (error) {
      // Leave the group, so that the partitions move to a worker that can restore them.
      this.abort(error);
    }
  }

  /** After a restore or recovery: offsets and seeks of the restored partitions, the operator rebuilt from the held state. */
  private afterRestore(added: Map<number, bigint>, watermark: number | null): void {
    const scale = this.scale;
    const topic = this.pipeline.topics[0];
    if (!scale || topic === undefined) return;
    for (const id of this.queues.committedIds()) if (!scale.holds(partitionOf(id))) this.queues.forget(id);
    for (const [partition, next] of added) {
      this.queues.setCommitted(partitionId(topic, partition), next);
      this.seekToCheckpoint(topic, partition);
    }
    const a = this.pipeline.aggregation;
    if (this.operator && a) {
      // Never backwards: the restored partitions' watermark joins this worker's (Spark's max rule).
      const current = this.operator.watermark;
      const merged = watermark === null ? current : current === null ? watermark : Math.max(current, watermark);
      this.operator = new AggregationOperator(a, this.pipeline.outputMode, { entries: scale.entries(), watermark: merged });
    }
  }

  /** Starting offsets of partitions without a checkpoint; returns the source's partition count. */
  private async seedStartingOffsets(): Promise<number> {
    const { seeds, highs, partitions } = await readStartingOffsets(this.deps.kafka, this.pipeline);
    for (const o of highs) this.queues.noteHighWatermark(partitionId(o.topic, o.partition), o.high);
    // A timestamp past the last record answers -1: start at the end.
    const seed = (id: string, offset: string) => (BigInt(offset) < 0n ? (this.queues.highWatermark(id) ?? 0n) : BigInt(offset));
    const topic = this.pipeline.topics[0];
    if (this.scale) this.seeds = new Map(seeds.filter((o) => o.topic === topic).map((o) => [o.partition, seed(partitionId(o.topic, o.partition), o.offset)]));
    else this.store.seedOffsets(seeds);
    return partitions;
  }

  /**
   * kafkajs hands us one partition at a time; a Spark micro-batch spans every partition. So each
   * partition's records are queued (resolved in kafkajs only, not in the checkpoint) and a
   * micro-batch is cut from the queues by Spark's plan (`planBatch`: `maxRecordsPerBatch` split by
   * lag). The batch runs only once every lagging partition delivered its planned share (or
   * stalled): a partition whose fetch came back short is waited for, never left behind, so
   * partitions move through event time together and the watermark (advanced once per
   * micro-batch, as in Spark) does not make a slower partition's records late. What kafkajs
   * fetched beyond the plan stays queued for the next micro-batch rather than being fetched and
   * decoded again; a queue that already holds a full batch takes no more (kafkajs refetches later).
   */
  private onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const resolveOffset = (offset: string) => payload.resolveOffset(offset);
    const isRunning = () => payload.isRunning();
    const isStale = () => payload.isStale();
    return this.locked(async () => {
      if (!isRunning() || isStale() || batch.messages.length === 0) return;
      // Scale-out: a partition not restored (yet) or lost to another worker is not ours to process.
      if (this.scale && !this.scale.holds(batch.partition)) return;
      const id = partitionId(batch.topic, batch.partition);
      const stored = this.queues.position(id);
      const first = batch.messages[0];
      if (stored !== undefined && first && BigInt(first.offset) > stored && !this.queues.rewoundSinceJoin(id)) {
        // Fetched from a position past our checkpoint (Kafka's commit ran ahead): go back once.
        this.seekToCheckpoint(batch.topic, batch.partition);
        return;
      }
      const resolved = this.queues.accept(batch);
      if (resolved !== null) resolveOffset(resolved);
      // A backlog: run every micro-batch the queues already complete. Otherwise the trigger runs it.
      await this.flushReady(true, () => isRunning() && !isStale());
    });
  }

  /**
   * Runs micro-batches while the queues complete one; `backlogOnly` leaves a not-capped batch to
   * the trigger. Stops between micro-batches once the consumer is stopping (the rest is re-read).
   */
  private async flushReady(backlogOnly: boolean, keepGoing: () => boolean = () => true): Promise<void> {
    for (;;) {
      if (!this.queues.hasQueued() || this.stopping || !keepGoing() || !this.dueForBatch()) return;
      const plan = this.queues.plan();
      if (!this.queues.complete(plan) || (backlogOnly && !plan.capped)) return;
      this.lastBatchAt = Date.now();
      if (!(await this.flush(plan))) return;
    }
  }

  /**
   * Spark's ProcessingTime trigger: a micro-batch starts at most once per interval (the next one at
   * once only when the previous overran it); interval 0 runs them back to back.
   */
  private dueForBatch(): boolean {
    const every = this.pipeline.triggerIntervalMs;
    return every === 0 || Date.now() - this.lastBatchAt >= every;
  }

  /** Serialises batches, trigger flushes and rebalances. */
  private locked(work: () => Promise<void>): Promise<void> {
    const run = this.lock.then(work);
    this.lock = run.catch(() => undefined);
    return run;
  }

  private onTrigger(): Promise<void> {
    return this.locked(async () => {
      if (!this.queues.hasQueued()) return;
      // Run without stalled partitions (with what they delivered) until kafkajs hands over records of theirs again.
      const stalled = this.queues.settleStalled(this.queues.plan(), STALL_MS);
      if (stalled.length > 0) {
        this.deps.log?.('warn', `pipeline ${this.pipeline.name}: no records from ${stalled.join(', ')} for ${STALL_MS} ms; micro-batches run without them`);
      }
      await this.flushReady(false);
    });
  }

  /** One micro-batch, the queued records below the plan's ends: one SQLite transaction. False if it failed. */
  private async flush(plan: BatchPlan): Promise<boolean> {
    const started = performance.now();
    const parts = this.queues.take(plan);
    const recordsIn = parts.reduce((n, part) => n + part.messages.length, 0);
    if (recordsIn === 0) return false;
    try {
      const { pipeline, store, processor, operator, table, files, producer, scale } = this;
      const { progress, changedRows } = await runMicroBatch({ db: this.deps.db, pipeline, store, processor, operator, table, files, producer, scale }, parts, this.progress);
      this.progress = progress;
      if (this.state === 'running') this.error = null;
      for (const part of parts) this.queues.consumed(part);
      this.files?.kick();
      this.totals.recordsIn += recordsIn;
      this.totals.rowsOut += changedRows;
      this.inRate.add(recordsIn);
      this.outRate.add(changedRows);
      this.lastBatchMs = performance.now() - started;
      // For lag display only; the checkpoint above is what a restart resumes from (scale-out committed them in its transactions).
      // Not awaited: a broker round trip per micro-batch was ~20% of the pipeline's time (LagCommits).
      if (!this.scale) this.lagCommits.offer(parts.map((part) => ({ topic: part.topic, partition: part.partition, offset: part.next.toString() })));
      if (changedRows > 0) this.deps.onResults?.({ pipelineId: this.pipeline.id, batch: progress.batch, changedRows });
      return true;
    } catch (error) {
      if (this.scale) return this.recoverScaleOut(error, parts);
      // The batch is not in the checkpoint: go back to it (and retry) rather than skip it.
      // Shown in the status while it lasts (state stays running: the batch is retried, not lost).
      this.error = `A batch failed and is retried from the checkpoint: ${error instanceof Error ? error.message : String(error)}`;
      this.deps.log?.('error', `pipeline ${this.pipeline.name}: ${this.error}`);
      if (this.operator && this.pipeline.aggregation) {
        this.operator = new AggregationOperator(this.pipeline.aggregation, this.pipeline.outputMode, { entries: this.store.state(), watermark: this.progress.watermark });
      }
      for (const part of parts) this.seekToCheckpoint(part.topic, part.partition);
      return false;
    }
  }

  /**
   * Scale-out batch failure. A co-partitioning violation fails the pipeline (retrying cannot fix it).
   * Otherwise the partitions whose transaction committed keep their progress and the others (all, if
   * the batch failed before committing) are re-read from their changelog and retried; a fenced
   * partition belongs to another worker now and is dropped until the coming rebalance.
   */
  private async recoverScaleOut(error: unknown, parts: Queued[]): Promise<boolean> {
    const scale = this.scale;
    if (!scale) return false;
    if (error instanceof CoPartitionError) {
      this.abort(error);
      return false;
    }
    this.error = `A batch failed and is retried from the changelog: ${error instanceof Error ? error.message : String(error)}`;
    this.deps.log?.('error', `pipeline ${this.pipeline.name}: ${this.error}`);
    const failed = error instanceof PartitionCommitError ? error.failed : new Map<number, unknown>(scale.partitions().map((p) => [p, error]));
    for (const part of parts) if (!failed.has(part.partition)) this.queues.consumed(part);
    try {
      const restored = await scale.recover(failed, this.seeds);
      this.afterRestore(restored.added, restored.watermark);
    } catch (restoreError) {
      this.abort(restoreError);
    }
    return false;
  }

  private async tick(): Promise<void> {
    try {
      this.lag = await readLag(this.deps.kafka, this.pipeline, (id) => this.queues.committed(id));
    } catch (error) {
      this.deps.log?.('warn', `pipeline ${this.pipeline.name}: lag unavailable: ${String(error)}`);
    }
    this.deps.onStatus?.(this.status());
  }

  /** Fails and leaves the group (a retry cannot help). */
  private abort(error: unknown): void {
    this.fail(error);
    void this.stop('failed');
  }

  private fail(error: unknown): void {
    this.state = 'failed';
    this.error = error instanceof Error ? error.message : String(error);
    this.deps.log?.('error', `pipeline ${this.pipeline.name} failed: ${this.error}`);
  }
}
