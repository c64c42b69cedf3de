import type { ExportFormat, ExportProgress } from '../../../shared/exports.js';
import { WorkbenchError } from '../../../shared/errors.js';
import { describeSystemError } from '../system-errors.js';
import type { ExportSourceHandle } from './sources/types.js';
import type { PendingOutput } from './targets/types.js';
import { createWriter, writeAll } from './writers/create-writer.js';
import type { RowWriter } from './writers/types.js';

export interface JobEvents {
  progress(progress: ExportProgress): void;
}

/** One file of a job: its format and where its bytes go. */
export interface JobFile {
  format: ExportFormat;
  output: PendingOutput;
}

/** Several writers fed the same batches: one read, one file per format. Rows are counted once. */
function teeWriter(writers: RowWriter[]): RowWriter {
  return {
    async write(rows) {
      for (const w of writers) await w.write(rows);
    },
    async close() {
      for (const w of writers) await w.close();
    },
    get rowsWritten() {
      return writers[0]?.rowsWritten ?? 0;
    },
    get bytesWritten() {
      return writers.reduce((n, w) => n + w.bytesWritten, 0);
    },
  };
}

/**
 * One running export: source → writer(s) → output(s), one file per format from the same read.
 * Progress goes out at most every `intervalMs`, plus once at the end; a source that reads its input
 * before it has rows (a batch report) is polled on that interval. Cancel or failure aborts every
 * output, so no partial file or object remains.
 */
export class ExportJob {
  readonly controller = new AbortController();
  status: ExportProgress['status'] = 'running';
  rows = 0;
  bytes = 0;
  error: string | undefined;
  /** Why the export makes no progress right now, with since when (it keeps retrying). */
  stalled: string | null = null;
  private lastEmit = 0;

  constructor(
    readonly id: string,
    private readonly source: ExportSourceHandle,
    private readonly files: JobFile[],
    private readonly events: JobEvents,
    private readonly intervalMs = 250,
  ) {}

  /** Where the files live once committed, comma-separated when there are several. */
  get location(): string {
    return this.files.map((f) => f.output.location).join(', ');
  }

  snapshot(): ExportProgress {
    const input = this.source.input;
    const done = input ? input.read() : this.rows;
    const total = input ? input.total : this.source.totalRows;
    const percent = total === null ? null : total === 0 ? (this.status === 'done' ? 100 : 0) : Math.min(100, (done / total) * 100);
    return {
      jobId: this.id,
      status: this.status,
      rows: this.rows,
      bytes: this.bytes,
      percent: this.status === 'done' ? 100 : percent,
      location: this.location,
      ...(input ? { recordsRead: input.read(), recordsTotal: input.total } : {}),
      ...(this.error !== undefined ? { error: this.error } : {}),
      ...(this.status === 'running' && this.stalled !== null ? { stalled: this.stalled } : {}),
    };
  }

  cancel(): void {
    this.controller.abort(new WorkbenchError('CONFLICT', 'Export cancelled'));
  }

  async run(): Promise<void> {
    const writer = teeWriter(this.files.map((f) => createWriter(f.format, this.source.columns, f.output.sink)));
    const signal = this.controller.signal;
    // A source that reads before it has rows says where it starts (0 %) and is then polled.
    if (this.source.input) this.emit(true);
    /** Files already complete when a later one fails: they stay, and the error says so. */
    const committed: string[] = [];
    const poll = this.source.input
      ? setInterval(() => {
          this.emit(false);
        }, this.intervalMs)
      : undefined;
    try {
      const onStall = (problem: string | null) => {
        this.stalled = problem;
        this.emit(true);
      };
      await writeAll(this.source.batches(signal, onStall), writer, signal, () => {
        this.stalled = null;
        this.rows = writer.rowsWritten;
        this.bytes = writer.bytesWritten;
        this.emit(false);
      });
      signal.throwIfAborted();
      for (const f of this.files) {
        await f.output.commit();
        committed.push(f.output.location);
      }
      this.rows = writer.rowsWritten;
      this.bytes = writer.bytesWritten;
      this.status = 'done';
    } catch (error) {
      for (const f of this.files) await f.output.abort().catch(() => undefined);
      this.rows = writer.rowsWritten;
      this.bytes = writer.bytesWritten;
      if (signal.aborted) {
        this.status = 'cancelled';
      } else {
        this.status = 'failed';
        const system = describeSystemError(error);
        this.error = system ? `${system.message} (${system.detail ?? ''})` : error instanceof Error ? error.message : String(error);
        const leftovers = this.files.map((f) => f.output.leftover?.() ?? null).filter((l) => l !== null);
        if (leftovers.length > 0) this.error = `${this.error}. ${leftovers.join('. ')}`;
        if (committed.length > 0) this.error = `${this.error}. Already written: ${committed.join(', ')}`;
      }
    } finally {
      clearInterval(poll);
    }
    this.emit(true);
  }

  private emit(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.lastEmit < this.intervalMs) return;
    this.lastEmit = now;
    this.events.progress(this.snapshot());
  }
}
