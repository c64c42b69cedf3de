import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { BatchReport, ExportFormat, ExportSource, ExportTarget, S3Target } from '../../../shared/exports.js';
import { sensorsBatchReport } from '../../../shared/pipelines.js';
import { describeKafkaError } from '../kafka/errors.js';
import { openBatchReportSource, type BatchReportSource } from '../pipelines/batch-report-source.js';
import { openPipelineResultsSource } from '../pipelines/results-source.js';
import { getPipeline } from '../store/pipelines-repo.js';
import { describeSystemError } from '../system-errors.js';
import type { MethodParsedInput } from '../../../shared/contract.js';
import type { Handlers } from '../dispatch.js';
import type { EngineContext, EngineFeature } from '../context.js';
import { ExportHistory } from '../store/export-history.js';
import { ExportJob, type JobFile } from './export-job.js';
import { openTableSource } from './sources/table-source.js';
import { openTopicSource } from './sources/topic-source.js';
import type { ExportSourceHandle } from './sources/types.js';
import { type PendingAborts } from './targets/pending-aborts.js';
import type { S3Credentials } from '../store/s3-credentials.js';
import { createFolder, openLocalOutput, sweepTempFile } from './targets/local-folder.js';
import { createBucket } from './targets/s3-bucket.js';
import { endpointLabel, objectKey } from './targets/s3-client.js';
import { openS3Output } from './targets/s3-output.js';
import type { PendingOutput } from './targets/types.js';

const REPORTS_KEPT = 20;
import { fileExtension } from './writers/create-writer.js';

export type ExportMethodName =
  | 'exports:start'
  | 'exports:cancel'
  | 'exports:jobs'
  | 'exports:batchReport'
  | 'exports:history'
  | 'exports:createBucket'
  | 'exports:createFolder'
  | 'exports:listCredentials'
  | 'exports:saveCredentials'
  | 'exports:removeCredentials'
  | 'exports:retryAborts';

const pad = (n: number) => String(n).padStart(2, '0');
function stamp(at: Date): string {
  return `${at.getUTCFullYear()}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}-${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}`;
}

const isBatchReport = (source: ExportSourceHandle): source is BatchReportSource => 'report' in source;

export function describeTarget(target: ExportTarget): string {
  return target.kind === 'local' ? `folder ${target.folder}` : `s3://${target.bucket}/${target.prefix} (${endpointLabel(target)})`;
}

export function describeFormat(format: ExportFormat): string {
  if (format.kind === 'parquet') return `parquet ${format.codec} ${format.timestampUnit}`;
  if (format.kind === 'csv') return `csv ${JSON.stringify(format.delimiter)}`;
  return 'jsonl';
}

function describeSource(source: ExportSource): string {
  if (source.kind === 'table') return `table ${source.table}`;
  if (source.kind === 'pipeline-results') return `results of pipeline ${source.pipelineId}`;
  if (source.kind === 'batch-report') return `batch report of pipeline ${source.pipelineId}`;
  const parts = source.partitions.length > 0 ? ` partitions ${source.partitions.join(',')}` : '';
  return `topic ${source.topic}${parts} [${source.fromOffset ?? 'earliest'}, ${source.toOffset ?? 'end'})`;
}

/** The exports feature: starts jobs, keeps them in a registry, records history, cancels all on dispose. */
export class ExportsFeature implements EngineFeature<ExportMethodName> {
  private readonly jobs = new Map<string, { job: ExportJob; done: Promise<void> }>();
  private readonly history: ExportHistory;
  /** The latest finished batch reports by job id (their rows for the pipeline panel); at most REPORTS_KEPT. */
  private readonly reports = new Map<string, BatchReport>();
  readonly credentials: S3Credentials;
  readonly pendingAborts: PendingAborts;

  constructor(private readonly context: EngineContext) {
    this.history = new ExportHistory(context.db);
    this.credentials = context.s3Credentials;
    this.pendingAborts = context.pendingAborts;
    this.recoverInterrupted();
    this.pendingAborts.resumeAfterRestart();
  }

  /**
   * Jobs still "running" in the history belong to a process that died (kill -9, crash): remove the
   * temp file each local one left (only the exact name it was given, `.<file>.<job id>.partial`) and
   * mark the row failed. S3 uploads they left are aborted by PendingAborts.
   */
  private recoverInterrupted(): void {
    for (const row of this.history.interrupted()) {
      let note = 'nothing was written under the final name';
      if (row.target.startsWith('folder ')) {
        try {
          if (sweepTempFile(row.location, row.id)) note = 'its temp file was removed and nothing was written under the final name';
        } catch (error) {
          note = `its temp file could not be removed (${String(error)}); nothing was written under the final name`;
        }
      } else {
        note = 'no object was completed under the key; an unfinished upload is aborted';
      }
      this.history.markInterrupted(row.id, `Interrupted: the app stopped during this export; ${note}`);
      this.context.log('warn', `export ${row.id} was interrupted by a stop of the app; ${note}`);
    }
  }

  handlers(): Pick<Handlers, ExportMethodName> {
    return {
      'exports:start': (input) => this.start(input),
      'exports:cancel': ({ jobId }) => {
        const entry = this.jobs.get(jobId);
        entry?.job.cancel();
        return { cancelled: entry !== undefined };
      },
      'exports:jobs': () => [...this.jobs.values()].map(({ job }) => job.snapshot()),
      'exports:batchReport': ({ jobId }) => this.reports.get(jobId) ?? null,
      'exports:history': ({ limit }) => this.history.list(limit),
      'exports:createBucket': (target) => createBucket(this.credentials.resolve(target)),
      'exports:createFolder': ({ folder }) => createFolder(folder),
      'exports:listCredentials': () => this.credentials.list(),
      'exports:saveCredentials': (input) => this.credentials.save(input),
      'exports:removeCredentials': ({ id }) => ({ removed: this.credentials.remove(id) }),
      'exports:retryAborts': async () => {
        await this.pendingAborts.retryNow();
        return { pending: this.pendingAborts.count() };
      },
    };
  }

  /** Resolves when the job has finished (tests and dispose use it). */
  whenDone(jobId: string): Promise<void> {
    return this.jobs.get(jobId)?.done ?? Promise.resolve();
  }

  async dispose(): Promise<void> {
    const running = [...this.jobs.values()];
    for (const { job } of running) job.cancel();
    await Promise.all(running.map(({ done }) => done));
    await this.pendingAborts.dispose();
  }

  private async start(request: MethodParsedInput<'exports:start'>): Promise<{ jobId: string; location: string }> {
    const id = randomUUID();
    const startedAt = new Date();
    const formats = [request.format, ...request.extraFormats];
    const timestampUnit = request.format.kind === 'parquet' ? request.format.timestampUnit : 'ms';
    const entry = {
      id,
      source: describeSource(request.source),
      format: formats.map(describeFormat).join(' + '),
      target: describeTarget(request.target),
      location: request.target.kind === 'local' ? request.target.folder : `s3://${request.target.bucket}/${request.target.prefix}`,
      startedAt: startedAt.getTime(),
    };
    const files: JobFile[] = [];
    let source: ExportSourceHandle;
    try {
      source = await this.openSource(request.source, timestampUnit);
      if (source.title !== undefined) entry.source = source.title;
      const base = request.name ?? source.fileBase ?? `${source.label.replace(/[^A-Za-z0-9._-]/g, '_')}-${stamp(startedAt)}`;
      const target = request.target;
      const names = formats.map((format) => `${base}.${fileExtension(format)}`);
      if (target.kind === 'local') {
        entry.location = names.map((name) => join(target.folder, name)).join(', ');
        for (const [i, format] of formats.entries())
          files.push({ format, output: await openLocalOutput(target.folder, names[i] ?? '', { tempTag: id }) });
      } else {
        const keys = names.map((name) => objectKey(target.prefix, name, startedAt));
        entry.location = keys.map((key) => `s3://${target.bucket}/${key}`).join(', ');
        const resolved = this.credentials.resolve(target);
        for (const [i, format] of formats.entries()) files.push({ format, output: await this.openS3(id, resolved, keys[i] ?? '') });
      }
    } catch (error) {
      for (const f of files) await f.output.abort().catch(() => undefined);
      // A job that never wrote is still a job the user asked for: the history says why it failed.
      const system = describeSystemError(error);
      const reason = system ? system.message : error instanceof Error ? error.message : String(error);
      this.history.failedBeforeStart(entry, reason);
      this.context.events.emit('exports:progress', {
        jobId: id,
        status: 'failed',
        rows: 0,
        bytes: 0,
        percent: null,
        location: entry.location,
        error: reason,
      });
      this.context.log('warn', `export ${id} failed before it started: ${reason}`);
      throw error;
    }
    const job = new ExportJob(id, source, files, {
      progress: (progress) => this.context.events.emit('exports:progress', progress),
    });
    this.history.start({ ...entry, location: job.location });
    const done = job.run().then(() => {
      this.history.finish(id, {
        status: job.status === 'running' ? 'failed' : job.status,
        rows: job.rows,
        bytes: job.bytes,
        error: job.error ?? null,
      });
      const report = isBatchReport(source) ? source.report() : null;
      if (report !== null && job.status === 'done') this.keepReport(id, { ...report, files: files.map((f) => f.output.location) });
      this.jobs.delete(id);
      this.context.log('info', `export ${id} ${job.status}: ${job.rows} rows, ${job.bytes} bytes → ${job.location}`);
    });
    this.jobs.set(id, { job, done });
    return { jobId: id, location: job.location };
  }

  private keepReport(jobId: string, report: BatchReport): void {
    this.reports.set(jobId, report);
    for (const old of this.reports.keys()) {
      if (this.reports.size <= REPORTS_KEPT) break;
      this.reports.delete(old);
    }
  }

  private async openSource(source: ExportSource, timestampUnit: 'ms' | 'us'): Promise<ExportSourceHandle> {
    switch (source.kind) {
      case 'topic':
        return openTopicSource(this.context.kafka, source, timestampUnit);
      case 'table':
        return openTableSource(this.context.db, source.table);
      case 'pipeline-results':
        return openPipelineResultsSource(this.context.db, getPipeline(this.context.db, source.pipelineId), timestampUnit);
      case 'batch-report': {
        const pipeline = getPipeline(this.context.db, source.pipelineId);
        try {
          return await openBatchReportSource({
            db: this.context.db,
            kafka: this.context.kafka.options(pipeline.connectionId),
            pipeline,
            ...(source.report === 'sensors' ? { aggregation: sensorsBatchReport, reportName: 'per sensor' } : {}),
            table: source.table,
            timestampUnit,
            log: this.context.log,
            registry: this.context.registry.client(pipeline.connectionId),
          });
        } catch (error) {
          throw describeKafkaError(error, this.context.kafka.connection(pipeline.connectionId).bootstrapServers);
        }
      }
    }
  }

  private async openS3(jobId: string, target: S3Target, key: string): Promise<PendingOutput> {
    const aborts = this.pendingAborts;
    const output = await openS3Output(target, key, { tracker: aborts.trackerFor(target, key, jobId) });
    // An endpoint answered (its bucket check passed): aborts that waited for it need not wait for the backoff.
    if (aborts.count() > 0) void aborts.retryNow();
    return output;
  }
}
