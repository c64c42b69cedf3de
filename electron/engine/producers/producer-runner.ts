import type { Cron } from 'croner';
import { isRegistrySerializer, type ProducerDefinition, type ProducerState, type ProducerStatus } from '../../../shared/producers.js';
import type { WorkbenchError } from '../../../shared/errors.js';
import { describeStall } from '../kafka/errors.js';
import { BatchSender } from './batch-sender.js';
import { RateLimiter } from './rate-limiter.js';
import { RateMeter } from '../rate-meter.js';
import { encodeRecord, type EncodedRecord } from './record-encoding.js';
import { checkCron, delayBeforeRun } from './schedule-timing.js';
import type { SendEngine } from './send-engine.js';
import { createSource } from './sources/create-source.js';
import type { WriterSchema } from '../schema-registry/writer-schema.js';
import { errorText, type Source } from './sources/source.js';

export interface Counts {
  sent: number;
  bytes: number;
  errors: number;
}

export interface RunnerDeps {
  /** A new (not yet connected) client for this producer: its connection, client and settings. */
  engine(): SendEngine;
  describe(error: unknown): WorkbenchError;
  /** Throws NOT_FOUND when the target topic does not exist (auto-creation is off). */
  checkTopic(): Promise<void>;
  /** The registry schema of an Avro / Protobuf / JSON Schema producer (asked once per start, only for those serializers). */
  resolveSchema(): Promise<WriterSchema>;
  onStatus(status: ProducerStatus, urgent: boolean): void;
  onCounts(counts: Counts): void;
  /**
   * Records acknowledged in this session (since the user's start), after every acknowledged batch:
   * stored at once, so a session resumed after a crash goes on counting towards its message limit.
   */
  onSessionSent(sent: number, counts: Counts): void;
  /** The producer finished on its own (count limit, stop time, end of file). */
  onFinished(): void;
  log(level: 'error' | 'warn' | 'info', message: string): void;
}

const PREVIEW = 300;
const MAX_DELIVERY_ERRORS = 20;
const MAX_CONNECT_BACKOFF = 10_000;
/** How long stop() waits for sends in flight before it gives them up (a stop answers within ~5 s). */
export const STOP_GRACE_MS = 3_500;

/** Whether `promise` settles within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const settled = promise.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([settled, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One running producer: source → key/serializer → rate limit → batch sender → Kafka, driven by its
 * schedule. `stop()` ends the schedule, waits for the run in progress and flushes every accepted
 * record before it disconnects, so nothing the status counted as accepted is dropped.
 */
export class ProducerRunner {
  readonly definition: ProducerDefinition;
  private readonly deps: RunnerDeps;
  private status: ProducerStatus;
  private readonly meter = new RateMeter();
  private loop: Promise<void> | null = null;
  private abort = new AbortController();
  private wake: (() => void) | null = null;
  private producer: SendEngine | null = null;
  /** The client being connected (a stop closes it too, so a connect stuck on an unreachable broker ends). */
  private connecting: SendEngine | null = null;
  private sender: BatchSender | null = null;
  private source: Source | null = null;
  private paused = false;
  /** Records handed to the sender in this session (the limit counts them), from `sessionSent` on a resume. */
  private sessionAccepted = 0;
  /** Records acknowledged in this session, persisted with every acknowledgement. */
  private sessionAcked = 0;
  /** When deliveries started failing (null while they succeed). */
  private failingSince: number | null = null;
  /** The source's last call threw or gave only errors; its next good answer clears the last error. */
  private sourceFailing = false;
  /** The registry schema of this run (registry serializers only). */
  private schema: WriterSchema | null = null;

  constructor(definition: ProducerDefinition, counts: Counts, deps: RunnerDeps, sessionSent = 0) {
    this.sessionAcked = sessionSent;
    this.definition = definition;
    this.deps = deps;
    this.status = {
      id: definition.id,
      state: 'stopped',
      ...counts,
      rate: 0,
      lastError: null,
      lastRecord: null,
      deliveryErrors: [],
      updatedAt: Date.now(),
    };
  }

  snapshot(): ProducerStatus {
    return { ...this.status, rate: this.status.state === 'running' ? this.meter.rate() : 0 };
  }

  get running(): boolean {
    return this.loop !== null;
  }

  /**
   * Starts, or resumes a paused producer. `resume`: the engine starts a producer that was running
   * when it stopped, so the session (and its message limit) goes on from what was acknowledged.
   */
  start(options: { resume?: boolean } = {}): void {
    if (this.paused) {
      this.paused = false;
      this.setState('running');
      this.wake?.();
      return;
    }
    if (this.loop) return;
    if (this.definition.schedule.trigger.kind === 'cron') checkCron(this.definition.schedule.trigger.expression);
    this.abort = new AbortController();
    if (options.resume !== true) {
      this.sessionAcked = 0;
      this.deps.onSessionSent(0, this.counts());
    }
    this.sessionAccepted = this.sessionAcked;
    this.status.lastError = null;
    this.setState('starting');
    this.loop = this.run(this.abort.signal)
      .catch((error: unknown) => {
        this.fail(error);
        this.setState('failed');
      })
      .finally(() => {
        this.loop = null;
      });
  }

  pause(): void {
    if (!this.loop || this.paused) return;
    this.paused = true;
    this.setState('paused');
    this.wake?.();
  }

  /**
   * Stops after the run in progress, flushing what was accepted — for STOP_GRACE_MS at most: sends
   * stuck on an unreachable broker (the client retries them for minutes) are then given up, counted
   * as errors, and the client closed, so a stop answers in seconds, not after the client's retries.
   */
  async stop(finalState: ProducerState = 'stopped'): Promise<void> {
    this.paused = false;
    this.abort.abort();
    this.wake?.();
    const loop = this.loop;
    if (loop && !(await settlesWithin(loop, STOP_GRACE_MS))) {
      this.deps.log(
        'warn',
        `producer ${this.definition.name}: stopping without waiting any longer for the broker; records not yet acknowledged are counted as errors`,
      );
      await Promise.allSettled([this.producer?.disconnect(), this.connecting?.disconnect()]);
      await settlesWithin(loop, 1_000);
    }
    this.setState(finalState);
  }

  private async run(signal: AbortSignal): Promise<void> {
    const def = this.definition;
    const source = createSource(def.source);
    // A resumed session goes on where its acknowledged records end (0 on a fresh start).
    if (this.sessionAcked > 0) source.resumeAfter?.(this.sessionAcked);
    this.source = source;
    const cron: Cron | null = def.schedule.trigger.kind === 'cron' ? checkCron(def.schedule.trigger.expression) : null;
    try {
      if (!(await this.connect(signal))) return;
      const limiter = new RateLimiter(def.config.rateLimit);
      let lastRunStart: number | null = null;
      let sourceWaitMs = 0;
      while (!signal.aborted) {
        if (this.paused) {
          await this.sleep(Number.POSITIVE_INFINITY, signal, () => !this.paused);
          continue;
        }
        if (this.finishedByLimits()) break;
        const self = source.selfPaced ? { ...def.schedule, trigger: { kind: 'continuous' as const } } : def.schedule;
        const delay = delayBeforeRun(self, { now: Date.now(), lastRunStart, sourceWaitMs, cron });
        const stopAt = def.schedule.stopAt;
        const untilStop = stopAt === null ? Number.POSITIVE_INFINITY : stopAt - Date.now();
        const due = Date.now() + delay;
        await this.sleep(Math.min(delay, untilStop), signal, () => this.paused);
        if (signal.aborted || this.paused) continue;
        // Node timers may fire a millisecond early; a cron run must not start before its second.
        if (cron && Date.now() < due && Date.now() < (stopAt ?? Number.POSITIVE_INFINITY)) continue;
        if (this.finishedByLimits()) break;
        lastRunStart = Date.now();
        const done = await this.runOnce(limiter, signal, (wait) => (sourceWaitMs = wait));
        if (done) break;
      }
      if (!signal.aborted) {
        await this.sender?.flush();
        this.setState('finished');
        this.deps.onFinished();
      }
    } finally {
      await this.sender?.flush().catch(() => undefined);
      this.deps.onCounts(this.counts());
      await this.producer?.disconnect().catch(() => undefined);
      this.producer = null;
      this.sender = null;
      source.dispose?.();
    }
  }

  /** Connects, retrying with back-off while the broker is unreachable ("waiting" with the reason). */
  private async connect(signal: AbortSignal): Promise<boolean> {
    const { config } = this.definition;
    let backoff = 1000;
    let waitingSince: number | null = null;
    let lastLogged: string | null = null;
    while (!signal.aborted) {
      const producer = this.deps.engine();
      this.connecting = producer;
      try {
        await producer.connect();
        try {
          await this.deps.checkTopic();
          this.schema = isRegistrySerializer(this.definition.serializer) ? await this.resolveSchema() : null;
        } catch (error) {
          await producer.disconnect().catch(() => undefined);
          throw error;
        }
        this.producer = producer;
        this.sender = new BatchSender(producer, config, {
          onAcked: (records) => this.acked(records),
          onFailed: (records, error) => this.failed(records, error),
        });
        this.connecting = null;
        // Connected: the "cannot connect … retrying" of the waits before is history (kept in the log).
        if (waitingSince !== null) this.status.lastError = null;
        this.setState(this.paused ? 'paused' : 'running');
        return true;
      } catch (error) {
        this.connecting = null;
        await producer.disconnect().catch(() => undefined);
        if (signal.aborted) return false;
        // A missing topic or an unusable schema will not change by waiting: fail with the reason.
        if (error instanceof SchemaSetupError) throw error.cause;
        const described = this.deps.describe(error);
        if (described.code === 'NOT_FOUND') throw described;
        waitingSince ??= Date.now();
        this.status.lastError = `${describeStall(described, waitingSince)} in ${Math.round(backoff / 1000)} s`;
        // Said once per distinct reason, so the log shows why a producer waits without one line per retry.
        if (described.message !== lastLogged)
          this.deps.log('warn', `producer ${this.definition.name}: cannot connect: ${described.message} (${described.detail ?? ''})`);
        lastLogged = described.message;
        this.setState('waiting');
        await this.sleep(backoff, signal, () => false);
        backoff = Math.min(backoff * 2, MAX_CONNECT_BACKOFF);
      }
    }
    return false;
  }

  /**
   * The schema id for this run. An unreachable registry is waited for like the broker; any other
   * registry answer (no such subject, invalid schema, login refused) fails the start.
   */
  private async resolveSchema(): Promise<WriterSchema> {
    try {
      return await this.deps.resolveSchema();
    } catch (error) {
      const described = this.deps.describe(error);
      if (described.code === 'BROKER_UNREACHABLE') throw described;
      throw new SchemaSetupError(described);
    }
  }

  /** One run: `perRun` calls of the source; returns true when the source is done. */
  private async runOnce(limiter: RateLimiter, signal: AbortSignal, setWait: (ms: number) => void): Promise<boolean> {
    const { schedule } = this.definition;
    for (let i = 0; i < schedule.perRun && !signal.aborted; i++) {
      let batch;
      try {
        batch = await (this.source as Source).next();
      } catch (error) {
        this.fail(error);
        this.sourceFailing = true;
        return false;
      }
      setWait(batch.waitMs ?? 0);
      for (const error of batch.errors) this.fail(error);
      // A call that gave only errors (an HTTP poll answered 500) is a failing source; the next call that
      // gives records and no errors means it answers again: its last error is history (kept in deliveryErrors).
      if (batch.records.length === 0 && batch.errors.length > 0) this.sourceFailing = true;
      else if (this.sourceFailing && batch.errors.length === 0 && batch.records.length > 0) {
        this.sourceFailing = false;
        if (this.failingSince === null) {
          this.status.lastError = null;
          this.emit(true);
        }
      }
      for (const record of batch.records) {
        if (this.finishedByLimits()) return true;
        const wait = limiter.delayFor(1);
        if (wait > 0) await this.sleep(wait, signal, () => false);
        let encoded: EncodedRecord;
        try {
          encoded = encodeRecord(record, this.definition, this.schema);
        } catch (error) {
          this.fail(error);
          continue;
        }
        try {
          const sender = this.sender as BatchSender;
          if (!sender.tryAdd(encoded)) await sender.add(encoded);
          this.sessionAccepted++;
        } catch (error) {
          this.fail(error);
        }
      }
      if (batch.done) return true;
    }
    return false;
  }

  private finishedByLimits(): boolean {
    const { maxMessages, stopAt } = this.definition.schedule;
    return (maxMessages > 0 && this.sessionAccepted >= maxMessages) || (stopAt !== null && Date.now() >= stopAt);
  }

  private acked(records: EncodedRecord[]): void {
    // Delivering again: the last error is history now (kept in deliveryErrors).
    if (this.failingSince !== null) {
      this.failingSince = null;
      this.status.lastError = null;
    }
    this.sessionAcked += records.length;
    this.status.sent += records.length;
    this.status.bytes += records.reduce((n, r) => n + r.size, 0);
    this.deps.onSessionSent(this.sessionAcked, this.counts());
    const last = records[records.length - 1];
    if (last) this.status.lastRecord = last.preview.length > PREVIEW ? `${last.preview.slice(0, PREVIEW)}…` : last.preview;
    this.meter.add(records.length);
    this.emit(false);
  }

  private failed(records: EncodedRecord[], error: unknown): void {
    const message = this.deps.describe(error).message;
    this.failingSince ??= Date.now();
    const since = `${new Date(this.failingSince).toISOString().slice(11, 19)} UTC`;
    this.status.errors += records.length - 1; // fail() adds the last one
    this.fail(`${records.length} record(s) not delivered (deliveries failing since ${since}): ${message}`);
  }

  private fail(error: unknown): void {
    const message = typeof error === 'string' ? error : errorText(error);
    this.status.errors++;
    this.status.lastError = message;
    this.status.deliveryErrors = [{ at: Date.now(), message }, ...this.status.deliveryErrors].slice(0, MAX_DELIVERY_ERRORS);
    this.deps.log('warn', `producer ${this.definition.name}: ${message}`);
    this.emit(true);
  }

  private counts(): Counts {
    return { sent: this.status.sent, bytes: this.status.bytes, errors: this.status.errors };
  }

  /** Resets the counters (only while stopped). */
  resetCounts(): void {
    Object.assign(this.status, { sent: 0, bytes: 0, errors: 0, lastError: null, lastRecord: null, deliveryErrors: [] });
    this.deps.onCounts(this.counts());
    this.emit(true);
  }

  private setState(state: ProducerState): void {
    if (this.status.state === state) return;
    this.status.state = state;
    this.emit(true);
  }

  private emit(urgent: boolean): void {
    this.status.updatedAt = Date.now();
    this.deps.onStatus(this.snapshot(), urgent);
  }

  /** Sleeps up to `ms`, waking early on abort or when `until()` turns true after a wake-up. */
  private sleep(ms: number, signal: AbortSignal, until: () => boolean): Promise<void> {
    if (ms <= 0 || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wake = null;
        resolve();
      };
      const timer = Number.isFinite(ms) ? setTimeout(done, Math.min(ms, 2 ** 31 - 1)) : undefined;
      signal.addEventListener('abort', done, { once: true });
      this.wake = () => {
        if (until()) done();
      };
    });
  }
}

/** A registry answer that retrying will not change; carries the user-facing error. */
class SchemaSetupError extends Error {
  override readonly cause: WorkbenchError;

  constructor(cause: WorkbenchError) {
    super(cause.message);
    this.cause = cause;
  }
}
