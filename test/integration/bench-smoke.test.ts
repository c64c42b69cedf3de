import { describe, expect, inject, it } from 'vitest';
import { resolveCacheDir } from '../../electron/engine/paths.js';
import type { BenchContext } from '../../bench/context.js';
import { benchmarks } from '../../bench/suite.js';
import { tempDir } from '../helpers.js';

const bootstrap = inject('kafkaBootstrap');

// Tiny sizes, one run: keeps every benchmark runnable (so it does not rot); the figures mean nothing.
describe('benchmarks (smoke run)', () => {
  for (const bench of benchmarks) {
    // 240 s: the pipeline and latency benchmarks start a Spark JVM each (bench/spark.ts), 10–20 s of
    // start-up plus the first query's compilation on 2 busy cores, 30–60 s per benchmark in smoke size.
    it(`${bench.name} produces rows with both figures and a ratio`, async () => {
      const dir = tempDir(`bench-${bench.name}`);
      const ctx: BenchContext = {
        bootstrap: bootstrap.split(','),
        cacheDir: resolveCacheDir(),
        tmpDir: dir.path,
        options: { smoke: true, runs: 1, warmups: 0 },
        log: () => undefined,
        versions: {},
      };
      try {
        const rows = await bench.run(ctx);
        expect(rows.length).toBeGreaterThan(0);
        for (const row of rows) {
          expect(row.ours.m.value).toBeGreaterThan(0);
          expect(row.peer?.m.value ?? 0).toBeGreaterThan(0);
          expect(row.ratio).not.toBeNull();
        }
      } finally {
        dir.remove();
      }
    }, 240_000);
  }
});
