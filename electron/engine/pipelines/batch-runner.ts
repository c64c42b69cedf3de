import { WorkbenchError } from '../../../shared/errors.js';
import type { ColumnSpec, ExportFormat } from '../../../shared/exports.js';
import type { AggregationSpec, BatchReport, Pipeline } from '../../../shared/pipelines.js';
import { openLocalOutput } from '../exports/targets/local-folder.js';
import { createWriter, fileExtension } from '../exports/writers/create-writer.js';
import { KafkaAdmin } from '../kafka/admin.js';
import type { ClientOptions } from '../kafka/group-member.js';
import { PartitionReader } from '../kafka/partition-reader.js';
import { assertUserTableName } from '../store/app-tables.js';
import type { Db } from '../store/db.js';
import { replaceTable } from '../store/user-tables.js';
import { BoundedProgress, BoundedSource, ReportCheckpoint, type RangeEntry } from './bounded-read.js';
import { PipelineRunner } from './pipeline-runner.js';
import { flattenResult, reportColumns, type ReportColumn } from './result-columns.js';
import type { Row } from './row.js';
import type { RegistryClient } from '../schema-registry/registry-client.js';

export interface BatchReadDeps {
  db: Db;
  /** Client options of the pipeline's connection. */
  kafka: ClientOptions;
  pipeline: Pipeline;
  aggregation?: AggregationSpec | undefined;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Gives up when the range is not read within this time (a partition whose leader is gone). */
  timeoutMs?: number;
  /** Cancels the read (an export job's Cancel). */
  signal?: AbortSignal;
  /** The schema registry of the pipeline's connection (the `registry` decoder needs it). */
  registry?: RegistryClient | null;
}

export interface BatchDeps extends BatchReadDeps {
  table?: string | undefined;
  folder?: string | undefined;
  formats: ('csv' | 'parquet' | 'jsonl')[];
}

type Range = Map<string, RangeEntry>;

/** The rows of a batch report, flattened and sorted, with what was read. */
export interface ReportRows {
  recordsRead: number;
  badRecords: Record<string, number>;
  columns: ReportColumn[];
  rows: Row[];
}

export function reportAggregation(p: Pipeline, aggregation: AggregationSpec | undefined): AggregationSpec {
  const a = aggregation ?? p.aggregation;
  if (!a) throw new WorkbenchError('VALIDATION', 'A batch report needs an aggregation: give the pipeline one or choose a report');
  return a;
}

/** `report_<pipeline name>` unless a table is given; refused when it names one of the app's own tables. */
export function reportTable(p: Pipeline, table?: string): string {
  const name =
    table ??
    `report_${
      p.name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '_')
        .replace(/^_+|_+$/g, '')
        .slice(0, 50) || 'pipeline'
    }`;
  assertUserTableName(name, 'report table');
  return name;
}

/**
 * The range of a batch report, fixed now: each partition from the pipeline's start up to its end
 * offset at this moment. Its `total` is what the progress of the read counts towards.
 */
export async function planBatch(options: ClientOptions, p: Pipeline): Promise<BoundedProgress> {
  return new BoundedProgress(await readRange(options, p));
}

/**
 * Batch mode (Spark `spark.read.format("kafka")` with `endingOffsets = latest`): reads each partition
 * from the pipeline's start (earliest, or the first offset at its start timestamp; `latest` would be
 * empty, so a batch reads from earliest then) up to the end offset read when the run starts, so
 * records produced meanwhile are not included and the report is reproducible. Projection, filter and
 * bad-record rules are the streaming pipeline's; the aggregation runs in complete mode without a
 * watermark, i.e. a plain group-by over every record of the range. It runs on the streaming
 * runner's consume loop (BoundedSource: group-less, read_committed, cut at the end offsets;
 * ReportCheckpoint: nothing durable), so a report joins no consumer group.
 */
export async function readReport(deps: BatchReadDeps, progress: BoundedProgress): Promise<ReportRows> {
  const p = deps.pipeline;
  const aggregation = reportAggregation(p, deps.aggregation);
  const checkpoint = new ReportCheckpoint(progress);
  if (!progress.done()) {
    // The streaming runner's consume loop over the fixed range: no group, nothing durable, complete mode.
    const report: Pipeline = {
      ...p,
      aggregation: { ...aggregation, watermarkDelayMs: undefined },
      outputMode: 'complete',
      sinks: [],
      scaleOut: false,
      triggerIntervalMs: 0,
      // Complete mode emits the whole table per micro-batch: few large ones.
      maxRecordsPerBatch: Math.max(p.maxRecordsPerBatch, 100_000),
    };
    // Bad records are counted in the report, not dead-lettered again.
    delete report.deadLetterTopic;
    const runner = new PipelineRunner({
      db: deps.db,
      kafka: deps.kafka,
      pipeline: report,
      source: new BoundedSource(new PartitionReader(deps.kafka), progress),
      checkpoint: () => checkpoint,
      statusIntervalMs: 3_600_000,
      registry: deps.registry ?? null,
      ...(deps.log ? { log: deps.log } : {}),
    });
    await runner.start();
    try {
      const timeoutMs = deps.timeoutMs ?? 300_000;
      const deadline = Date.now() + timeoutMs;
      while (!progress.done()) {
        deps.signal?.throwIfAborted();
        const status = runner.status();
        if (status.state === 'failed') throw new WorkbenchError('KAFKA_ERROR', status.error ?? 'The batch read failed');
        if (Date.now() > deadline)
          throw new WorkbenchError('KAFKA_ERROR', `The batch read did not reach the end offsets within ${timeoutMs / 1000} s`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } finally {
      await runner.stop();
    }
  }
  const columns = reportColumns(p, aggregation);
  return {
    recordsRead: progress.recordsRead,
    badRecords: checkpoint.bad,
    columns,
    rows: checkpoint.table.map((row) => flattenResult(row, aggregation)).sort(compareRows),
  };
}

/** `pipelines:runBatch` and the CLI: the report as a SQLite table and, if asked, files in a local folder. */
export async function runBatch(deps: BatchDeps): Promise<BatchReport> {
  const started = performance.now();
  const p = deps.pipeline;
  reportAggregation(p, deps.aggregation);
  if (deps.formats.length > 0 && !deps.folder) throw new WorkbenchError('VALIDATION', 'Choose a folder for the report files');
  const table = reportTable(p, deps.table);
  const read = await readReport(deps, await planBatch(deps.kafka, p));
  saveReportTable(deps.db, table, read.columns, read.rows);
  const files = deps.folder ? await writeFiles(deps.folder, table, read.columns, read.rows, deps.formats) : [];
  return { ...reportOf(read, table, files), durationMs: performance.now() - started };
}

/** The contract's form of a report (rows as arrays in column order). */
export function reportOf(read: ReportRows, table: string, files: string[]): Omit<BatchReport, 'durationMs'> {
  return {
    recordsRead: read.recordsRead,
    badRecords: read.badRecords,
    columns: read.columns.map((c) => c.name),
    rows: read.rows.map((r) => read.columns.map((c) => r[c.name] ?? null)),
    table,
    files,
  };
}

async function readRange(options: ClientOptions, p: Pipeline): Promise<Range> {
  const admin = new KafkaAdmin(options);
  try {
    const existing = new Set(await admin.listTopics());
    const missing = p.topics.filter((t) => !existing.has(t));
    if (missing.length > 0)
      throw new WorkbenchError('NOT_FOUND', `Topic ${missing.join(', ')} does not exist; create it or fix the pipeline's source topics`);
    const range: Range = new Map();
    for (const topic of p.topics) {
      const ends = await admin.watermarks(topic);
      const starts = p.startingOffsets.kind === 'timestamp' ? await admin.offsetsForTimestamp(topic, p.startingOffsets.timestampMs) : null;
      for (const o of ends) {
        const fromTime = starts?.get(o.partition);
        // A timestamp past the last record answers -1: nothing to read in that partition.
        const start = fromTime === undefined ? BigInt(o.low) : fromTime < 0 ? BigInt(o.high) : BigInt(fromTime);
        range.set(`${topic}:${o.partition}`, { topic, partition: o.partition, start, end: BigInt(o.high) });
      }
    }
    return range;
  } finally {
    await admin.close();
  }
}

function compareRows(a: Row, b: Row): number {
  const ka = JSON.stringify(Object.values(a));
  const kb = JSON.stringify(Object.values(b));
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Replaces the report table in one transaction: a reader sees the previous report or the new one. */
export function saveReportTable(db: Db, table: string, columns: ReportColumn[], rows: Row[]): void {
  replaceTable(db, table, columns, rows);
}

/** One file per format, `<table>.<ext>`, written to a temp name and renamed: a rerun replaces it whole. */
async function writeFiles(
  folder: string,
  base: string,
  columns: ReportColumn[],
  rows: Row[],
  formats: BatchDeps['formats'],
): Promise<string[]> {
  const specs: ColumnSpec[] = columns.map(({ name, type, nullable }) => ({ name, type, nullable }));
  const files: string[] = [];
  for (const kind of formats) {
    const format: ExportFormat =
      kind === 'csv'
        ? { kind, delimiter: ',', header: true }
        : kind === 'jsonl'
          ? { kind }
          : { kind, codec: 'snappy', timestampUnit: 'ms', rowGroupRows: 100_000 };
    const output = await openLocalOutput(folder, `${base}.${fileExtension(format)}`);
    try {
      const writer = createWriter(format, specs, output.sink);
      await writer.write(rows);
      await writer.close();
      await output.commit();
      files.push(output.location);
    } catch (error) {
      await output.abort();
      throw error;
    }
  }
  return files;
}
