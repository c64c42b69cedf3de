import { randomUUID } from 'node:crypto';
import type { ExportFormat, ExportSource, ExportTarget } from '../../../shared/exports.js';
import type { MethodParsedInput } from '../../../shared/contract.js';
import type { Handlers } from '../dispatch.js';
import type { EngineContext, EngineFeature } from '../context.js';
import { ExportHistory } from './export-history.js';
import { ExportJob } from './export-job.js';
import { openTableSource } from './sources/table-source.js';
import { openTopicSource } from './sources/topic-source.js';
import type { ExportSourceHandle } from './sources/types.js';
import { openLocalOutput } from './targets/local-folder.js';
import { createBucket } from './targets/s3-bucket.js';
import { endpointLabel, objectKey } from './targets/s3-client.js';
import { openS3Output } from './targets/s3-output.js';
import type { PendingOutput } from './targets/types.js';
import { fileExtension } from './writers/create-writer.js';

export type ExportMethodName = 'exports:start' | 'exports:cancel' | 'exports:jobs' | 'exports:history' | 'exports:create-bucket';

const pad = (n: number) => String(n).padStart(2, '0');
function stamp(at: Date): string {
  return `${at.getUTCFullYear()}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}-${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}`;
}

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
  const parts = source.partitions.length > 0 ? ` partitions ${source.partitions.join(',')}` : '';
  return `topic ${source.topic}${parts} [${source.fromOffset ?? 'earliest'}, ${source.toOffset ?? 'end'})`;
}

/** The exports feature: starts jobs, keeps them in a registry, records history, cancels all on dispose. */
export class ExportsFeature implements EngineFeature<ExportMethodName> {
  private readonly jobs = new Map<string, { job: ExportJob; done: Promise<void> }>();
  private readonly history: ExportHistory;

  constructor(private readonly context: EngineContext) {
    this.history = new ExportHistory(context.db);
    this.history.markInterrupted();
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
      'exports:history': ({ limit }) => this.history.list(limit),
      'exports:create-bucket': (target) => createBucket(target),
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
  }

  private async start(request: MethodParsedInput<'exports:start'>): Promise<{ jobId: string; location: string }> {
    const startedAt = new Date();
    const timestampUnit = request.format.kind === 'parquet' ? request.format.timestampUnit : 'ms';
    const source: ExportSourceHandle =
      request.source.kind === 'topic'
        ? await openTopicSource(this.context.kafka, request.source, timestampUnit)
        : openTableSource(this.context.db, request.source.table);
    const base = request.name ?? `${source.label.replace(/[^A-Za-z0-9._-]/g, '_')}-${stamp(startedAt)}`;
    const fileName = `${base}.${fileExtension(request.format)}`;
    const output: PendingOutput =
      request.target.kind === 'local'
        ? await openLocalOutput(request.target.folder, fileName)
        : await openS3Output(request.target, objectKey(request.target.prefix, fileName, startedAt));
    const id = randomUUID();
    this.history.start({
      id,
      source: describeSource(request.source),
      format: describeFormat(request.format),
      target: describeTarget(request.target),
      location: output.location,
      startedAt: startedAt.getTime(),
    });
    const job = new ExportJob(id, source, request.format, output, {
      progress: (progress) => this.context.events.emit('exports:progress', progress),
    });
    const done = job.run().then(() => {
      this.history.finish(id, { status: job.status === 'running' ? 'failed' : job.status, rows: job.rows, bytes: job.bytes, error: job.error ?? null });
      this.jobs.delete(id);
      this.context.log('info', `export ${id} ${job.status}: ${job.rows} rows, ${job.bytes} bytes → ${output.location}`);
    });
    this.jobs.set(id, { job, done });
    return { jobId: id, location: output.location };
  }
}
