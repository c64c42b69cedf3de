import type { BenchOptions, BenchRow } from './harness.js';

export interface BenchContext {
  bootstrap: string[];
  cacheDir: string;
  tmpDir: string;
  options: BenchOptions;
  log: (line: string) => void;
  /** Versions of the peers, recorded with the results. */
  versions: Record<string, string>;
}

export interface Benchmark {
  name: string;
  summary: string;
  run(context: BenchContext): Promise<BenchRow[]>;
}
