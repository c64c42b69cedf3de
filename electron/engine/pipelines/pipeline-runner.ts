import { WorkbenchError } from '../../../shared/errors.js';
import type { BadRecord, Pipeline, PipelineStatus } from '../../../shared/pipelines.js';
import type { Consumer, EachBatchPayload, Kafka, KafkaJsMessage, Producer } from '../kafka/kafkajs.js';
import { AggregationOperator } from './aggregation.js';
import { planBatch, type BatchPlan } from './batch-plan.js';
import { CheckpointStore, type Progress } from './checkpoint-store.js';
import { sendDeadLetters, type DeadLetter } from './dead-letters.js';
import { FileSinks } from './file-sink.js';
import { flattenResult } from './file-sink-columns.js';
import type { OffsetRange } from './file-sink-store.js';
import { toOutputRecords } from './kafka-sink.js';
import { RecordProcessor } from './record-processor.js';
import { RateMeter } from './rate-meter.js';
import { TableSink } from './table-sink.js';
import type { Db } from '../store/db.js';

export interface RunnerDeps {
  db: Db;
  kafka: Kafka;
  pipeline: Pipeline;
  onStatus?: (status: PipelineStatus) => void;
  onResults?: (notice: { pipelineId: string; batch: number; changedRows: number }) => void;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** How often status is pushed and lag refreshed, ms. */
  statusIntervalMs?: number;
}

const LAST_BAD = 20;
/**
 * A micro-batch waits for every lagging partition to deliver its planned share. If a lagging
 * partition delivered nothing for this long (records held back by an open transaction, or a partition
 * whose only "lag" is a transaction marker kafkajs never hands over), the batch runs without them.
 */
const STALL_MS = 2000;

/** Records read from one partition (resolved in kafkajs only) and not yet in the checkpoint. */
interface Queued {
  topic: string;
  partition: number;
  messages: KafkaJsMessage[];
  /** The offset after the last record kafkajs handed over (where its next fetch starts). */
  next: bigint;
}

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
 * Scale-out limit (issue 6 item 7, not done): window state is keyed by group + window in THIS
 * store, not per source partition, so exactly one worker per pipeline group gives correct
 * results. A second worker in the same group would take partitions without their state and its
 * counts would land in its own store. The sound design, not built yet, is Kafka Streams': per
 * source partition, state changes go to a compacted changelog topic keyed by (partition, group,
 * window) with the accumulators (not finished values, so avg merges), written together with the
 * output records and the consumed offsets in ONE Kafka transaction (sendOffsets); a worker that
 * is assigned a partition first restores that partition's state from the changelog, and the
 * final (group, window) result is the merge of the partitions' partials (or, if producers key
 * records by the group column, the single partial). The SQLite checkpoint then becomes a cache.
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
  private offsets = new Map<string, bigint>();
  private readonly seekedSinceJoin = new Set<string>();
  private progress: Progress;
  private readonly inRate = new RateMeter();
  private readonly outRate = new RateMeter();
  private totals = { recordsIn: 0, rowsOut: 0 };
  private lastBatchMs: number | null = null;
  private readonly buffered = new Map<string, Queued>();
  /** Latest high watermark per partition (seeded at start, then from every kafkajs batch). */
  private readonly highWatermarks = new Map<string, bigint>();
  /** Partitions the stall rule gave up waiting for, until kafkajs hands over records of theirs again. */
  private readonly settled = new Set<string>();
  private assigned: { id: string; topic: string; partition: number }[] = [];
  /** When kafkajs last handed over records per partition (or the partition was assigned). */
  private readonly arrivals = new Map<string, number>();
  private lock: Promise<void> = Promise.resolve();
  private stopping = false;
  private trigger: NodeJS.Timeout | undefined;
  private lastBatchAt = 0;
  private state: PipelineStatus['state'] = 'stopped';
  private error: string | null = null;
  private lag: PipelineStatus['lag'] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(deps: RunnerDeps) {
    this.deps = deps;
    this.pipeline = deps.pipeline;
    this.store = new CheckpointStore(deps.db, deps.pipeline.id);
    this.processor = new RecordProcessor(deps.pipeline);
    this.progress = this.store.progress();
  }

  async start(): Promise<void> {
    const p = this.pipeline;
    this.state = 'starting';
    this.stopping = false;
    this.progress = this.store.progress();
    if (p.aggregation) this.operator = new AggregationOperator(p.aggregation, p.outputMode, { entries: this.store.state(), watermark: this.progress.watermark });
    const tableSink = p.sinks.find((s) => s.kind === 'sqlite-table');
    if (tableSink && !p.aggregation) this.table = new TableSink(this.deps.db, tableSink.table, p.projection);
    try {
      await this.seedStartingOffsets();
      this.offsets = this.store.offsets();
      if (FileSinks.wanted(p)) {
        this.files = new FileSinks({ db: this.deps.db, pipeline: p, ...(this.deps.log ? { log: this.deps.log } : {}) });
        await this.files.start();
      }
      if (p.sinks.some((s) => s.kind === 'kafka') || p.deadLetterTopic) {
        this.producer = this.deps.kafka.producer({ allowAutoTopicCreation: true });
        await this.producer.connect();
      }
      const consumer = this.deps.kafka.consumer({ groupId: p.groupId, allowAutoTopicCreation: false });
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
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    // After the batch in flight: a file write in progress finishes; pending ones wait for the next start.
    await this.files?.stop();
    this.consumer = null;
    this.producer = null;
    if (final === 'stopped' || this.state !== 'failed') this.state = final;
    this.deps.onStatus?.(this.status());
  }

  status(): PipelineStatus {
    return {
      pipelineId: this.pipeline.id,
      state: this.state,
      error: this.error,
      batches: this.progress.batch,
      recordsIn: this.totals.recordsIn,
      rowsOut: this.totals.rowsOut,
      recordsPerSecondIn: this.inRate.perSecond(),
      rowsPerSecondOut: this.outRate.perSecond(),
      watermarkMs: this.operator?.watermark ?? null,
      openWindows: this.operator?.openWindows ?? 0,
      lateRows: this.progress.lateRows,
      badRecords: { ...this.progress.badCounts },
      lastBad: [...this.progress.lastBad],
      lastBatchMs: this.lastBatchMs,
      lag: this.lag,
      ...(this.files ? { files: this.files.status() } : {}),
    };
  }

  /** A (re)join: drop what was buffered (not checkpointed, so it is re-read) and seek to the checkpoint. */
  private onJoin(assignment: Record<string, number[]>): void {
    this.seekedSinceJoin.clear();
    this.buffered.clear();
    this.settled.clear();
    this.assigned = Object.entries(assignment).flatMap(([topic, partitions]) => partitions.map((partition) => ({ id: `${topic}:${partition}`, topic, partition })));
    for (const { id } of this.assigned) this.arrivals.set(id, Date.now());
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const partition of partitions) this.seekToCheckpoint(topic, partition);
    }
  }

  private seekToCheckpoint(topic: string, partition: number): void {
    const stored = this.offsets.get(`${topic}:${partition}`);
    if (stored === undefined || !this.consumer) return;
    this.buffered.delete(`${topic}:${partition}`);
    this.seekedSinceJoin.add(`${topic}:${partition}`);
    this.consumer.seek({ topic, partition, offset: stored.toString() });
  }

  private async seedStartingOffsets(): Promise<void> {
    const p = this.pipeline;
    const admin = this.deps.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = p.topics.filter((topic) => !existing.has(topic));
      if (missing.length > 0) {
        throw new WorkbenchError('NOT_FOUND', `Topic ${missing.join(', ')} does not exist; create it (Topics page) or fix the pipeline's source topics`);
      }
      const seeds: { topic: string; partition: number; offset: string }[] = [];
      for (const topic of p.topics) {
        const start = p.startingOffsets;
        const offsets =
          start.kind === 'timestamp'
            ? (await admin.fetchTopicOffsetsByTimestamp(topic, start.timestampMs)).map((o) => ({ partition: o.partition, offset: o.offset }))
            : (await admin.fetchTopicOffsets(topic)).map((o) => ({ partition: o.partition, offset: start.kind === 'latest' ? o.high : o.low }));
        for (const o of offsets) seeds.push({ topic, partition: o.partition, offset: o.offset });
        // The first micro-batch is planned over every partition's lag, before kafkajs delivered any.
        for (const o of await admin.fetchTopicOffsets(topic)) this.noteHighWatermark(`${topic}:${o.partition}`, o.high);
      }
      this.store.seedOffsets(seeds);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
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
      const id = `${batch.topic}:${batch.partition}`;
      const stored = this.buffered.get(id)?.next ?? this.offsets.get(id);
      const first = batch.messages[0];
      if (stored !== undefined && first && BigInt(first.offset) > stored && !this.seekedSinceJoin.has(id)) {
        // Fetched from a position past our checkpoint (Kafka's commit ran ahead): go back once.
        this.seekToCheckpoint(batch.topic, batch.partition);
        return;
      }
      this.noteHighWatermark(id, batch.highWatermark);
      this.settled.delete(id);
      const entry = this.buffered.get(id) ?? { topic: batch.topic, partition: batch.partition, messages: [], next: 0n };
      const fresh = stored === undefined ? batch.messages : batch.messages.filter((m) => BigInt(m.offset) >= stored);
      const last = fresh.at(-1);
      if (last && entry.messages.length < this.pipeline.maxRecordsPerBatch) {
        entry.messages.push(...fresh);
        // Past a trailing transaction marker too (kafkajs resolves it with the last record).
        const end = BigInt(batch.lastOffset()) + 1n;
        const afterLast = BigInt(last.offset) + 1n;
        entry.next = end > afterLast ? end : afterLast;
        this.buffered.set(id, entry);
        this.arrivals.set(id, Date.now());
        resolveOffset(last.offset);
      }
      // A backlog: run every micro-batch the queues already complete. Otherwise the trigger runs it.
      await this.flushReady(true, () => isRunning() && !isStale());
    });
  }

  private noteHighWatermark(id: string, high: string): void {
    const value = BigInt(high);
    if (value > (this.highWatermarks.get(id) ?? -1n)) this.highWatermarks.set(id, value);
  }

  /** Spark's plan for the next micro-batch over the assigned partitions, from the checkpoint. */
  private plan(): BatchPlan {
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
    return planBatch(ranges, this.pipeline.maxRecordsPerBatch);
  }

  /** Every planned partition has delivered up to its planned end. */
  private complete(plan: BatchPlan): boolean {
    for (const [id, end] of plan.ends) {
      const read = this.buffered.get(id)?.next ?? this.offsets.get(id) ?? end;
      if (read < end) return false;
    }
    return true;
  }

  private hasQueued(): boolean {
    for (const entry of this.buffered.values()) if (entry.messages.length > 0) return true;
    return false;
  }

  /**
   * Runs micro-batches while the queues complete one; `backlogOnly` leaves a not-capped batch to
   * the trigger. Stops between micro-batches once the consumer is stopping (the rest is re-read).
   */
  private async flushReady(backlogOnly: boolean, keepGoing: () => boolean = () => true): Promise<void> {
    for (;;) {
      if (!this.hasQueued() || this.stopping || !keepGoing() || !this.dueForBatch()) return;
      const plan = this.plan();
      if (!this.complete(plan) || (backlogOnly && !plan.capped)) return;
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
      if (!this.hasQueued()) return;
      const plan = this.plan();
      const stalled = [...plan.ends].filter(
        ([id, end]) => (this.buffered.get(id)?.next ?? this.offsets.get(id) ?? end) < end && Date.now() - (this.arrivals.get(id) ?? 0) >= STALL_MS,
      );
      if (stalled.length > 0) {
        // Run without them (with what they delivered) until kafkajs hands over records of theirs again.
        for (const [id] of stalled) this.settled.add(id);
        this.deps.log?.('warn', `pipeline ${this.pipeline.name}: no records from ${stalled.map(([id]) => id).join(', ')} for ${STALL_MS} ms; micro-batches run without them`);
      }
      await this.flushReady(false);
    });
  }

  /** One micro-batch, the queued records below the plan's ends: one SQLite transaction. False if it failed. */
  private async flush(plan: BatchPlan): Promise<boolean> {
    const started = performance.now();
    const parts: Queued[] = [];
    for (const [id, end] of plan.ends) {
      const queued = this.buffered.get(id);
      if (!queued) continue;
      let count = 0;
      while (count < queued.messages.length && BigInt(queued.messages[count]?.offset ?? end) < end) count++;
      const taken = queued.messages.slice(0, count);
      const last = taken.at(-1);
      if (last) parts.push({ topic: queued.topic, partition: queued.partition, messages: taken, next: BigInt(last.offset) + 1n });
    }
    const recordsIn = parts.reduce((n, part) => n + part.messages.length, 0);
    if (recordsIn === 0) return false;
    try {
      const processed = parts.map((part) => this.processor.process(part.topic, part.partition, part.messages));
      const rows = processed.flatMap((p) => p.rows);
      const bad = processed.flatMap((p) => p.bad);
      const tableRows = processed.flatMap((p) => p.tableRows);
      const result = this.operator?.processBatch(rows) ?? null;
      await this.writeExternal(bad, result?.emitted ?? []);
      const progress = this.nextProgress(bad, result?.lateRows ?? 0, result?.watermark ?? null);
      const offsets = parts.map((part) => ({ topic: part.topic, partition: part.partition, nextOffset: part.next.toString() }));
      const commit = { offsets, upserted: result?.upserted ?? [], evicted: result?.evicted ?? [], emitted: result?.emitted ?? [], tableRows, progress };
      const files = this.files;
      if (files) {
        // File rows and a due file's name join the batch's own transaction (store.commit nests as a savepoint).
        const fileRows = result ? result.emitted.map((row) => flattenResult(row, this.pipeline)) : rows;
        const range: OffsetRange = Object.fromEntries(parts.map((part) => [`${part.topic}:${part.partition}`, [part.messages[0]?.offset ?? part.next.toString(), part.next.toString()]]));
        this.deps.db.transaction(() => {
          this.store.commit(commit, this.table);
          files.stage(progress.batch, fileRows, range, Date.now());
        })();
      } else {
        this.store.commit(commit, this.table);
      }
      this.progress = progress;
      if (this.state === 'running') this.error = null;
      for (const part of parts) {
        const id = `${part.topic}:${part.partition}`;
        this.offsets.set(id, part.next);
        const queued = this.buffered.get(id);
        if (queued) queued.messages = queued.messages.slice(part.messages.length);
      }
      this.files?.kick();
      const changedRows = result ? result.emitted.length : tableRows.length;
      this.totals.recordsIn += recordsIn;
      this.totals.rowsOut += changedRows;
      this.inRate.add(recordsIn);
      this.outRate.add(changedRows);
      this.lastBatchMs = performance.now() - started;
      // For lag display only; the checkpoint above is what a restart resumes from.
      await this.consumer?.commitOffsets(offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.nextOffset }))).catch(() => undefined);
      if (changedRows > 0) this.deps.onResults?.({ pipelineId: this.pipeline.id, batch: progress.batch, changedRows });
      return true;
    } catch (error) {
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

  private nextProgress(bad: BadRecord[], lateRows: number, watermark: number | null): Progress {
    const counts = { ...this.progress.badCounts };
    for (const record of bad) counts[record.reason] = (counts[record.reason] ?? 0) + 1;
    const lastBad = [...this.progress.lastBad, ...bad.map(({ topic, partition, offset, reason, error }) => ({ topic, partition, offset, reason, error }))].slice(-LAST_BAD);
    return { batch: this.progress.batch + 1, watermark, lateRows: this.progress.lateRows + lateRows, badCounts: counts, lastBad };
  }

  private async writeExternal(bad: DeadLetter[], emitted: Parameters<typeof toOutputRecords>[0]): Promise<void> {
    const producer = this.producer;
    if (!producer) return;
    const p = this.pipeline;
    for (const sink of p.sinks) {
      if (sink.kind !== 'kafka' || emitted.length === 0) continue;
      await producer.send({ topic: sink.topic, acks: -1, messages: toOutputRecords(emitted, p.aggregation?.groupBy ?? [], sink.format) });
    }
    if (p.deadLetterTopic) await sendDeadLetters(producer, p.deadLetterTopic, bad);
  }

  private async tick(): Promise<void> {
    try {
      const lag: PipelineStatus['lag'] = [];
      const admin = this.deps.kafka.admin();
      await admin.connect();
      try {
        for (const topic of this.pipeline.topics) {
          for (const o of await admin.fetchTopicOffsets(topic)) {
            const next = this.offsets.get(`${topic}:${o.partition}`);
            lag.push({ topic, partition: o.partition, nextOffset: next?.toString() ?? null, highWatermark: o.high, lag: Number(BigInt(o.high) - (next ?? BigInt(o.low))) });
          }
        }
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
      this.lag = lag;
    } catch (error) {
      this.deps.log?.('warn', `pipeline ${this.pipeline.name}: lag unavailable: ${String(error)}`);
    }
    this.deps.onStatus?.(this.status());
  }

  private fail(error: unknown): void {
    this.state = 'failed';
    this.error = error instanceof Error ? error.message : String(error);
    this.deps.log?.('error', `pipeline ${this.pipeline.name} failed: ${this.error}`);
  }
}
