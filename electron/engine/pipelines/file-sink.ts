import type { PendingAborts } from '../exports/targets/pending-aborts.js';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ColumnSpec, S3Target } from '../../../shared/exports.js';
import type { FileSinkSpec, Pipeline, PipelineStatus } from '../../../shared/pipelines.js';
import { objectKey } from '../exports/targets/s3-client.js';
import { fileExtension } from '../exports/writers/create-writer.js';
import type { Row as CellRow } from '../exports/writers/types.js';
import type { Db } from '../store/db.js';
import { fileColumns, fileName, shortId, toCells } from './file-sink-columns.js';
import { FileSinkStore, type FileEntry, type OffsetRange } from '../store/file-sink-store.js';
import { writeLocal, writeS3, type Written } from './file-sink-writer.js';
import type { Row } from './row.js';

export interface FileSinksDeps {
  db: Db;
  pipeline: Pipeline;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Back-off of a failing write: base × 2^attempts, capped. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How often retries and time-based rolls are looked at. */
  tickMs?: number;
  /**
   * Replaces a saved-credentials reference by the keys, at write time only (the exports feature's
   * store, S3Credentials.resolve): the spec keeps the reference, never the keys.
   */
  resolveS3?: (target: S3Target) => S3Target;
  /** Multipart uploads a failure or a kill left behind are aborted through it (the exports' tracker). */
  pendingAborts?: PendingAborts;
}

const PAGE = 5000;

/**
 * The rolling file sinks of one pipeline, exactly-once visible (docs/GUARANTEES.md "Files and S3", like
 * Spark's file sink log): inside the batch's transaction, `stage` adds the batch's rows to the open
 * file and, when the file is due, fixes its deterministic name (pending) — together with the batch's
 * offsets. After the commit, `kick` writes pending files in the background and marks each done with
 * its ETag/size (synchronous=FULL). A failed write keeps the file pending with its rows, retried
 * with back-off, and holds up the pipeline (`failing`: the runner runs no batch, so its offsets stay
 * where the sink's rows end and pending rows do not pile up) until a write succeeds; the status says
 * why, since when and what waits. A crash between the
 * write and the done mark re-writes the same name from the same rows: locally a whole-file replace,
 * on S3 a HEAD / `If-None-Match` hit, so readers see every row exactly once.
 */
export class FileSinks {
  private readonly deps: FileSinksDeps;
  private readonly store: FileSinkStore;
  /** By position among ALL sinks, so editing other sinks does not renumber the file sinks' files. */
  private readonly sinks = new Map<number, { spec: FileSinkSpec; columns: ColumnSpec[] }>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private again = false;
  private stopping = false;
  private lastWriteMs: number | null = null;
  private lastError: string | null = null;
  /** Since when writes fail (a pending file's last write failed); null once none has. */
  private failingSince: number | null = null;

  constructor(deps: FileSinksDeps) {
    this.deps = deps;
    this.store = new FileSinkStore(deps.db, deps.pipeline.id);
    deps.pipeline.sinks.forEach((spec, i) => {
      if (spec.kind === 'files') this.sinks.set(i, { spec, columns: fileColumns(deps.pipeline, spec.format) });
    });
  }

  static wanted(pipeline: Pipeline): boolean {
    return pipeline.sinks.some((s) => s.kind === 'files');
  }

  /** Drops files of a checkpoint that was reset, removes our own stale local temp files, then writes what is pending. */
  async start(): Promise<void> {
    this.stopping = false;
    this.store.dropOrphans();
    const prefix = `.part-${shortId(this.deps.pipeline.id)}-`;
    for (const sink of this.sinks.values()) {
      if (sink.spec.target.kind !== 'local') continue;
      const names = await readdir(sink.spec.target.folder).catch(() => [] as string[]);
      for (const name of names)
        if (name.startsWith(prefix) && name.endsWith('.partial')) await rm(join(sink.spec.target.folder, name), { force: true });
    }
    // Files that failed before a restart still hold up the pipeline until they are written.
    this.failingSince = this.store.lastError() !== null ? Date.now() : null;
    this.timer = setInterval(() => this.kick(), this.deps.tickMs ?? 1000);
    this.timer.unref();
    this.kick();
  }

  /**
   * Inside the batch's transaction: adds `rows` to each file sink's open file and rolls it when due.
   * `rows` are the projected rows, or for an aggregation the flattened emitted results.
   */
  stage(batch: number, rows: readonly Row[], offsets: OffsetRange, now: number): void {
    this.sinks.forEach((sink, index) => {
      const file = this.store.stage(index, batch, rows, offsets, now);
      if (file && this.due(sink.spec, file, now)) this.roll(index, file);
    });
  }

  /** Writes pending files now (after a commit; also every tick for retries and time-based rolls). */
  kick(): void {
    if (this.stopping) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.again && !this.stopping) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Waits for the write in flight; what is still pending is written on the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  status(): NonNullable<PipelineStatus['files']> {
    const c = this.store.counts();
    return {
      done: c.done,
      pending: c.pending,
      rowsWritten: c.rowsWritten,
      rowsWaiting: c.rowsWaiting,
      lastError: c.lastError ?? (c.pending > 0 ? this.lastError : null),
      lastWriteMs: this.lastWriteMs,
    };
  }

  /** Since when a file cannot be written (the runner runs no batch meanwhile), or null. */
  failing(): number | null {
    return this.failingSince;
  }

  /** The pipeline's error while writes fail: what failed, since when, and what waits. */
  stallMessage(): string | null {
    if (this.failingSince === null) return null;
    const c = this.store.counts();
    const error = (c.lastError ?? this.lastError ?? 'the last write failed').replace(/\.$/, '');
    const since = new Date(this.failingSince).toISOString().slice(11, 19);
    return `Files cannot be written (since ${since} UTC): ${error}. ${c.pending} file${c.pending === 1 ? '' : 's'} (${c.rowsWaiting} rows) waiting; no new batch until they are written, retrying`;
  }

  private s3Target(target: S3Target): S3Target {
    return this.deps.resolveS3 ? this.deps.resolveS3(target) : target;
  }

  private due(spec: FileSinkSpec, file: FileEntry, now: number): boolean {
    const { batches, seconds } = spec.rolling;
    if (batches === undefined && seconds === undefined) return true;
    if (batches !== undefined && file.lastBatch - file.firstBatch + 1 >= batches) return true;
    return seconds !== undefined && now - file.openedAt >= seconds * 1000;
  }

  private roll(index: number, file: FileEntry): void {
    const sink = this.sinks.get(index);
    if (!sink) return;
    const name = fileName(this.deps.pipeline.id, file.firstBatch, file.lastBatch, file.offsets, fileExtension(sink.spec.format));
    const target = sink.spec.target;
    // The key's date placeholders are filled from when the file was opened: fixed, like the name.
    this.store.roll(file, target.kind === 's3' ? objectKey(target.prefix, name, new Date(file.openedAt)) : name);
  }

  private async drain(): Promise<void> {
    const now = Date.now();
    // Time-based rolling also closes files when no batch comes (an idle topic).
    this.deps.db.transaction(() => {
      for (const file of this.store.openFiles()) {
        const sink = this.sinks.get(file.sink);
        if (sink?.spec.rolling.seconds !== undefined && this.due(sink.spec, file, now)) this.roll(file.sink, file);
      }
    })();
    for (const file of this.store.pending()) {
      if (this.stopping) return;
      if (file.nextAttemptAt > Date.now()) continue;
      await this.write(file);
    }
  }

  private async write(file: FileEntry): Promise<void> {
    const sink = this.sinks.get(file.sink);
    if (!sink || !file.name) return;
    const { spec, columns } = sink;
    const store = this.store;
    function* pages(): Generator<CellRow[]> {
      let seq = 0;
      for (;;) {
        const page = store.rows(file, seq, PAGE);
        const last = page.at(-1);
        if (!last) return;
        yield page.map((r) => toCells(r.row, columns));
        seq = last.seq + 1;
      }
    }
    const started = performance.now();
    try {
      const written: Written =
        spec.target.kind === 'local'
          ? await writeLocal(spec, spec.target.folder, file.name, columns, pages)
          : await writeS3(spec, this.s3Target(spec.target), file.name, columns, pages, this.deps.pendingAborts);
      const writeMs = performance.now() - started;
      this.store.markDone(file, { etag: written.etag, bytes: written.bytes, writeMs });
      this.lastWriteMs = writeMs;
      this.lastError = null;
      if (this.failingSince !== null && this.store.lastError() === null) {
        this.failingSince = null;
        this.deps.log?.('info', `pipeline ${this.deps.pipeline.name}: files are written again`);
      }
      if (written.existed)
        this.deps.log?.(
          'info',
          `pipeline ${this.deps.pipeline.name}: ${file.name} was already written (a re-write after a restart); marked done`,
        );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // Capped at 15 s: the pipeline waits for this write, so a target that is back is noticed soon.
      const delay = Math.min(this.deps.retryMaxMs ?? 15_000, (this.deps.retryBaseMs ?? 1000) * 2 ** Math.min(file.attempts, 16));
      this.lastError = message;
      this.failingSince ??= Date.now();
      this.store.markFailed(file, message, Date.now() + delay);
      this.deps.log?.(
        'warn',
        `pipeline ${this.deps.pipeline.name}: writing ${file.name} failed (attempt ${file.attempts + 1}, retry in ${Math.round(delay / 1000)} s): ${message}`,
      );
    }
  }
}
