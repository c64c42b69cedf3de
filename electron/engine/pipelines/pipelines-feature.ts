import { randomUUID } from 'node:crypto';
import { WorkbenchError } from '../../../shared/errors.js';
import {
  pipelineInputSchema,
  pipelineLimitsProblem,
  type Pipeline,
  type PipelineSpec,
  type PipelineStatus,
  type ResultsPage,
} from '../../../shared/pipelines.js';
import type { EngineContext, EngineFeature } from '../context.js';
import type { Handlers } from '../dispatch.js';
import { describeKafkaError } from '../kafka/errors.js';
import { runBatch } from './batch-runner.js';
import { changelogTopic, deleteChangelog } from './changelog.js';
import { CheckpointStore } from '../store/checkpoint-store.js';
import { PipelineRunner } from './pipeline-runner.js';
import { REGISTRY_NEEDED } from './record-processor.js';
import { idleStatus } from './pipeline-status.js';
import { findPipeline, getPipeline, pipelinesRepo } from '../store/pipelines-repo.js';
import { pipelineResultsRepo, type StoredResult } from '../store/pipeline-results-repo.js';
import { countRows, newestRows, tableExists } from '../store/user-tables.js';
import { databaseDriver } from '../sinks/database-engines.js';
import { databaseConnectionsOf, databaseTarget } from '../sinks/databases-feature.js';

/** A pipeline that was running at the last quit but cannot start yet is tried again after 5 s, doubling up to a minute. */
const RESUME_RETRY_MS = 5_000;
const RESUME_RETRY_MAX_MS = 60_000;

type PipelineMethod =
  | 'pipelines:list'
  | 'pipelines:save'
  | 'pipelines:remove'
  | 'pipelines:start'
  | 'pipelines:stop'
  | 'pipelines:status'
  | 'pipelines:results'
  | 'pipelines:runBatch';

/** Saved pipelines, their runners (id → runner registry) and the result pages the UI reads. */
export class PipelinesFeature implements EngineFeature<PipelineMethod> {
  private readonly context: EngineContext;
  private readonly runners = new Map<string, PipelineRunner>();
  /** Settles when every pipeline that was running at the last quit is running again (or no longer wanted). */
  readonly resumed: Promise<void> = Promise.resolve();
  private disposed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;

  /**
   * Pipelines the user left running (a stored wanted state, kept when the engine quits) start
   * again with the engine, as producers do; `resume: false` leaves them alone and records no
   * wanted state (the pipeline CLI: a headless run must neither start the app's pipelines a second
   * time nor decide what the app resumes).
   */
  constructor(context: EngineContext, options: { resume?: boolean } = {}) {
    this.context = context;
    this.recordsWanted = options.resume !== false;
    if (this.recordsWanted) this.resumed = this.resume();
  }

  private readonly recordsWanted: boolean;

  handlers(): Pick<Handlers, PipelineMethod> {
    return {
      'pipelines:list': () => this.list(),
      'pipelines:save': (input) => this.save(input),
      'pipelines:remove': async ({ id, deleteChangelog }) => {
        await this.runners.get(id)?.stop();
        this.runners.delete(id);
        // Before the pipeline goes: a refused or failed deletion leaves everything as it was, to retry.
        const pipeline = this.find(id);
        const changelog = deleteChangelog && pipeline?.scaleOut ? await this.removeChangelog(pipeline) : undefined;
        new CheckpointStore(this.context.db, id).clear();
        const removed = pipelinesRepo(this.context.db).remove(id);
        return changelog ? { removed, changelog } : { removed };
      },
      'pipelines:start': async ({ id }) => {
        const status = await this.start(id);
        this.setDesired(id, 'running');
        return status;
      },
      'pipelines:stop': async ({ id }) => {
        this.setDesired(id, 'stopped');
        const runner = this.runners.get(id);
        if (!runner) return this.idle(id);
        await runner.stop();
        return runner.status();
      },
      'pipelines:status': ({ id }) => this.runners.get(id)?.status() ?? this.idle(id),
      'pipelines:results': ({ id, offset, limit, orderBy }) => this.results(id, offset, limit, orderBy),
      'pipelines:runBatch': async ({ id, aggregation, table, folder, formats }) => {
        const pipeline = this.get(id);
        try {
          return await runBatch({
            db: this.context.db,
            kafka: this.context.kafka.options(pipeline.connectionId),
            pipeline,
            aggregation,
            table,
            folder,
            formats,
            log: this.context.log,
            registry: this.context.registry.client(pipeline.connectionId),
          });
        } catch (error) {
          throw this.describe(pipeline.connectionId, error);
        }
      },
    };
  }

  private async start(id: string): Promise<PipelineStatus> {
    const existing = this.runners.get(id);
    if (existing && existing.status().state === 'running') return existing.status();
    const pipeline = this.get(id);
    const credentials = this.context.s3Credentials;
    const runner = new PipelineRunner({
      db: this.context.db,
      kafka: this.context.kafka.options(pipeline.connectionId),
      pipeline,
      resolveS3: (target) => credentials.resolve(target),
      pendingAborts: this.context.pendingAborts,
      openDatabaseSink: (spec, table) =>
        databaseDriver(spec.engine).open(databaseTarget(this.context, spec.databaseConnectionId), table, pipeline.id),
      onStatus: (status) => this.context.events.emit('pipelines:status', status),
      onResults: (notice) => this.context.events.emit('pipelines:resultsChanged', notice),
      log: this.context.log,
      registry: this.context.registry.client(pipeline.connectionId),
    });
    this.runners.set(id, runner);
    try {
      await runner.start();
    } catch (error) {
      throw this.describe(pipeline.connectionId, error);
    }
    return runner.status();
  }

  /**
   * Starts the pipelines whose wanted state is running (they were running when the engine last
   * stopped). One that cannot start yet (its broker is down, e.g. the local cluster is still
   * starting) is tried again, with back-off, until it runs or the user stops or removes it.
   */
  private async resume(): Promise<void> {
    for (let delay = RESUME_RETRY_MS; ; delay = Math.min(delay * 2, RESUME_RETRY_MAX_MS)) {
      const waiting = pipelinesRepo(this.context.db)
        .desiredRunning()
        .filter(({ id }) => this.runners.get(id)?.status().state !== 'running');
      let failed = 0;
      for (const { id, name } of waiting) {
        if (this.disposed) return;
        try {
          await this.start(id);
          this.context.log('info', `pipeline ${name}: resumed (it was running when the engine last stopped)`);
        } catch (error) {
          failed += 1;
          this.context.log(
            'error',
            `resuming pipeline ${name} (trying again in ${delay / 1000} s): ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      }
      if (failed === 0 || this.disposed) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.retryTimer = setTimeout(resolve, delay);
      });
    }
  }

  private setDesired(id: string, desired: 'running' | 'stopped'): void {
    this.get(id);
    if (!this.recordsWanted) return;
    pipelinesRepo(this.context.db).setDesired(id, desired);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.retryTimer);
    this.wake?.();
    await Promise.all([...this.runners.values()].map((runner) => runner.stop()));
    this.runners.clear();
  }

  private list(): Pipeline[] {
    return pipelinesRepo(this.context.db).list();
  }

  private get(id: string): Pipeline {
    return getPipeline(this.context.db, id);
  }

  /**
   * The spec is stored unencrypted: S3 keys never go in (the schema refuses them; checked again
   * here, right before the write), and a saved-credentials reference must name existing ones.
   */
  private checkS3Credentials(sinks: Pipeline['sinks']): void {
    const credentials = this.context.s3Credentials;
    for (const sink of sinks) {
      if (sink.kind !== 'files' || sink.target.kind !== 's3') continue;
      if (sink.target.credentials.mode === 'keys') {
        throw new WorkbenchError(
          'VALIDATION',
          'A pipeline does not store S3 keys: save them under Exports → S3 credentials and choose them by name, or use the default AWS chain',
        );
      }
      if (sink.target.credentials.mode === 'saved') credentials.name(sink.target.credentials.id);
    }
  }

  private find(id: string): Pipeline | null {
    return findPipeline(this.context.db, id);
  }

  private save(input: Parameters<Handlers['pipelines:save']>[0]): Pipeline {
    const spec = pipelineInputSchema.parse(input);
    const tooLarge = pipelineLimitsProblem(spec);
    if (tooLarge !== null) throw new WorkbenchError('VALIDATION', tooLarge);
    this.checkS3Credentials(spec.sinks);
    if (spec.outputMode === 'append' && !(spec.aggregation?.window && spec.aggregation.watermarkDelayMs !== undefined)) {
      // Spark's UnsupportedOperationChecker: append with an aggregation needs a watermark.
      if (spec.aggregation) throw new WorkbenchError('VALIDATION', 'Append mode needs a window and a watermark delay (as in Spark)');
    }
    if (spec.outputMode === 'complete' && !spec.aggregation) {
      throw new WorkbenchError('VALIDATION', 'Complete mode needs an aggregation (as in Spark)');
    }
    if (spec.scaleOut && spec.topics.length !== 1) {
      throw new WorkbenchError(
        'VALIDATION',
        'Scale-out reads one source topic (its state is kept per partition of that topic); split the pipeline per topic',
      );
    }
    this.checkDatabaseSinks(spec);
    if (spec.decoder === 'registry' && this.context.registry.client(spec.connectionId) === null)
      throw new WorkbenchError('VALIDATION', REGISTRY_NEEDED);
    if (spec.scaleOut && spec.sinks.some((s) => s.kind === 'files')) {
      throw new WorkbenchError(
        'VALIDATION',
        'File sinks are not available with scale-out yet: use a Kafka output topic (written in the same transaction as the state)',
      );
    }
    const now = Date.now();
    const id = spec.id ?? randomUUID();
    if (this.runners.get(id)?.status().state === 'running') throw new WorkbenchError('CONFLICT', 'Stop the pipeline before editing it');
    // An id not seen yet is a new pipeline with a chosen id (e.g. one run from a JSON file).
    const previous = spec.id ? this.find(spec.id) : null;
    const pipeline: Pipeline = { ...spec, id, createdAt: previous?.createdAt ?? now, updatedAt: now };
    pipelinesRepo(this.context.db).save(pipeline, now);
    return pipeline;
  }

  /** A changelog is shared by every scale-out pipeline of the same group: kept while another saved one uses it. */
  private async removeChangelog(pipeline: Pipeline): Promise<{ topic: string; deleted: boolean; reason: string | null }> {
    const sharing = this.list().find(
      (p) => p.id !== pipeline.id && p.scaleOut && p.connectionId === pipeline.connectionId && p.groupId === pipeline.groupId,
    );
    if (sharing)
      return { topic: changelogTopic(pipeline.groupId), deleted: false, reason: `pipeline ${sharing.name} uses the same group id` };
    try {
      return await this.context.kafka.admin(pipeline.connectionId, (admin) => deleteChangelog(admin, pipeline.groupId));
    } catch (error) {
      throw this.describe(pipeline.connectionId, error);
    }
  }

  /** The user-facing form of a client error (a WorkbenchError passes through). */
  /** A database sink names a saved connection of its engine; one per pipeline; not with scale-out (its offsets live in Kafka). */
  private checkDatabaseSinks(spec: PipelineSpec): void {
    const sinks = spec.sinks.filter((s) => s.kind === 'database');
    if (sinks.length === 0) return;
    if (sinks.length > 1) throw new WorkbenchError('VALIDATION', 'A pipeline writes to one database table at most');
    const [sink] = sinks;
    if (!sink) return;
    if (spec.scaleOut) {
      throw new WorkbenchError(
        'VALIDATION',
        `A scale-out pipeline cannot write to ${sink.engine} (its offsets live in Kafka); turn scale-out off`,
      );
    }
    const connection = databaseConnectionsOf(this.context).get(sink.databaseConnectionId);
    if (connection.engine !== sink.engine) {
      throw new WorkbenchError('VALIDATION', `Database connection "${connection.name}" is ${connection.engine}, not ${sink.engine}`);
    }
  }

  private describe(connectionId: string, error: unknown): WorkbenchError {
    return describeKafkaError(error, this.context.kafka.connection(connectionId).bootstrapServers);
  }

  private idle(id: string): PipelineStatus {
    return idleStatus(id, new CheckpointStore(this.context.db, this.get(id).id).progress());
  }

  /** Aggregations page through `pipeline_results`; projection-only pipelines through their table. */
  private results(id: string, offset: number, limit: number, orderBy?: string): ResultsPage {
    const pipeline = this.get(id);
    const db = this.context.db;
    if (pipeline.aggregation) {
      const results = pipelineResultsRepo(db);
      const total = results.count(id);
      const names = pipeline.aggregation.aggregates.map((a) => a.as);
      let rows: StoredResult[];
      if (orderBy === undefined) {
        rows = results.newestFirst(id, limit, offset);
      } else {
        if (!names.includes(orderBy)) {
          throw new WorkbenchError('VALIDATION', `"${orderBy}" is not an aggregate of this pipeline; order by one of ${names.join(', ')}`);
        }
        rows = results.byAggregate(id, orderBy, limit, offset);
      }
      const windowed = pipeline.aggregation.window !== undefined;
      return {
        columns: [...pipeline.aggregation.groupBy, ...(windowed ? ['window_start', 'window_end'] : []), ...names],
        rows: rows.map((row) => {
          const values = JSON.parse(row.values_json) as Record<string, string | number | boolean | null>;
          const window = windowed
            ? [
                row.window_start === null ? null : new Date(row.window_start).toISOString(),
                row.window_end === null ? null : new Date(row.window_end).toISOString(),
              ]
            : [];
          return [
            ...(JSON.parse(row.group_json) as (string | number | boolean | null)[]),
            ...window,
            ...names.map((n) => values[n] ?? null),
          ];
        }),
        total,
      };
    }
    if (orderBy !== undefined) {
      throw new WorkbenchError(
        'VALIDATION',
        `This pipeline has no aggregation: its rows come newest first and cannot be ordered by "${orderBy}"`,
      );
    }
    const sink = pipeline.sinks.find((s) => s.kind === 'sqlite-table');
    if (!sink || sink.kind !== 'sqlite-table') return { columns: [], rows: [], total: 0 };
    if (!tableExists(db, sink.table)) return { columns: [], rows: [], total: 0 };
    return { ...newestRows(db, sink.table, limit, offset), total: countRows(db, sink.table) };
  }
}
