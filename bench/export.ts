/**
 * Export bench (also used by bench/export.bench.ts in `npm run bench`): 1,000,000 sensor rows to Parquet (snappy, zstd) and CSV with our writers, next to
 * DuckDB's `COPY … TO` of the same rows in the same run. Each case runs in its own process so peak
 * RSS is per case. Usage: `npx tsx bench/export.ts [rows]`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ColumnSpec, ExportFormat } from '../shared/exports.js';
import { createWriter, writeAll } from '../electron/engine/exports/writers/create-writer.js';
import { openLocalOutput } from '../electron/engine/exports/targets/local-folder.js';
import type { Row } from '../electron/engine/exports/writers/types.js';

const columns: ColumnSpec[] = [
  { name: 'sensor_id', type: 'string', nullable: false },
  { name: 'ts', type: 'timestamp-ms', nullable: false },
  { name: 'temperature', type: 'double', nullable: false },
  { name: 'humidity', type: 'double', nullable: false },
  { name: 'seq', type: 'int64', nullable: false },
];

function sensorRow(i: number): Row {
  return {
    sensor_id: `sensor-${i % 50}`,
    ts: Date.UTC(2024, 0, 1) + i * 100,
    temperature: Math.round((20 + Math.sin(i / 1000) * 5) * 100) / 100,
    humidity: Math.round((50 + Math.cos(i / 700) * 10) * 10) / 10,
    seq: BigInt(i),
  };
}

function* sensorBatches(total: number, size = 10_000): Generator<Row[]> {
  for (let i = 0; i < total; i += size) {
    const batch: Row[] = [];
    for (let j = i; j < Math.min(total, i + size); j++) batch.push(sensorRow(j));
    yield batch;
  }
}

export interface Result {
  rows: number;
  ms: number;
  genMs?: number;
  bytes: number;
  rssMiB: number;
}

/**
 * Both sides are timed from rows already in memory to the finished file: DuckDB's COPY reads its
 * table, our writer reads the JS row batches. Making the rows is not timed on either side (until
 * stop 11 it was timed on ours only, a third of our time: 911k rows/s snappy then is about 1.5M now
 * on the same code). `genMs` reports what making them cost.
 */
async function ours(format: ExportFormat, rows: number, dir: string): Promise<Result> {
  const generated = performance.now();
  const batches = [...sensorBatches(rows)];
  const genMs = performance.now() - generated;
  const started = performance.now();
  const output = await openLocalOutput(dir, `ours.${format.kind}`);
  const writer = createWriter(format, columns, output.sink);
  await writeAll(batches, writer);
  await output.commit();
  return {
    rows,
    ms: performance.now() - started,
    genMs,
    bytes: statSync(output.location).size,
    rssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

/**
 * DuckDB as the peer: the same in-memory JS rows fed through DuckDB's fastest JS ingestion (data
 * chunks of 2,048 rows, one column at a time, into an appender: what a DuckDB-based writer in this
 * app would have to do; it is ~2× its row-by-row appender), then COPY … TO. `copyMs` is the COPY
 * alone, from DuckDB's own columnar table.
 */
async function duck(copyOptions: string, rows: number, dir: string): Promise<Result & { copyMs: number }> {
  // Imported here so our writers' processes do not carry DuckDB's native library in their RSS.
  const { DuckDBInstance, DuckDBDataChunk, DuckDBTimestampTZValue, VARCHAR, TIMESTAMPTZ, DOUBLE, BIGINT } =
    await import('@duckdb/node-api');
  const batches = [...sensorBatches(rows)];
  const started = performance.now();
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run('CREATE TABLE t (sensor_id VARCHAR, ts TIMESTAMPTZ, temperature DOUBLE, humidity DOUBLE, seq BIGINT)');
  const appender = await connection.createAppender('t');
  const types = [VARCHAR, TIMESTAMPTZ, DOUBLE, DOUBLE, BIGINT];
  const CHUNK = 2048;
  for (const batch of batches) {
    for (let from = 0; from < batch.length; from += CHUNK) {
      const part = batch.slice(from, from + CHUNK);
      const chunk = DuckDBDataChunk.create(types, part.length);
      chunk.setColumnValues(
        0,
        part.map((r) => r.sensor_id as string),
      );
      chunk.setColumnValues(
        1,
        part.map((r) => new DuckDBTimestampTZValue(BigInt(r.ts as number) * 1000n)),
      );
      chunk.setColumnValues(
        2,
        part.map((r) => r.temperature as number),
      );
      chunk.setColumnValues(
        3,
        part.map((r) => r.humidity as number),
      );
      chunk.setColumnValues(
        4,
        part.map((r) => r.seq as bigint),
      );
      appender.appendDataChunk(chunk);
    }
  }
  appender.closeSync();
  const file = join(dir, 'duck.out');
  const copyStarted = performance.now();
  await connection.run(`COPY t TO '${file}' (${copyOptions})`);
  const copyMs = performance.now() - copyStarted;
  connection.closeSync();
  instance.closeSync();
  return { rows, ms: performance.now() - started, copyMs, bytes: statSync(file).size, rssMiB: process.resourceUsage().maxRSS / 1024 };
}

export const cases: Record<string, { ours: ExportFormat; duck: string }> = {
  'parquet-snappy': {
    ours: { kind: 'parquet', codec: 'snappy', timestampUnit: 'ms', rowGroupRows: 100_000 },
    duck: 'FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 100000',
  },
  'parquet-zstd': {
    ours: { kind: 'parquet', codec: 'zstd', timestampUnit: 'ms', rowGroupRows: 100_000 },
    duck: 'FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 100000',
  },
  csv: { ours: { kind: 'csv', delimiter: ',', header: true }, duck: 'FORMAT csv, HEADER true' },
};

async function child(name: string, who: 'ours' | 'duck', rows: number): Promise<void> {
  const spec = cases[name];
  if (!spec) throw new Error(`unknown case ${name}`);
  const dir = mkdtempSync(join(tmpdir(), 'kwb-bench-'));
  try {
    const result = who === 'ours' ? await ours(spec.ours, rows, dir) : await duck(spec.duck, rows, dir);
    process.stdout.write(JSON.stringify(result));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const TSX = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));
const SELF = fileURLToPath(import.meta.url);

/** Runs one case in a fresh process (so peak RSS is per case) and returns its figures. */
export function runChild(name: string, who: 'ours' | 'duck', rows: number): Result & { copyMs?: number } {
  const out = execFileSync(process.execPath, [TSX, SELF, '--child', name, who, String(rows)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out) as Result & { copyMs?: number };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1] ?? '', args[2] === 'duck' ? 'duck' : 'ours', Number(args[3]));
  if (args[0] === '--baseline') {
    // RSS of the same process that writes nothing: what the writers add is the difference.
    // Holds every batch, as the children do before they write.
    const held = [...sensorBatches(Number(args[1] ?? 1_000_000))];
    void held;
    return void process.stdout.write(`${JSON.stringify({ rssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
  }
  const rows = Number(args[0] ?? 1_000_000);
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const baseline = JSON.parse(execFileSync(process.execPath, [TSX, SELF, '--baseline', String(rows)], { encoding: 'utf8' })) as {
    rssMiB: number;
  };
  console.log(
    `export bench: ${fmt(rows)} sensor rows (node ${process.version}); RSS of a process that only makes and holds the rows: ${baseline.rssMiB.toFixed(0)} MiB`,
  );
  console.log(
    'case            | ours rows/s | duckdb rows/s (append+COPY) | COPY only rows/s | ours/COPY | ours bytes | duckdb bytes | size ratio | ours RSS MiB (writer adds) | duckdb RSS MiB',
  );
  for (const name of Object.keys(cases)) {
    const a = runChild(name, 'ours', rows);
    const b = runChild(name, 'duck', rows);
    const oursRate = (rows / a.ms) * 1000;
    const duckRate = (rows / b.ms) * 1000;
    const copyRate = (rows / (b.copyMs ?? b.ms)) * 1000;
    console.log(
      `${name.padEnd(15)} | ${fmt(oursRate)} | ${fmt(duckRate)} | ${fmt(copyRate)} | ${(oursRate / copyRate).toFixed(2)}x | ${fmt(a.bytes)} | ${fmt(b.bytes)} | ${(a.bytes / b.bytes).toFixed(2)}x | ${a.rssMiB.toFixed(0)} (${(a.rssMiB - baseline.rssMiB).toFixed(0)}) | ${b.rssMiB.toFixed(0)}`,
    );
  }
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) await main();
