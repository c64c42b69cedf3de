import type { BatchReport } from '../../../shared/exports.js';
import type { AggregationSpec, Pipeline } from '../../../shared/pipelines.js';
import type { ExportSourceHandle } from '../exports/sources/types.js';
import type { ClientOptions } from '../kafka/group-member.js';
import type { RegistryClient } from '../schema-registry/registry-client.js';
import type { Db } from '../store/db.js';
import { inTimestampUnit, reportColumns } from './result-columns.js';
import { planBatch, readReport, reportAggregation, reportOf, reportTable, saveReportTable } from './batch-runner.js';

export interface BatchReportSourceDeps {
  db: Db;
  kafka: ClientOptions;
  pipeline: Pipeline;
  /** The report's aggregation; default the pipeline's own. */
  aggregation?: AggregationSpec | undefined;
  /** Its name in the history ("per sensor"), when not the pipeline's own aggregation. */
  reportName?: string;
  table?: string | undefined;
  timestampUnit: 'ms' | 'us';
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** The schema registry of the pipeline's connection (the `registry` decoder needs it). */
  registry?: RegistryClient | null;
}

export type BatchReportSource = ExportSourceHandle & {
  /** The report once its rows were handed on (the job adds the files it wrote); null before. */
  report(): Omit<BatchReport, 'files'> | null;
};

/**
 * A batch report as an export source: opening it fixes the range (the end offsets now; a missing
 * topic fails here, before any file is opened). Reading runs the bounded read (batch-runner.ts),
 * counting records read against the range for the progress, then replaces the SQLite report table
 * and yields the report's rows once — every file of the job is written from that one read.
 */
export async function openBatchReportSource(deps: BatchReportSourceDeps): Promise<BatchReportSource> {
  const p = deps.pipeline;
  const aggregation = reportAggregation(p, deps.aggregation);
  const table = reportTable(p, deps.table);
  const progress = await planBatch(deps.kafka, p);
  const columns = inTimestampUnit(
    reportColumns(p, aggregation).map(({ name, type }) => ({ name, type, nullable: true })),
    deps.timestampUnit,
  );
  let report: Omit<BatchReport, 'files'> | null = null;
  return {
    label: table,
    title: `Batch report of ${p.name}${deps.reportName ? ` (${deps.reportName})` : ''}`,
    fileBase: table,
    columns,
    totalRows: null,
    input: { read: () => progress.recordsRead, total: progress.total },
    report: () => report,
    async *batches(signal) {
      const started = performance.now();
      const read = await readReport(
        {
          db: deps.db,
          kafka: deps.kafka,
          pipeline: p,
          aggregation,
          signal,
          registry: deps.registry ?? null,
          ...(deps.log ? { log: deps.log } : {}),
        },
        progress,
      );
      saveReportTable(deps.db, table, read.columns, read.rows);
      const { recordsRead, badRecords, columns: names, rows } = reportOf(read, table, []);
      report = { recordsRead, badRecords, columns: names, rows, table, durationMs: performance.now() - started };
      if (read.rows.length > 0) yield read.rows;
    },
  };
}
