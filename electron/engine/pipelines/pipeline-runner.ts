import { WorkbenchError } from '../../../shared/errors.js';
import type { BadRecord, Pipeline, PipelineStatus } from '../../../shared/pipelines.js';
import type { Consumer, EachBatchPayload, Kafka, KafkaJsMessage, Producer } from '../kafka/kafkajs.js';
import { AggregationOperator } from './aggregation.js';
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
  private readonly buffered = new Map<string, { topic: string; partition: number; messages: KafkaJsMessage[]; next: bigint }>();
  private bufferedCount = 0;
  private assigned = 1;
  private lock: Promise<void> = Promise.resolve();
  private trigger: NodeJS.Timeout | undefined;
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
    this.bufferedCount = 0;
    this.assigned = Math.max(1, Object.values(assignment).reduce((n, partitions) => n + partitions.length, 0));
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const partition of partitions) this.seekToCheckpoint(topic, partition);
    }
  }

  private seekToCheckpoint(topic: string, partition: number): void {
    const stored = this.offsets.get(`${topic}:${partition}`);
    if (stored === undefined || !this.consumer) return;
    const dropped = this.buffered.get(`${topic}:${partition}`);
    if (dropped) this.bufferedCount -= dropped.messages.length;
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
      }
      this.store.seedOffsets(seeds);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /**
   * kafkajs hands us one partition at a time; a Spark micro-batch spans every partition. So a
   * partition's records are buffered (and resolved in kafkajs only, not in the checkpoint) until
   * the trigger fires; each partition may add at most its share of `maxRecordsPerBatch` (Spark's
   * `maxOffsetsPerTrigger` is also split across partitions); the rest stays unresolved and is
   * fetched again after the flush. The watermark then advances once per micro-batch, as in Spark, not once per partition.
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
      const fresh = stored === undefined ? batch.messages : batch.messages.filter((m) => BigInt(m.offset) >= stored);
      const entry = this.buffered.get(id) ?? { topic: batch.topic, partition: batch.partition, messages: [], next: 0n };
      const share = Math.ceil(this.pipeline.maxRecordsPerBatch / Math.max(1, this.assigned));
      const taken = fresh.slice(0, Math.max(0, share - entry.messages.length));
      const last = taken.at(-1);
      if (last) {
        entry.messages.push(...taken);
        entry.next = BigInt(last.offset) + 1n;
        this.buffered.set(id, entry);
        this.bufferedCount += taken.length;
        resolveOffset(last.offset);
      }
      // kafkajs came back to a partition whose share is full: every partition had its turn, so the
      // round is complete. Its unresolved records are fetched again after the flush.
      if (taken.length === 0 && entry.messages.length >= share) await this.flush();
      if (this.bufferedCount >= this.pipeline.maxRecordsPerBatch) await this.flush();
    });
  }

  /** Serialises batches, trigger flushes and rebalances. */
  private locked(work: () => Promise<void>): Promise<void> {
    const run = this.lock.then(work);
    this.lock = run.catch(() => undefined);
    return run;
  }

  private onTrigger(): Promise<void> {
    return this.locked(async () => {
      if (this.bufferedCount > 0) await this.flush();
    });
  }

  /** One micro-batch over every buffered partition: one SQLite transaction. */
  private async flush(): Promise<void> {
    const started = performance.now();
    const parts = [...this.buffered.values()];
    this.buffered.clear();
    const recordsIn = this.bufferedCount;
    this.bufferedCount = 0;
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
      for (const part of parts) this.offsets.set(`${part.topic}:${part.partition}`, part.next);
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
    } catch (error) {
      // The batch is not in the checkpoint: go back to it (and retry) rather than skip it.
      // Shown in the status while it lasts (state stays running: the batch is retried, not lost).
      this.error = `A batch failed and is retried from the checkpoint: ${error instanceof Error ? error.message : String(error)}`;
      this.deps.log?.('error', `pipeline ${this.pipeline.name}: ${this.error}`);
      if (this.operator && this.pipeline.aggregation) {
        this.operator = new AggregationOperator(this.pipeline.aggregation, this.pipeline.outputMode, { entries: this.store.state(), watermark: this.progress.watermark });
      }
      for (const part of parts) this.seekToCheckpoint(part.topic, part.partition);
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
