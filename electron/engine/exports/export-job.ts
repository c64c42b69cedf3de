import type { ExportFormat, ExportProgress } from '../../../shared/exports.js';
import { WorkbenchError } from '../../../shared/errors.js';
import { describeSystemError } from '../system-errors.js';
import type { ExportSourceHandle } from './sources/types.js';
import type { PendingOutput } from './targets/types.js';
import { createWriter, writeAll } from './writers/create-writer.js';

export interface JobEvents {
  progress(progress: ExportProgress): void;
}

/**
 * One running export: source → writer → output. Progress goes out at most every `intervalMs`, plus
 * once at the end. Cancel or failure aborts the output, so no partial file or object remains.
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
    private readonly format: ExportFormat,
    private readonly output: PendingOutput,
    private readonly events: JobEvents,
    private readonly intervalMs = 250,
  ) {}

  snapshot(): ExportProgress {
    const total = this.source.totalRows;
    const percent = total === null ? null : total === 0 ? (this.status === 'done' ? 100 : 0) : Math.min(100, (this.rows / total) * 100);
    return {
      jobId: this.id,
      status: this.status,
      rows: this.rows,
      bytes: this.bytes,
      percent: this.status === 'done' ? 100 : percent,
      location: this.output.location,
      ...(this.error !== undefined ? { error: this.error } : {}),
      ...(this.status === 'running' && this.stalled !== null ? { stalled: this.stalled } : {}),
    };
  }

  cancel(): void {
    this.controller.abort(new WorkbenchError('CONFLICT', 'Export cancelled'));
  }

  async run(): Promise<void> {
    const writer = createWriter(this.format, this.source.columns, this.output.sink);
    const signal = this.controller.signal;
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
      await this.output.commit();
      this.rows = writer.rowsWritten;
      this.bytes = writer.bytesWritten;
      this.status = 'done';
    } catch (error) {
      await this.output.abort().catch(() => undefined);
      this.rows = writer.rowsWritten;
      this.bytes = writer.bytesWritten;
      if (signal.aborted) {
        this.status = 'cancelled';
      } else {
        this.status = 'failed';
        const system = describeSystemError(error);
        this.error = system ? `${system.message} (${system.detail ?? ''})` : error instanceof Error ? error.message : String(error);
        const leftover = this.output.leftover?.() ?? null;
        if (leftover !== null) this.error = `${this.error}. ${leftover}`;
      }
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
