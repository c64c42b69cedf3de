import type { Benchmark } from './context.js';
import { measure, type BenchRow, type Measurement } from './harness.js';
import { cases, runChild } from './export.js';
import { topicExportRows } from './export-topic.js';

/**
 * Topic → file end to end against kcat → DuckDB and Spark (bench/export-topic.ts): the figures with
 * targets. Then, as a diagnostic of the writer alone, 1,000,000 sensor rows to Parquet (snappy,
 * zstd) and CSV: our writers against DuckDB's `COPY … TO` of the same rows, each case in its own
 * process. DuckDB's time is reported both for COPY alone (rows already in its own table: not the
 * same work as ours, which starts from JS rows) and for append + COPY (what a DuckDB-based writer fed
 * from JS costs).
 */
export const exportBench: Benchmark = {
  name: 'export',
  summary: 'topic → Parquet/CSV vs kcat → DuckDB and Spark; the writers alone vs DuckDB COPY',
  async run(ctx) {
    const rows = ctx.options.smoke ? 5_000 : 1_000_000;
    const out: BenchRow[] = await topicExportRows(ctx);
    for (const name of Object.keys(cases)) {
      let oursBytes = 0;
      let duckBytes = 0;
      let duckAll: number[] = [];
      const ours = await measure(ctx.options, 'rows/s', () => {
        const r = runChild(name, 'ours', rows);
        oursBytes = r.bytes;
        return Promise.resolve((rows / r.ms) * 1000);
      });
      const copy = await measure(ctx.options, 'rows/s', () => {
        const r = runChild(name, 'duck', rows);
        duckBytes = r.bytes;
        duckAll = [...duckAll, (rows / r.ms) * 1000];
        return Promise.resolve((rows / (r.copyMs ?? r.ms)) * 1000);
      });
      const appendCopy: Measurement = {
        value: duckAll.sort((a, b) => a - b)[Math.floor(duckAll.length / 2)] ?? 0,
        unit: 'rows/s',
        runs: duckAll,
      };
      ctx.log(
        `${name}: ours ${Math.round(ours.value)} rows/s, DuckDB COPY ${Math.round(copy.value)} rows/s, append+COPY ${Math.round(appendCopy.value)} rows/s`,
      );
      const speed = ours.value / copy.value;
      const size = oursBytes / duckBytes;
      const label = `export ${rows.toLocaleString('en-US')} rows → ${name}`;
      out.push(
        {
          benchmark: label,
          ours: { label: 'our writer', m: ours },
          peer: { label: 'DuckDB COPY TO (rows already in its table)', m: copy },
          ratio: speed,
          target: 'diagnostic (not the same work)',
          pass: null,
        },
        {
          benchmark: label,
          ours: { label: 'our writer', m: ours },
          peer: { label: 'DuckDB data-chunk append + COPY', m: appendCopy },
          ratio: ours.value / appendCopy.value,
          target: 'report',
          pass: null,
        },
        {
          benchmark: `${label} file size`,
          ours: { label: 'our file', m: { value: oursBytes / 1e6, unit: 'MB', runs: [] } },
          peer: { label: 'DuckDB file', m: { value: duckBytes / 1e6, unit: 'MB', runs: [] } },
          ratio: size,
          target: '≤ 1.2× DuckDB (ratio = ours/peer)',
          pass: size <= 1.2,
        },
      );
    }
    return out;
  },
};
