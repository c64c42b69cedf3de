import type { Source, SourceBatch } from './source.js';

/** The topic browser's produce form, saved: the same value on every run (JSON when it parses, text otherwise). */
export class ManualSource implements Source {
  readonly selfPaced = false;
  private readonly record: unknown;

  constructor(value: string) {
    try {
      this.record = JSON.parse(value) as unknown;
    } catch {
      this.record = value;
    }
  }

  next(): Promise<SourceBatch> {
    return Promise.resolve({ records: [this.record], errors: [] });
  }
}
