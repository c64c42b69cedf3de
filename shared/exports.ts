import { z } from 'zod';
import { method, none } from './define.js';

/** Column types a writer understands. Timestamps are ms or µs, never ns (Spark and older readers choke on ns). */
export const columnTypeSchema = z.enum(['string', 'int32', 'int64', 'double', 'boolean', 'timestamp-ms', 'timestamp-us']);
export type ColumnType = z.infer<typeof columnTypeSchema>;

export const columnSpecSchema = z.object({
  name: z.string().min(1).max(128),
  type: columnTypeSchema,
  nullable: z.boolean().default(true),
  /**
   * Parquet min/max statistics for the column (default on). Off for opaque payloads (a record's
   * value, its headers as JSON), whose bounds prune nothing for a reader and cost the writer the
   * most: comparing every long string in code-point order.
   */
  statistics: z.boolean().optional(),
});
export type ColumnSpec = z.infer<typeof columnSpecSchema>;

/** Every codec offered writes pages other readers open (checked by DuckDB and pyarrow in the tests). */
export const parquetCodecSchema = z.enum(['snappy', 'zstd', 'gzip', 'none']);
export type ParquetCodec = z.infer<typeof parquetCodecSchema>;

export const exportFormatSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('csv'),
    // A quote or a line break cannot separate fields (a reader could not tell them apart).
    delimiter: z
      .string()
      .length(1)
      .refine((d) => !['"', '\r', '\n', '\uFEFF'].includes(d), 'The CSV delimiter cannot be a quote or a line break; use , ; | or tab')
      .default(','),
    header: z.boolean().default(true),
  }),
  z.object({ kind: z.literal('jsonl') }),
  z.object({
    kind: z.literal('parquet'),
    codec: parquetCodecSchema.default('snappy'),
    timestampUnit: z.enum(['ms', 'us']).default('ms'),
    /** Rows per row group: bounds the memory a writer holds before flushing. */
    rowGroupRows: z.number().int().min(1000).max(1_000_000).default(100_000),
  }),
]);
export type ExportFormat = z.infer<typeof exportFormatSchema>;

export const s3CredentialsSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('default-chain') }),
  /** Saved S3 credentials (exports:saveCredentials), stored encrypted; resolved by the engine. */
  z.object({ mode: z.literal('saved'), id: z.string().min(1).max(64) }),
  /** Keys for one request only (tests, scripts); never stored by the exports feature. */
  z.object({
    mode: z.literal('keys'),
    accessKeyId: z.string().min(1).max(256),
    secretAccessKey: z.string().min(1).max(256),
    sessionToken: z.string().min(1).max(4096).optional(),
  }),
]);

/** Input of exports:saveCredentials: the keys go into the secret box, never back to the UI. */
export const s3CredentialInputSchema = z.object({
  id: z.string().min(1).max(64).optional(),
  name: z.string().trim().min(1).max(100),
  accessKeyId: z.string().trim().min(1).max(256),
  secretAccessKey: z.string().min(1).max(256),
  sessionToken: z.string().min(1).max(4096).optional(),
});
export type S3CredentialInput = z.input<typeof s3CredentialInputSchema>;

/** What the UI sees of saved S3 credentials: a name and a masked hint of the access key id. */
export const s3CredentialSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  accessKeyHint: z.string(),
  hasSessionToken: z.boolean(),
  updatedAt: z.number().int(),
});
export type S3CredentialSummary = z.infer<typeof s3CredentialSummarySchema>;

export const s3TargetSchema = z.object({
  kind: z.literal('s3'),
  bucket: z.string().min(3).max(63),
  /** May hold {yyyy} {MM} {dd} {HH} {mm} {ss} placeholders, filled in UTC at the start of the export. */
  prefix: z.string().max(512).default(''),
  region: z.string().min(1).max(64).default('us-east-1'),
  endpoint: z.url().optional(),
  forcePathStyle: z.boolean().default(false),
  credentials: s3CredentialsSchema.default({ mode: 'default-chain' }),
});
export type S3Target = z.infer<typeof s3TargetSchema>;

export const localTargetSchema = z.object({ kind: z.literal('local'), folder: z.string().min(1).max(4096) });
export const exportTargetSchema = z.discriminatedUnion('kind', [localTargetSchema, s3TargetSchema]);
export type ExportTarget = z.infer<typeof exportTargetSchema>;

/** SQLite tables that may be exported; anything else is refused (no free-form SQL). */
export const exportableTables = ['export_history', 'users'] as const;

export const exportSourceSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('topic'),
    connectionId: z.string().min(1).max(64),
    topic: z.string().min(1).max(249),
    /** Empty = every partition. */
    partitions: z.array(z.number().int().min(0)).max(10_000).default([]),
    /** First offset per partition (inclusive); absent = earliest. */
    fromOffset: z.string().regex(/^\d+$/).optional(),
    /** Last offset per partition (exclusive); absent = the end offset when the export starts. */
    toOffset: z.string().regex(/^\d+$/).optional(),
  }),
  z.object({ kind: z.literal('table'), table: z.enum(exportableTables) }),
  /** The result rows an aggregation pipeline stores now (`pipeline_results`), flattened to columns. */
  z.object({ kind: z.literal('pipeline-results'), pipelineId: z.string().min(1).max(64) }),
  /**
   * A batch report of a pipeline: one bounded read of its topics up to their end offsets at the
   * start, grouped by the pipeline's aggregation or the per-sensor report; the rows also replace the
   * SQLite table `table` (default `report_<pipeline name>`), and the files are named after it.
   */
  z.object({
    kind: z.literal('batch-report'),
    pipelineId: z.string().min(1).max(64),
    report: z.enum(['pipeline', 'sensors']).default('pipeline'),
    table: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'use letters, digits and _ (not starting with a digit)')
      .optional(),
  }),
]);
export type ExportSource = z.infer<typeof exportSourceSchema>;

export const exportRequestSchema = z
  .object({
    source: exportSourceSchema,
    format: exportFormatSchema,
    target: exportTargetSchema,
    /** File or object name without extension; default `<source>-<time>`. */
    name: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,200}$/, 'letters, digits, dot, dash and underscore only')
      .optional(),
    /** More files of the same rows from the same read (one job), e.g. CSV and Parquet of one batch report. */
    extraFormats: z.array(exportFormatSchema).max(2).default([]),
  })
  .refine((r) => new Set([r.format.kind, ...r.extraFormats.map((f) => f.kind)]).size === 1 + r.extraFormats.length, {
    message: 'Each format may be chosen once (its file name would be taken twice)',
    path: ['extraFormats'],
  });
export type ExportRequest = z.input<typeof exportRequestSchema>;

export const exportStatusSchema = z.enum(['running', 'done', 'failed', 'cancelled']);

export const exportProgressSchema = z.object({
  jobId: z.string(),
  status: exportStatusSchema,
  rows: z.number().int(),
  bytes: z.number().int(),
  /** null while the total is unknown. */
  percent: z.number().min(0).max(100).nullable(),
  location: z.string(),
  error: z.string().optional(),
  /** Running, but reading makes no progress now: why, and since when (it retries and goes on). */
  stalled: z.string().optional(),
  /** A source that reads its input before it has rows (a batch report): records read so far, of how many. */
  recordsRead: z.number().int().optional(),
  recordsTotal: z.number().int().optional(),
});
export type ExportProgress = z.infer<typeof exportProgressSchema>;

export const exportHistoryEntrySchema = z.object({
  id: z.string(),
  source: z.string(),
  format: z.string(),
  target: z.string(),
  location: z.string(),
  status: exportStatusSchema,
  rows: z.number().int(),
  bytes: z.number().int(),
  startedAt: z.number().int(),
  durationMs: z.number().int().nullable(),
  error: z.string().nullable(),
});
export type ExportHistoryEntry = z.infer<typeof exportHistoryEntrySchema>;

const jobRef = z.object({ jobId: z.string().min(1).max(64) });

const reportCell = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** A finished batch report: what was read, the rows (also in SQLite `table`), the files written. */
export const batchReportSchema = z.object({
  recordsRead: z.number(),
  badRecords: z.record(z.string(), z.number()),
  columns: z.array(z.string()),
  rows: z.array(z.array(reportCell)),
  table: z.string(),
  files: z.array(z.string()),
  durationMs: z.number(),
});
export type BatchReport = z.infer<typeof batchReportSchema>;

export const exportMethods = {
  'exports:start': method(
    exportRequestSchema,
    z.object({ jobId: z.string(), location: z.string() }),
    'Start an export job; progress comes as exports:progress events',
  ),
  'exports:cancel': method(jobRef, z.object({ cancelled: z.boolean() }), 'Cancel a running export; a partial file or upload is removed'),
  'exports:jobs': method(none, z.array(exportProgressSchema), 'Export jobs running now'),
  'exports:batchReport': method(
    jobRef,
    batchReportSchema.nullable(),
    'The report of a finished batch-report export (the latest 20 are kept); null if unknown or not done',
  ),
  'exports:history': method(
    z.object({ limit: z.number().int().min(1).max(1000).default(100) }).default({ limit: 100 }),
    z.array(exportHistoryEntrySchema),
    'Past and running export jobs, newest first',
  ),
  'exports:createBucket': method(s3TargetSchema, z.object({ created: z.boolean() }), 'Create the S3 bucket of a target'),
  'exports:createFolder': method(
    localTargetSchema,
    z.object({ created: z.boolean() }),
    'Create the local folder of a target and its missing parents',
  ),
  'exports:listCredentials': method(none, z.array(s3CredentialSummarySchema), 'Saved S3 credentials (names and masked key ids only)'),
  'exports:saveCredentials': method(
    s3CredentialInputSchema,
    s3CredentialSummarySchema,
    'Save S3 credentials, encrypted with safeStorage or the key file',
  ),
  'exports:removeCredentials': method(
    z.object({ id: z.string().min(1).max(64) }),
    z.object({ removed: z.boolean() }),
    'Forget saved S3 credentials',
  ),
  'exports:retryAborts': method(
    none,
    z.object({ pending: z.number().int() }),
    'Try now to abort the unfinished multipart uploads an S3 endpoint did not answer for; resolves after one pass with how many are still waiting',
  ),
} as const;

export const exportEvents = {
  'exports:progress': exportProgressSchema,
} as const;
