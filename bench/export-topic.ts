/**
 * Topic → file end to end, the same work on every side: a topic of ISS-shaped records (the ISS
 * tracker's Open Notify shape, positions from its offline SGP4 source) read from its first to its
 * last offset and written as one Parquet (snappy) or CSV file with the columns of the topic export
 * (partition int32, offset int64, timestamp ms, key, value, headers; docs/GUARANTEES.md):
 * - ours: the real export job, `exports:start` with a topic source and a local folder target, as the
 *   Exports page runs it, timed from the request to its `done` progress event;
 * - `kcat -C -J … | node bench/duckdb-copy-stdin.ts` (DuckDB's read_json from stdin, COPY … TO);
 * - Spark: `spark.read.format("kafka")` with the same projection, `write.parquet` (bench/spark-export.py),
 *   one JVM for all runs, timed both as the job alone (session already up) and as start-up (measured
 *   once) + the job.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExportFormat, ExportProgress } from '../shared/exports.js';
import { issPositionAt, parseTle } from '../electron/engine/producers/sources/iss.js';
import { BUNDLED_ISS_TLE } from '../electron/engine/producers/sources/bundled-tle.js';
import { ensureSparkKafkaJars, SPARK_VERSION } from '../test/spark/spark-oracle.js';
import { startSparkExport, type SparkExportPeer } from './spark.js';
import type { BenchContext } from './context.js';
import { benchEngine, data } from './engine.js';
import { measureEach, ratioFields, spread, type BenchRow, type Measurement } from './harness.js';
import { ensureKcat, pipeFileTo } from './peers.js';
import { createTopic, deleteTopics } from './topics.js';

const DUCK_STDIN = fileURLToPath(new URL('./duckdb-copy-stdin.ts', import.meta.url));

/** `n` ISS records, one a second from 2024-01-01, one JSON document a line (what the ISS tracker sends). */
export function writeIssRecords(file: string, n: number): void {
  const satrec = parseTle(BUNDLED_ISS_TLE);
  const start = Date.UTC(2024, 0, 1);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(JSON.stringify(issPositionAt(satrec, new Date(start + i * 1000))));
  writeFileSync(file, lines.join('\n') + '\n');
}

/** Runs a command to its end; rejects with its stderr's tail on a non-zero exit. */
function exec(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${command} exited ${code}: ${stderr.slice(-1500)}`))));
  });
}

/** Bytes of a file, or of every Parquet part file in a folder (Spark writes a folder). */
function sizeOf(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path)
    .filter((f) => f.endsWith('.parquet'))
    .reduce((sum, f) => sum + statSync(join(path, f)).size, 0);
}

/** Rows in a Parquet file or folder, or in a CSV file with a header, as DuckDB reads them (outside the timed part). */
async function countRows(path: string, kind: 'parquet' | 'csv'): Promise<number> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const from =
      kind === 'csv'
        ? `read_csv('${path}', header = true)`
        : `read_parquet('${statSync(path).isDirectory() ? join(path, '*.parquet') : path}')`;
    const rows = (await connection.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM ${from}`)).getRowObjectsJS();
    return Number(rows[0]?.n);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const parquet: ExportFormat = { kind: 'parquet', codec: 'snappy', timestampUnit: 'ms', rowGroupRows: 100_000 };
const csv: ExportFormat = { kind: 'csv', delimiter: ',', header: true };

export async function topicExportRows(ctx: BenchContext): Promise<BenchRow[]> {
  const n = ctx.options.smoke ? 2_000 : 1_000_000;
  ctx.versions.kcat = ensureKcat();
  const jars = await ensureSparkKafkaJars(ctx.cacheDir);
  ctx.versions.spark = `pyspark ${SPARK_VERSION} (local[2])`;
  const topic = `bench-export-iss-${Date.now()}`;
  // One partition, as the ISS tracker recipe creates project_topic.
  await createTopic(ctx.bootstrap, topic, 1);
  const input = join(ctx.tmpDir, 'iss.jsonl');
  writeIssRecords(input, n);
  await pipeFileTo('kcat', ['-P', '-b', ctx.bootstrap.join(','), '-t', topic], input);
  const outDir = join(ctx.tmpDir, 'export-topic-out');
  mkdirSync(outDir, { recursive: true });

  const { engine, connectionId } = await benchEngine(ctx, 'export-topic');
  let seq = 0;
  const bytes = { ours: 0, duck: 0, spark: 0 };
  const sparkProcess: number[] = [];
  /** Checks the file holds every record, then removes it. */
  const check = async (side: string, path: string, kind: 'parquet' | 'csv'): Promise<void> => {
    const rows = await countRows(path, kind);
    rmSync(path, { recursive: true, force: true });
    if (rows !== n) throw new Error(`${side} wrote ${rows} of ${n} records`);
  };

  const ours = async (format: ExportFormat): Promise<number> => {
    const name = `ours-${seq++}`;
    const started = performance.now();
    const done = new Promise<ExportProgress>((resolve) => {
      const off = engine.events.on('exports:progress', (p) => {
        if (p.status === 'running' || !p.location.includes(name)) return;
        off();
        resolve(p);
      });
    });
    data(
      await engine.dispatch('exports:start', {
        source: { kind: 'topic', connectionId, topic },
        format,
        target: { kind: 'local', folder: outDir },
        name,
      }),
    );
    const end = await done;
    const ms = performance.now() - started;
    if (end.status !== 'done') throw new Error(`our export ended ${end.status}: ${end.error ?? ''}`);
    if (format.kind === 'parquet') bytes.ours = sizeOf(end.location);
    await check('our export', end.location, format.kind === 'csv' ? 'csv' : 'parquet');
    return (n / ms) * 1000;
  };

  const duck = async (kind: 'parquet' | 'csv'): Promise<number> => {
    const file = join(outDir, `duck-${seq++}.${kind}`);
    const started = performance.now();
    // -J: the envelope carries partition, offset, timestamp and key beside the value (-f '%s' gives the value only).
    await exec('sh', [
      '-c',
      `kcat -C -b "$0" -t "$1" -o beginning -e -q -J | "$2" "$3" "$4" "$5"`,
      ctx.bootstrap.join(','),
      topic,
      process.execPath,
      DUCK_STDIN,
      file,
      kind,
    ]);
    const ms = performance.now() - started;
    if (kind === 'parquet') bytes.duck = sizeOf(file);
    await check('kcat | duckdb', file, kind);
    return (n / ms) * 1000;
  };

  let sparkPeer = null as SparkExportPeer | null;
  const spark = async (): Promise<number> => {
    const out = join(outDir, `spark-${seq++}`);
    // One JVM for the warm-up and every run, started with the first (its start-up measured once).
    sparkPeer ??= await startSparkExport(ctx, jars, topic);
    const started = performance.now();
    const result = await sparkPeer.run(out);
    // Start-up once + this run (the command to the job's result): what one export costs a user who starts Spark for it.
    sparkProcess.push((n / (sparkPeer.startMs + performance.now() - started)) * 1000);
    if (result.rows !== n) throw new Error(`Spark wrote ${result.rows} of ${n} records`);
    bytes.spark = sizeOf(out);
    await check('Spark', out, 'parquet');
    return (n / result.jobMs) * 1000;
  };

  try {
    const m = await measureEach(
      ctx.options,
      {
        ours: { unit: 'rows/s', once: () => ours(parquet) },
        duck: { unit: 'rows/s', once: () => duck('parquet') },
        spark: { unit: 'rows/s', once: spark },
        oursCsv: { unit: 'rows/s', once: () => ours(csv) },
        duckCsv: { unit: 'rows/s', once: () => duck('csv') },
      },
      ctx.log,
    );
    await sparkPeer?.stop();
    // The process figures of the measured runs (the warm-ups came first).
    const runs = sparkProcess.slice(-m.spark.runs.length);
    const sparkWhole: Measurement = { value: [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)] ?? 0, unit: 'rows/s', runs };
    ctx.log(`spark process end to end: ${spread(sparkWhole)}`);
    const label = `topic → Parquet (snappy), ${n.toLocaleString('en-US')} ISS records, 1 partition`;
    const oursLabel = 'export job (exports:start)';
    const speedDuck = ratioFields(m.ours, m.duck);
    const speedSpark = ratioFields(m.ours, m.spark);
    const size = bytes.ours / bytes.duck;
    return [
      {
        benchmark: label,
        ours: { label: oursLabel, m: m.ours },
        peer: { label: 'kcat -C -J → DuckDB read_json(stdin) → COPY TO', m: m.duck },
        ...speedDuck,
        target: '≥ 1× kcat → DuckDB',
        pass: (speedDuck.ratio ?? 0) >= 1,
      },
      {
        benchmark: label,
        ours: { label: oursLabel, m: m.ours },
        peer: { label: 'Spark read.format("kafka") → write.parquet, job only', m: m.spark },
        ...speedSpark,
        target: '≥ 2× Spark',
        pass: (speedSpark.ratio ?? 0) >= 2,
      },
      {
        benchmark: label,
        ours: { label: oursLabel, m: m.ours },
        peer: {
          label: `Spark, start-up (once: ${((sparkPeer?.startMs ?? NaN) / 1000).toFixed(1)} s, JVM + session) + run command → job done`,
          m: sparkWhole,
        },
        ...ratioFields(m.ours, sparkWhole),
        target: 'report',
        pass: null,
      },
      {
        benchmark: `${label}: file size`,
        ours: { label: 'our file', m: { value: bytes.ours / 1e6, unit: 'MB', runs: [] } },
        peer: { label: 'DuckDB file', m: { value: bytes.duck / 1e6, unit: 'MB', runs: [] } },
        ratio: size,
        target: '≤ 1.2× DuckDB (ratio = ours/peer)',
        pass: size <= 1.2,
      },
      {
        benchmark: `${label}: file size`,
        ours: { label: 'our file', m: { value: bytes.ours / 1e6, unit: 'MB', runs: [] } },
        peer: { label: 'Spark files', m: { value: bytes.spark / 1e6, unit: 'MB', runs: [] } },
        ratio: bytes.ours / bytes.spark,
        target: 'report (ratio = ours/peer)',
        pass: null,
      },
      {
        benchmark: `topic → CSV, ${n.toLocaleString('en-US')} ISS records, 1 partition`,
        ours: { label: oursLabel, m: m.oursCsv },
        peer: { label: 'kcat -C -J → DuckDB read_json(stdin) → COPY TO', m: m.duckCsv },
        ...ratioFields(m.oursCsv, m.duckCsv),
        target: 'report',
        pass: null,
      },
    ];
  } finally {
    sparkPeer?.kill();
    await engine.dispose();
    rmSync(outDir, { recursive: true, force: true });
    await deleteTopics(ctx.bootstrap, topic);
  }
}
