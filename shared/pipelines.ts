import { z } from 'zod';
import { databaseEngineSchema } from './databases.js';
import { method } from './define.js';
import { batchReportSchema, exportFormatSchema, exportTargetSchema, type BatchReport } from './exports.js';

/** Column types of a projection. Timestamps are held as epoch milliseconds. */
export const columnTypeSchema = z.enum(['string', 'int', 'double', 'boolean', 'timestamp']);
export type ColumnType = z.infer<typeof columnTypeSchema>;

/** How a timestamp column is read from the source value. */
export const timestampFormatSchema = z.enum(['iso', 'epoch-s', 'epoch-ms']);

const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'use letters, digits and _ (not starting with a digit)');

/** One projected column: a dotted JSON path (`results.0.name.first`) → a typed column. */
export const projectionColumnSchema = z.object({
  column: identifier,
  /** Dotted path into the decoded value; `$` is the whole value. Ignored when `derive` is set. */
  path: z.string().min(1).max(300),
  type: columnTypeSchema,
  timestampFormat: timestampFormatSchema.optional(),
  /** A missing or null value is a bad record when required, a NULL column otherwise. */
  required: z.boolean().default(true),
  /** Derived from another projected column instead of a path (S2 `email_domain` from `email`). */
  derive: z.object({ kind: z.literal('email-domain'), from: identifier }).optional(),
});
export type ProjectionColumn = z.output<typeof projectionColumnSchema>;

export const aggregateFnSchema = z.enum(['count', 'sum', 'avg', 'min', 'max']);
export type AggregateFn = z.infer<typeof aggregateFnSchema>;

export const aggregateSchema = z.object({
  fn: aggregateFnSchema,
  /** Not needed for `count`. */
  column: identifier.optional(),
  as: identifier,
});
export type AggregateSpec = z.output<typeof aggregateSchema>;

/**
 * Windows one record falls into: ceil(duration / slide) (Spark TimeWindowing makes that many
 * candidates per row). Capped: a 1-hour window sliding every millisecond is 3.6 million windows per
 * record, and three records exhausted the engine's memory.
 */
export const MAX_WINDOWS_PER_RECORD = 1_000;
/** Records per batch × windows per record: how many window states one batch may create at most. */
export const MAX_WINDOW_UPDATES_PER_BATCH = 2_000_000;

export const windowsPerRecord = (window: { durationMs: number; slideMs?: number | undefined }): number =>
  Math.ceil(window.durationMs / (window.slideMs ?? window.durationMs));

/** Spark `window(col, windowDuration, slideDuration, startTime)`; durations in milliseconds. */
export const windowSpecSchema = z
  .object({
    column: identifier,
    durationMs: z.number().int().positive(),
    slideMs: z.number().int().positive().optional(),
    offsetMs: z.number().int().default(0),
  })
  .refine((w) => windowsPerRecord(w) <= MAX_WINDOWS_PER_RECORD, {
    path: ['slideMs'],
    error: (issue) => {
      const w = issue.input as { durationMs: number; slideMs?: number };
      return `A ${w.durationMs} ms window sliding every ${String(w.slideMs)} ms puts each record in ${windowsPerRecord(w).toLocaleString('en-US')} windows; at most ${MAX_WINDOWS_PER_RECORD.toLocaleString('en-US')} (make the slide at least ${Math.ceil(w.durationMs / MAX_WINDOWS_PER_RECORD)} ms)`;
    },
  });
export type WindowSpec = z.output<typeof windowSpecSchema>;

export const aggregationSchema = z.object({
  groupBy: z.array(identifier).max(16).default([]),
  window: windowSpecSchema.optional(),
  /** Spark `withWatermark(windowColumn, delay)`; only with a window. */
  watermarkDelayMs: z.number().int().min(0).optional(),
  aggregates: z.array(aggregateSchema).min(1).max(32),
});
export type AggregationSpec = z.output<typeof aggregationSchema>;

export const outputModeSchema = z.enum(['update', 'append', 'complete']);
export type OutputMode = z.infer<typeof outputModeSchema>;

export const startingOffsetsSchema = z.union([
  z.object({ kind: z.literal('earliest') }),
  z.object({ kind: z.literal('latest') }),
  z.object({ kind: z.literal('timestamp'), timestampMs: z.number().int().min(0) }),
]);

/**
 * Rolling files (CSV / JSONL / Parquet) to a local folder or S3, one file per batch range with a
 * deterministic name `part-<pipeline>-<firstBatch>-<lastBatch>.<ext>`. A file is closed when it spans
 * `batches` batches or is `seconds` old, whichever comes first; neither = one file per batch with rows.
 * S3 keys are never stored with a pipeline (its spec is kept in clear in SQLite): S3 targets use
 * saved credentials by reference (sealed by the exports feature's store) or the default AWS chain
 * (environment, ~/.aws profile, SSO, instance role).
 */
export const fileSinkSchema = z.object({
  kind: z.literal('files'),
  format: exportFormatSchema,
  target: exportTargetSchema.refine((t) => t.kind !== 's3' || t.credentials.mode !== 'keys', {
    message:
      'A pipeline does not store S3 keys (its definition is kept unencrypted): save the keys under Exports → S3 credentials and choose them by name, or use the default AWS chain (environment, ~/.aws profile, SSO)',
  }),
  rolling: z
    .object({ batches: z.number().int().min(1).max(1_000_000).optional(), seconds: z.number().int().min(1).max(86_400).optional() })
    .default({}),
});
export type FileSinkSpec = z.output<typeof fileSinkSchema>;

/**
 * Rows (projection-only pipelines) or results (aggregations: keyed by window and group, upserted in
 * update and complete modes) into a table of a saved database connection, exactly once: the rows
 * and the pipeline's source offsets go to the database together (electron/engine/sinks/database-sink.ts).
 */
export const databaseSinkSchema = z.object({
  kind: z.literal('database'),
  engine: databaseEngineSchema,
  /** A saved database connection (`databases:save`); its password stays sealed in the app's store. */
  databaseConnectionId: z.string().min(1).max(64),
  table: identifier,
  /** Create the table from the projection when it does not exist; false: it must exist (checked before the start). */
  createTable: z.boolean().default(true),
  /** The table's primary key: rows upsert by it. Projection-only pipelines name it (S2: `uuid`); aggregations default to window + group. */
  primaryKey: z.array(identifier).max(16).default([]),
});
export type DatabaseSinkSpec = z.output<typeof databaseSinkSchema>;

export const sinkSchema = z.union([
  /** Rows of a projection-only pipeline into a table of the app's SQLite store (S2 `users`). */
  z.object({ kind: z.literal('sqlite-table'), table: identifier }),
  /** Results as records: JSON keyed by group + window, or word-count string key + int64 value. */
  z.object({ kind: z.literal('kafka'), topic: z.string().min(1).max(249), format: z.enum(['json', 'long']).default('json') }),
  fileSinkSchema,
  databaseSinkSchema,
]);
export type SinkSpec = z.output<typeof sinkSchema>;

export const pipelineInputSchema = z.object({
  id: z.string().min(1).max(64).optional(),
  name: z.string().min(1).max(120),
  connectionId: z.string().min(1).max(64),
  topics: z.array(z.string().min(1).max(249)).min(1).max(16),
  groupId: z.string().min(1).max(249),
  startingOffsets: startingOffsetsSchema.default({ kind: 'earliest' }),
  /** Spark `maxOffsetsPerTrigger`: the most records one micro-batch takes over all its partitions, split between them by lag (`batch-plan.ts`). */
  maxRecordsPerBatch: z.number().int().min(1).max(1_000_000).default(5000),
  /** Minimum time between two batches (Spark `Trigger.ProcessingTime`); 0 = as fast as possible. */
  triggerIntervalMs: z.number().int().min(0).max(3_600_000).default(0),
  /**
   * How a record value becomes what the projection reads: `json` parses it, `string` keeps the
   * text, `registry` decodes Confluent's wire format (Avro, Protobuf or JSON Schema, by the schema
   * id's type) through the connection's schema registry into the same JSON a `json` value gives.
   */
  decoder: z.enum(['json', 'string', 'registry']).default('json'),
  /** The topic browser's CEL filter (key, value, headers, partition, offset, timestamp); kept when true. */
  filter: z.string().min(1).max(2000).optional(),
  projection: z.array(projectionColumnSchema).max(64).default([]),
  /** S4 listener: split the string value on a separator into one `word` row per token. */
  wordSplit: z.object({ separator: z.string().min(1).max(16) }).optional(),
  aggregation: aggregationSchema.optional(),
  outputMode: outputModeSchema.default('update'),
  /**
   * Which Spark the watermark follows: '3.4' (Spark 3.4 and newer, the default there since
   * SPARK-40925): late rows are filtered with the previous batch's watermark and state evicted with
   * the current one; 'before-3.4': one watermark for both (`statefulOperator.allowMultiple=false`).
   */
  sparkCompatibility: z.enum(['3.4', 'before-3.4']).default('3.4'),
  sinks: z.array(sinkSchema).max(8).default([]),
  deadLetterTopic: z.string().min(1).max(249).optional(),
  /**
   * Scale-out (Kafka Streams style): window state and offsets live in Kafka — a compacted changelog
   * topic per source partition, written with the results in one Kafka transaction per partition — so
   * several workers (the app or `npm run cli -- pipeline run`) with the same group id split the
   * partitions. One source topic; groups must be co-partitioned (a group's records all in one
   * partition, e.g. records keyed by the group column); no file sinks. Off: exactly-once into SQLite.
   */
  scaleOut: z.boolean().default(false),
});
export type PipelineInput = z.input<typeof pipelineInputSchema>;
export type PipelineSpec = z.output<typeof pipelineInputSchema>;

export const pipelineSchema = pipelineInputSchema.extend({
  id: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Pipeline = z.output<typeof pipelineSchema>;

export const badReasonSchema = z.enum(['decode', 'missing-field', 'wrong-type', 'filter', 'filter-too-costly']);
export type BadReason = z.infer<typeof badReasonSchema>;

export const badRecordSchema = z.object({
  topic: z.string(),
  partition: z.number(),
  offset: z.string(),
  reason: badReasonSchema,
  error: z.string(),
});
export type BadRecord = z.infer<typeof badRecordSchema>;

export const pipelineStatusSchema = z.object({
  pipelineId: z.string(),
  state: z.enum(['stopped', 'starting', 'running', 'failed']),
  error: z.string().nullable(),
  /**
   * Running but not making progress since this time (ms): the source cannot be read, or a file sink
   * cannot write (then no batch runs, so offsets stay at what the sink holds); `error` says why.
   */
  stalledSince: z.number().nullable(),
  batches: z.number(),
  recordsIn: z.number(),
  rowsOut: z.number(),
  recordsPerSecondIn: z.number(),
  rowsPerSecondOut: z.number(),
  watermarkMs: z.number().nullable(),
  openWindows: z.number(),
  /** Window rows (a record once per window it falls in) dropped as late, in total. */
  lateRows: z.number(),
  /** Spark's `numRowsDroppedByWatermark` in total: late rows counted after each batch's partial aggregation (distinct group + window keys). */
  droppedByWatermark: z.number(),
  badRecords: z.record(z.string(), z.number()),
  lastBad: z.array(badRecordSchema),
  lastBatchMs: z.number().nullable(),
  lag: z.array(
    z.object({ topic: z.string(), partition: z.number(), nextOffset: z.string().nullable(), highWatermark: z.string(), lag: z.number() }),
  ),
  /**
   * File sinks: files and rows written, files and rows waiting (pending or failing, retried with
   * back-off), the last write error. While a write fails the pipeline runs no batch (`stalledSince`).
   */
  files: z
    .object({
      done: z.number(),
      pending: z.number(),
      rowsWritten: z.number(),
      rowsWaiting: z.number(),
      lastError: z.string().nullable(),
      lastWriteMs: z.number().nullable(),
    })
    .optional(),
  /** Scale-out, while running: the changelog topic and the source partitions this worker holds (the other workers hold the rest). */
  scaleOut: z.object({ changelogTopic: z.string(), partitions: z.array(z.number()) }).optional(),
});
export type PipelineStatus = z.infer<typeof pipelineStatusSchema>;

/**
 * 'stalled' for a pipeline that runs but cannot read or cannot write its files (its error says why and
 * since when; it retries by itself), else its state. One word for both: the user sees that it is not
 * advancing and is not finished, unlike 'failed', which has stopped for good.
 */
export function shownState(status: Pick<PipelineStatus, 'state' | 'stalledSince'>): PipelineStatus['state'] | 'stalled' {
  return status.state === 'running' && status.stalledSince !== null ? 'stalled' : status.state;
}

const idRef = z.object({ id: z.string().min(1).max(64) });
const cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const resultsPageSchema = z.object({
  columns: z.array(z.string()),
  rows: z.array(z.array(cell)),
  total: z.number(),
});
export type ResultsPage = z.infer<typeof resultsPageSchema>;

export const batchFileFormatSchema = z.enum(['csv', 'parquet', 'jsonl']);

/** Batch mode: the pipeline once over its topics, from its start up to the end offsets read when the run starts. */
export const batchRunInputSchema = idRef.extend({
  /** The report's aggregation; default the pipeline's own (its watermark is ignored: a batch sees every record). */
  aggregation: aggregationSchema.optional(),
  /** SQLite table of the report, replaced on every run; default `report_<pipeline name>`. */
  table: identifier.optional(),
  /** A folder on the engine's machine for report files; none = SQLite only. */
  folder: z.string().min(1).max(1000).optional(),
  formats: z.array(batchFileFormatSchema).max(3).default([]),
});
export type BatchRunInput = z.input<typeof batchRunInputSchema>;

export { batchReportSchema, type BatchReport };

/** The S3 batch report: per sensor `total_readings` and avg/min/max of temperature, humidity and pressure. */
export const sensorsBatchReport: AggregationSpec = {
  groupBy: ['sensor_id'],
  aggregates: [
    { fn: 'count', as: 'total_readings' },
    ...(['temperature', 'humidity', 'pressure'] as const).flatMap((m) =>
      (['avg', 'min', 'max'] as const).map((fn) => ({ fn, column: m, as: `${fn}_${m}` })),
    ),
  ],
};

/** S1: Open Notify `{timestamp: epoch s, iss_position: {latitude: "<string>", longitude: "<string>"}}` → typed columns. */
export const issS1Projection: z.input<typeof projectionColumnSchema>[] = [
  { column: 'timestamp', path: 'timestamp', type: 'timestamp', timestampFormat: 'epoch-s' },
  { column: 'latitude', path: 'iss_position.latitude', type: 'double' },
  { column: 'longitude', path: 'iss_position.longitude', type: 'double' },
];

export const pipelineMethods = {
  'pipelines:list': method(z.undefined(), z.array(pipelineSchema), 'Saved pipelines'),
  'pipelines:save': method(pipelineInputSchema, pipelineSchema, 'Create (no id) or edit (id) a pipeline'),
  'pipelines:remove': method(
    idRef.extend({
      /** Scale-out: also delete its `<groupId>-state-changelog` topic (refused while workers of the group still run). */
      deleteChangelog: z.boolean().default(false),
    }),
    z.object({
      removed: z.boolean(),
      /** The changelog topic deleted, or why it was kept (another saved pipeline uses the same group). */
      changelog: z.object({ topic: z.string(), deleted: z.boolean(), reason: z.string().nullable() }).optional(),
    }),
    'Stop and remove a pipeline with its checkpoint (and, if asked, its scale-out changelog topic)',
  ),
  'pipelines:start': method(idRef, pipelineStatusSchema, 'Start a pipeline from its checkpoint'),
  'pipelines:stop': method(idRef, pipelineStatusSchema, 'Stop a pipeline after its current batch'),
  'pipelines:status': method(idRef, pipelineStatusSchema, 'State, lag, rates, watermark and counters of a pipeline'),
  'pipelines:results': method(
    idRef.extend({
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1000).default(100),
      /**
       * An aggregate's name (`as`): the page is that column's largest values first (ties by group),
       * so a word count's "top N" is the N most frequent of all its words. Default: newest window
       * first, then group.
       */
      orderBy: z.string().min(1).max(200).optional(),
    }),
    resultsPageSchema,
    'A page of the result table of a pipeline',
  ),
  'pipelines:runBatch': method(batchRunInputSchema, batchReportSchema, 'Run a pipeline once over a bounded range and write its report'),
} as const;

export const pipelineEvents = {
  /** Throttled status of one pipeline. */
  'pipelines:status': pipelineStatusSchema,
  /** A small notice: the results of a pipeline changed; the UI pages them through `pipelines:results`. */
  'pipelines:resultsChanged': z.object({ pipelineId: z.string(), batch: z.number(), changedRows: z.number() }),
} as const;

/**
 * Limits a pipeline's definition must keep to (checked when it is saved and when it starts): one
 * batch may create at most MAX_WINDOW_UPDATES_PER_BATCH window states. Null when it does.
 */
export function pipelineLimitsProblem(spec: Pick<PipelineSpec, 'maxRecordsPerBatch' | 'aggregation'>): string | null {
  const window = spec.aggregation?.window;
  if (!window) return null;
  const perRecord = windowsPerRecord(window);
  if (perRecord > MAX_WINDOWS_PER_RECORD) {
    return `A ${window.durationMs} ms window sliding every ${String(window.slideMs)} ms puts each record in ${perRecord.toLocaleString('en-US')} windows; at most ${MAX_WINDOWS_PER_RECORD.toLocaleString('en-US')}`;
  }
  if (spec.maxRecordsPerBatch * perRecord > MAX_WINDOW_UPDATES_PER_BATCH) {
    const most = Math.floor(MAX_WINDOW_UPDATES_PER_BATCH / perRecord);
    return `${spec.maxRecordsPerBatch.toLocaleString('en-US')} records per batch in ${perRecord} windows each may create ${(spec.maxRecordsPerBatch * perRecord).toLocaleString('en-US')} window states in one batch; at most ${MAX_WINDOW_UPDATES_PER_BATCH.toLocaleString('en-US')} (lower the records per batch to ${most.toLocaleString('en-US')} or lengthen the slide)`;
  }
  return null;
}
