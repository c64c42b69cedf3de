import type { PendingAborts } from '../exports/targets/pending-aborts.js';
import type { Worker } from 'node:worker_threads';
import type { S3Target } from '../../../shared/exports.js';
import { pipelineLimitsProblem, type DatabaseSinkSpec, type Pipeline, type PipelineStatus } from '../../../shared/pipelines.js';
import type { Assignment, ClientOptions, GroupCoordinates } from '../kafka/group-member.js';
import { WorkbenchError } from '../../../shared/errors.js';
import { describeKafkaError, describeStall, flatten, isUnknownTopic } from '../kafka/errors.js';
import { KafkaProducer } from '../kafka/producer.js';
import { AggregationOperator } from './aggregation.js';
import type { Checkpoint, OperatorState, Resume, Watermarks } from './checkpoint.js';
import { CheckpointStore, type Progress } from '../store/checkpoint-store.js';
import { DatabaseOutput, sinkTableOf } from './database-output.js';
import type { DatabaseSink, SinkTable } from '../sinks/database-sink.js';
import { FileSinks } from './file-sink.js';
import { runMicroBatch } from './micro-batch.js';
import { RegistryValueDecoder } from '../schema-registry/avro-resolver.js';
import type { RegistryClient } from '../schema-registry/registry-client.js';
import { RecordProcessor, type DecodeWorkers } from './record-processor.js';
import { RateMeter } from '../rate-meter.js';
import { PartitionQueues, partitionId, type FetchedBatch, type Queued } from './partition-queues.js';
import { KafkaSource, type PipelineSource } from './pipeline-source.js';
import { ScaleOutCheckpoint } from './scale-out-checkpoint.js';
import { SqliteCheckpoint } from './sqlite-checkpoint.js';
import { StateTooLargeError } from './state-limit.js';
import { statusFrom } from './pipeline-status.js';
import { TableSink } from '../store/table-sink.js';
import type { Db } from '../store/db.js';

export interface RunnerDeps {
  db: Db;
  /** Client options of the pipeline's connection. */
  kafka: ClientOptions;
  pipeline: Pipeline;
  onStatus?: (status: PipelineStatus) => void;
  onResults?: (notice: { pipelineId: string; batch: number; changedRows: number }) => void;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Resolves saved S3 credentials of file sinks at write time (FileSinksDeps.resolveS3). */
  resolveS3?: (target: S3Target) => S3Target;
  /** Tracks the file sinks' S3 multipart uploads (FileSinksDeps.pendingAborts). */
  pendingAborts?: PendingAborts;
  /** How often status is pushed and lag refreshed, ms. */
  statusIntervalMs?: number;
  /** The checkpoint to run against (tests); default: SQLite, or the Kafka changelog when `scaleOut`. */
  checkpoint?: (parts: CheckpointParts) => Checkpoint;
  /** The cluster side (tests); default: KafkaSource on `kafka`. */
  source?: PipelineSource;
  /** Opens the pipeline's database sink on its saved connection (PipelinesFeature resolves connection and password). */
  openDatabaseSink?: (spec: DatabaseSinkSpec, table: SinkTable) => DatabaseSink;
  /** Where decode + projection run (tests); default: inline, or worker threads for large micro-batches with KWB_PIPELINE_DECODE_WORKERS=auto. */
  decodeWorkers?: DecodeWorkers;
  /** The schema registry of the pipeline's connection (the `registry` decoder needs it); null: none set. */
  registry?: RegistryClient | null;
}

/** What the runner hands a checkpoint it builds. */
export interface CheckpointParts {
  db: Db;
  pipeline: Pipeline;
  store: CheckpointStore;
  table: TableSink | null;
  files: FileSinks | null;
  /** The database sink (PostgreSQL, Cassandra), or null. */
  database: DatabaseOutput | null;
  /** The worker's group membership now (scale-out transactions commit the group's offsets). */
  group: () => GroupCoordinates;
  /** Commits offsets to the group for lag tools only (never read back). */
  commitLag: (offsets: { topic: string; partition: number; offset: string }[]) => Promise<void>;
}

/**
 * A micro-batch waits for every lagging partition to deliver its planned share. If a lagging
 * partition delivered nothing for this long (records held back by an open transaction), the batch
 * runs without them.
 */
const STALL_MS = 2000;

/**
 * One running pipeline: ONE consume loop for every kind of run. The pipeline's consumer group only
 * assigns partitions (GroupMember: join, heartbeats, rebalances by the client); records are
 * fetched group-less (PartitionReader, read_committed) from the offsets the checkpoint holds, and
 * micro-batches span every held partition (at most `maxRecordsPerBatch` records, one per trigger).
 * Exactly-once and where offsets and state live are the checkpoint's (`Checkpoint`): SQLite, or in
 * scale-out a Kafka changelog with one transaction per partition. Offsets are never taken from the
 * group: a (re)assignment resumes every partition from the checkpoint, so nothing is counted twice
 * and a crash before a commit replays the batch.
 */
export class PipelineRunner {
  private readonly deps: RunnerDeps;
  private readonly pipeline: Pipeline;
  private readonly store: CheckpointStore;
  private readonly processor: RecordProcessor;
  private operator: AggregationOperator | null = null;
  private table: TableSink | null = null;
  private files: FileSinks | null = null;
  private database: DatabaseOutput | null = null;
  private source: PipelineSource | null = null;
  private producer: KafkaProducer | null = null;
  private checkpoint: Checkpoint | null = null;
  private readonly queues: PartitionQueues;
  private progress: Progress;
  private readonly inRate = new RateMeter();
  private readonly outRate = new RateMeter();
  private totals = { recordsIn: 0, rowsOut: 0 };
  private lastBatchMs: number | null = null;
  private lock: Promise<void> = Promise.resolve();
  private stopping = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private trigger: NodeJS.Timeout | undefined;
  private lastBatchAt = 0;
  private state: PipelineStatus['state'] = 'stopped';
  private error: string | null = null;
  private fetchError: string | null = null;
  /** When fetches began to fail (cleared by the next good fetch). */
  private failingSince: number | null = null;
  private lag: PipelineStatus['lag'] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(deps: RunnerDeps) {
    this.deps = deps;
    this.pipeline = deps.pipeline;
    this.store = new CheckpointStore(deps.db, deps.pipeline.id);
    const registry = deps.registry ? new RegistryValueDecoder(deps.registry) : null;
    this.processor = new RecordProcessor(deps.pipeline, deps.decodeWorkers, registry);
    this.queues = new PartitionQueues(deps.pipeline.maxRecordsPerBatch);
    this.progress = this.store.progress();
  }

  async start(): Promise<void> {
    const p = this.pipeline;
    this.state = 'starting';
    this.stopping = false;
    // Decode workers load while the group is joined (about a second under tsx, once per process).
    this.processor.warm();
    this.error = null;
    this.progress = this.store.progress();
    const limits = pipelineLimitsProblem(p);
    if (limits !== null) {
      // Saved before the limits existed: it cannot start as it is.
      this.fail(new Error(limits));
      this.state = 'failed';
      return;
    }
    const tableSink = p.sinks.find((s) => s.kind === 'sqlite-table');
    if (tableSink && !p.aggregation) this.table = new TableSink(this.deps.db, tableSink.table, p.projection);
    try {
      if (FileSinks.wanted(p)) {
        this.files = new FileSinks({
          db: this.deps.db,
          pipeline: p,
          ...(this.deps.log ? { log: this.deps.log } : {}),
          ...(this.deps.resolveS3 ? { resolveS3: this.deps.resolveS3 } : {}),
          ...(this.deps.pendingAborts ? { pendingAborts: this.deps.pendingAborts } : {}),
        });
        await this.files.start();
      }
      this.database = this.openDatabase();
      const checkpoint = (this.deps.checkpoint ?? ((parts) => this.defaultCheckpoint(parts)))({
        db: this.deps.db,
        pipeline: p,
        store: this.store,
        table: this.table,
        files: this.files,
        database: this.database,
        group: () => this.requireSource().group(),
        commitLag: (offsets) => this.source?.commitLag(offsets) ?? Promise.resolve(),
      });
      this.checkpoint = checkpoint;
      const initial = checkpoint.initialState();
      if (p.aggregation) this.operator = new AggregationOperator(p.aggregation, p.outputMode, initial, p.sparkCompatibility);
      const source = this.deps.source ?? new KafkaSource(this.deps.kafka, p, this.deps.log);
      this.source = source;
      const start = await source.startingOffsets();
      for (const o of start.highs) this.queues.noteHighWatermark(partitionId(o.topic, o.partition), o.high);
      await checkpoint.open(start);
      this.queues.resetCommitted(checkpoint.initialOffsets());
      await source.join(checkpoint.liveness, (assignment) => void this.locked(() => this.onAssignment(assignment)));
      // The first assignment (reported during the join) is applied before the loop's first fetch.
      await this.lock;
      if (this.stopping) throw new Error(this.error ?? 'stopped while starting');
      this.state = 'running';
    } catch (error) {
      this.fail(error);
      await this.stop('failed');
      throw error;
    }
    this.loop = this.consumeLoop();
    this.trigger = setInterval(() => void this.onTrigger(), Math.max(50, p.triggerIntervalMs));
    const interval = this.deps.statusIntervalMs ?? 1000;
    this.timer = setInterval(() => void this.tick(), interval);
    this.timer.unref();
  }

  /** Stops after the batch in flight; what was fetched and not committed is re-read next time. */
  async stop(final: PipelineStatus['state'] = 'stopped'): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    clearInterval(this.trigger);
    this.timer = undefined;
    this.wake?.();
    await this.loop?.catch(() => undefined);
    await this.lock;
    await this.checkpoint?.settle().catch(() => undefined);
    await this.source?.close();
    await this.producer?.close();
    await this.checkpoint?.close().catch(() => undefined);
    // After the batch in flight: a file write in progress finishes; pending ones wait for the next start.
    await this.files?.stop();
    this.processor.close();
    this.loop = null;
    this.source = null;
    this.producer = null;
    if (final === 'stopped' || this.state !== 'failed') this.state = final;
    this.deps.onStatus?.(this.status());
  }

  /** The decode worker threads alive now (tests). */
  workerThreadsForTests(): Worker[] {
    return this.processor.workerThreads();
  }

  /** Caught up: every record read up to the known end offsets is in the checkpoint, and no batch without data is owed. */
  caughtUp(): boolean {
    return this.state === 'running' && this.queues.caughtUp() && !this.operator?.owesBatch;
  }

  status(): PipelineStatus {
    const { state, lastBatchMs, lag } = this;
    return statusFrom(this.pipeline.id, this.progress, {
      state,
      error: this.error ?? this.fetchError ?? this.files?.stallMessage() ?? null,
      stalledSince: this.state === 'running' ? (this.failingSince ?? this.files?.failing() ?? null) : null,
      lastBatchMs,
      lag,
      ...this.totals,
      // Only a running pipeline moves records: a stopped or failed one shows 0, not its last seconds.
      recordsPerSecondIn: state === 'running' ? this.inRate.rate() : 0,
      rowsPerSecondOut: state === 'running' ? this.outRate.rate() : 0,
      watermarkMs: this.operator?.watermark ?? null,
      openWindows: this.operator?.openWindows ?? 0,
      ...(this.files ? { files: this.files.status() } : {}),
      ...(this.checkpoint?.status() ?? {}),
    });
  }

  private openDatabase(): DatabaseOutput | null {
    const p = this.pipeline;
    const spec = p.sinks.find((s) => s.kind === 'database');
    if (!spec) return null;
    if (p.scaleOut) {
      throw new WorkbenchError(
        'VALIDATION',
        `A scale-out pipeline cannot write to ${spec.engine} (its offsets live in Kafka); turn scale-out off`,
      );
    }
    if (!this.deps.openDatabaseSink) throw new WorkbenchError('VALIDATION', 'This runner cannot open database sinks');
    const table = sinkTableOf(p, spec);
    return new DatabaseOutput(p, spec, table, this.deps.openDatabaseSink(spec, table));
  }

  private watermarks(): Watermarks {
    return { watermark: this.operator?.watermark ?? null, previousWatermark: this.operator?.previousWatermark ?? null };
  }

  private defaultCheckpoint(parts: CheckpointParts): Checkpoint {
    const p = this.pipeline;
    if (p.scaleOut) return new ScaleOutCheckpoint({ ...parts, options: this.deps.kafka });
    const needsProducer = p.sinks.some((s) => s.kind === 'kafka') || p.deadLetterTopic !== undefined;
    if (needsProducer) this.producer = new KafkaProducer({ ...this.deps.kafka, autocreateTopics: true });
    const producer = this.producer;
    return new SqliteCheckpoint({
      ...parts,
      send: producer ? (records) => producer.send(records) : null,
    });
  }

  private requireSource(): PipelineSource {
    if (!this.source) throw new Error('the pipeline is not running');
    return this.source;
  }

  /** A (re)assignment: what was queued is dropped (not committed, so it is re-read) and reading resumes from the checkpoint. */
  private async onAssignment(assignment: Assignment): Promise<void> {
    const checkpoint = this.checkpoint;
    if (!checkpoint || this.stopping) return;
    this.queues.assign(assignment);
    try {
      const resume = await checkpoint.assign(assignment, this.watermarks());
      // Stopped meanwhile: stop() closes what the checkpoint opened.
      if (this.stopping) return;
      this.resume(resume);
      if (resume.note) this.deps.log?.('info', `pipeline ${this.pipeline.name}: ${resume.note}`);
    } catch (error) {
      // Leave the group, so that the partitions move to a worker that can take them.
      this.abort(error);
    }
    this.wake?.();
  }

  /** Offsets (and operator state) after an assignment or a failed batch. */
  private resume(resume: Resume): void {
    for (const id of resume.dropped) this.queues.forget(id);
    for (const [id, next] of resume.offsets) {
      this.queues.setCommitted(id, next);
      this.queues.rewind(id);
    }
    if (resume.state) this.rebuildOperator(resume.state);
  }

  private rebuildOperator(state: OperatorState): void {
    const a = this.pipeline.aggregation;
    if (a) this.operator = new AggregationOperator(a, this.pipeline.outputMode, state, this.pipeline.sparkCompatibility);
  }

  /**
   * The consume loop: fetch every held partition whose queue has room from its position (one Fetch
   * per leader), queue what came back, run the micro-batches the queues complete, and fetch again.
   * The next fetch is already in flight while a batch runs (it asks for what lies past the queued
   * records), so reading overlaps processing.
   */
  private async consumeLoop(): Promise<void> {
    // The fetch in flight (fetchWanted never rejects); set ahead of time while a batch runs.
    const ahead: { fetch: Promise<FetchedSet> | null } = { fetch: null };
    let failures = 0;
    while (!this.stopping) {
      const fetched = await (ahead.fetch ?? this.fetchWanted());
      ahead.fetch = null;
      if (this.stopping) break;
      if (fetched.error !== undefined) {
        failures++;
        await this.onFetchError(fetched.error, failures);
        continue;
      }
      failures = 0;
      this.failingSince = null;
      if (this.fetchError) this.fetchError = null;
      if (fetched.results.length === 0) {
        // Nothing held (no assignment yet, or every queue is full and waits for the trigger).
        await this.idle(fetched.requested ? 0 : 200);
        continue;
      }
      await this.locked(async () => {
        for (const f of fetched.results) this.queues.accept(f);
        // Read ahead while the batches run.
        if (!this.stopping) ahead.fetch = this.fetchWanted();
        await this.flushReady(true);
      });
    }
    await ahead.fetch;
  }

  private async fetchWanted(): Promise<FetchedSet> {
    const source = this.source;
    const wanted = this.queues.wanted();
    if (!source || wanted.length === 0) return { results: [], requested: false };
    try {
      const results = await source.fetch(wanted);
      // Decoded by the workers (if any) while the batch before them is being committed.
      this.processor.decodeAhead(results.map((r) => ({ topic: r.topic, partition: r.partition, messages: r.records })));
      return { results, requested: true };
    } catch (error) {
      return { results: [], requested: true, error };
    }
  }

  /**
   * A fetch failed: a partition whose checkpoint is no longer in the log (below its start, or past
   * its end) resumes at the earliest offset, as a consumer with `auto.offset.reset=earliest`;
   * anything else (leader moved, broker down) is retried with a growing pause, shown in the status.
   */
  private async onFetchError(error: unknown, failures: number): Promise<void> {
    if (this.source?.isOutOfRange(error)) {
      await this.locked(() => this.resetOutOfRange()).catch(() => undefined);
      return;
    }
    // Said in words, with since when: the pipeline is running but not making progress.
    this.failingSince ??= Date.now();
    const topics = this.pipeline.topics.join(', ');
    const brokers = this.deps.kafka.bootstrapBrokers.map((b) => (typeof b === 'string' ? b : `${b.host}:${String(b.port)}`));
    const described = isUnknownTopic(error)
      ? new WorkbenchError('NOT_FOUND', `Source topic ${topics} was deleted or does not exist`)
      : describeKafkaError(error, brokers);
    // Any other broker answer is named by its Kafka error (e.g. NOT_LEADER_OR_FOLLOWER while a deletion propagates).
    const names = [...flatten(error).apiIds].join(', ');
    const reading = new WorkbenchError(
      'KAFKA_ERROR',
      `Reading ${topics} failed: ${described.message}${names && !described.message.includes(names) ? ` (${names})` : ''}`,
    );
    this.fetchError = describeStall(described.code === 'KAFKA_ERROR' ? reading : described, this.failingSince);
    if (failures === 1 || failures % 20 === 0) this.deps.log?.('warn', `pipeline ${this.pipeline.name}: ${this.fetchError}`);
    await this.idle(Math.min(5000, 100 * 2 ** Math.min(failures, 6)));
  }

  private async resetOutOfRange(): Promise<void> {
    const source = this.source;
    if (!source) return;
    for (const topic of this.pipeline.topics) {
      for (const m of await source.watermarks(topic)) {
        const id = partitionId(topic, m.partition);
        const position = this.queues.position(id);
        if (position === undefined || (position >= BigInt(m.low) && position <= BigInt(m.high))) continue;
        // Behind the log start (retention deleted the records) or past its end (the topic was deleted
        // and created again, or truncated): the log start, as Kafka's consumer with
        // auto.offset.reset=earliest does for OFFSET_OUT_OF_RANGE either way.
        const to = BigInt(m.low);
        this.deps.log?.(
          'warn',
          `pipeline ${this.pipeline.name}: offset ${position} of ${id} is no longer in the log (${m.low}..${m.high}); resuming at ${to}`,
        );
        this.queues.setCommitted(id, to);
        this.queues.rewind(id);
      }
    }
  }

  /** Waits `ms`, or less when an assignment or stop wakes the loop. */
  private idle(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  /**
   * Runs micro-batches while the queues complete one; `backlogOnly` leaves a not-capped batch to
   * the trigger. A micro-batch is cut from the queues by Spark's plan (`planBatch`:
   * `maxRecordsPerBatch` split by lag) and runs only once every lagging partition delivered its
   * planned share (or stalled), so partitions move through event time together and the watermark
   * (advanced once per micro-batch, as in Spark) does not make a slower partition's records late.
   */
  private async flushReady(backlogOnly: boolean): Promise<void> {
    for (;;) {
      if (this.stopping || !this.dueForBatch()) return;
      // A file sink that cannot write holds the batches (and so the offsets) until it writes again;
      // what was fetched waits in the queues, and the trigger looks again.
      if ((this.files?.failing() ?? null) !== null) return;
      if (!this.queues.hasQueued()) {
        // Spark's no-data micro-batch: the watermark moved and no data waits (MicroBatchExecution:
        // `lastExecutionRequiresAnotherBatch`), so a batch without records evicts, and in append
        // mode emits, the windows it closed.
        if (this.operator?.owesBatch && this.queues.caughtUp()) {
          this.lastBatchAt = Date.now();
          await this.flush([]);
        }
        return;
      }
      const plan = this.queues.plan();
      if (!this.queues.complete(plan) || (backlogOnly && !plan.capped)) return;
      this.lastBatchAt = Date.now();
      const parts = this.queues.take(plan);
      if (parts.length === 0 || !(await this.flush(parts))) return;
      // Between micro-batches, let the event loop read the fetch in flight off its socket: SQLite
      // commits are synchronous, so back-to-back batches would otherwise leave the broker's answer
      // (up to 4 MiB per partition) unread until the backlog is done, and reading would not overlap processing.
      await new Promise((resolve) => setImmediate(resolve));
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
      if (!this.queues.hasQueued()) {
        if (this.operator?.owesBatch) await this.flushReady(false);
        return;
      }
      // Run without stalled partitions (with what they delivered) until a fetch returns records of theirs again.
      const stalled = this.queues.settleStalled(this.queues.plan(), STALL_MS);
      if (stalled.length > 0) {
        this.deps.log?.(
          'warn',
          `pipeline ${this.pipeline.name}: no records from ${stalled.join(', ')} for ${STALL_MS} ms; micro-batches run without them`,
        );
      }
      await this.flushReady(false);
      // Queues that were full take records again.
      this.wake?.();
    });
  }

  /** One micro-batch over the records taken from the queues (none: a no-data batch), made durable by the checkpoint. False if it failed. */
  private async flush(parts: Queued[]): Promise<boolean> {
    const checkpoint = this.checkpoint;
    if (!checkpoint) return false;
    const started = performance.now();
    const recordsIn = parts.reduce((n, part) => n + part.messages.length, 0);
    try {
      const { progress, changedRows } = await runMicroBatch(
        { processor: this.processor, operator: this.operator, checkpoint },
        parts,
        this.progress,
      );
      this.progress = progress;
      if (this.state === 'running') this.error = null;
      for (const part of parts) this.queues.consumed(part);
      this.files?.kick();
      this.totals.recordsIn += recordsIn;
      this.totals.rowsOut += changedRows;
      this.inRate.add(recordsIn);
      this.outRate.add(changedRows);
      this.lastBatchMs = performance.now() - started;
      checkpoint.afterCommit(parts);
      if (changedRows > 0) this.deps.onResults?.({ pipelineId: this.pipeline.id, batch: progress.batch, changedRows });
      return true;
    } catch (error) {
      if (error instanceof StateTooLargeError) {
        // Retrying the batch would build the same state again: the pipeline fails, saying why.
        this.abort(error);
        return false;
      }
      const recovery = await checkpoint.recover(error, parts, this.watermarks());
      if ('fatal' in recovery) {
        this.abort(recovery.fatal);
        return false;
      }
      // The batch (or the part of it not durable) is retried from the checkpoint, not skipped.
      // Shown in the status while it lasts (state stays running: the batch is retried, not lost).
      this.error = `A batch failed and is retried from the checkpoint: ${error instanceof Error ? error.message : String(error)}`;
      this.deps.log?.('error', `pipeline ${this.pipeline.name}: ${this.error}`);
      for (const part of recovery.committed) this.queues.consumed(part);
      this.resume(recovery.resume);
      return false;
    }
  }

  private async tick(): Promise<void> {
    const source = this.source;
    if (!source || this.stopping) return;
    try {
      this.lag = await source.lag((id) => this.queues.committed(id));
    } catch (error) {
      this.deps.log?.('warn', `pipeline ${this.pipeline.name}: lag unavailable: ${String(error)}`);
    }
    // stop() ran meanwhile: it pushes the final status itself, and what status() reads (the file
    // sinks' store) may be closed by now (the engine closes its database after stopping pipelines).
    if (this.stopping) return;
    this.deps.onStatus?.(this.status());
  }

  /** Fails and leaves the group (a retry cannot help). */
  private abort(error: unknown): void {
    this.fail(error);
    // Not awaited: called under the lock, which stop() waits for.
    void this.stop('failed');
  }

  private fail(error: unknown): void {
    this.state = 'failed';
    this.error = error instanceof Error ? error.message : String(error);
    this.deps.log?.('error', `pipeline ${this.pipeline.name} failed: ${this.error}`);
  }
}

interface FetchedSet {
  results: FetchedBatch[];
  /** False when nothing was asked (no partition held or every queue full). */
  requested: boolean;
  error?: unknown;
}
