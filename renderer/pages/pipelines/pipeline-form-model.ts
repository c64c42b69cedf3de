import type { DatabaseEngine } from '../../../shared/databases.js';
import {
  issS1Projection,
  type AggregateFn,
  type ColumnType,
  type OutputMode,
  type Pipeline,
  type PipelineInput,
  type PipelineSpec,
} from '../../../shared/pipelines.js';
import { databaseSinkFromForm, databaseSinkToForm, emptyDatabaseSinkForm, type DatabaseSinkForm } from './pipeline-form-database-model.js';
import { emptyFileSinkForm, fileSinkFromForm, fileSinkToForm, issS1FileSink, type FileSinkForm } from './pipeline-form-files-model.js';

export type TimestampFormat = '' | 'iso' | 'epoch-s' | 'epoch-ms';

export interface ProjectionRow {
  path: string;
  column: string;
  type: ColumnType;
  timestampFormat: TimestampFormat;
  required: boolean;
  /** Set: an `email-domain` column derived from this projected column (its path is not used). */
  deriveFrom?: string;
}

export interface AggregateRow {
  fn: AggregateFn;
  column: string;
  as: string;
}

/** The pipeline form as the inputs hold it: text, parsed on save. */
export interface PipelineForm {
  id: string | undefined;
  name: string;
  topics: string;
  groupId: string;
  startKind: 'earliest' | 'latest' | 'timestamp';
  startTimestamp: string;
  maxRecordsPerBatch: string;
  triggerInterval: string;
  decoder: PipelineSpec['decoder'];
  filter: string;
  wordSeparator: string;
  projection: ProjectionRow[];
  aggregate: boolean;
  groupBy: string;
  windowColumn: string;
  windowDuration: string;
  windowSlide: string;
  windowOffset: string;
  watermarkDelay: string;
  aggregates: AggregateRow[];
  outputMode: OutputMode;
  sparkCompatibility: PipelineSpec['sparkCompatibility'];
  kafkaTopic: string;
  kafkaFormat: 'json' | 'long';
  sqliteTable: string;
  deadLetterTopic: string;
  files: FileSinkForm;
  database: DatabaseSinkForm;
  scaleOut: boolean;
}

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
};

/** `5 minutes`, `10m`, `30s`, `500ms`, `1h` → milliseconds (Spark's interval strings, the common units). */
export function parseDuration(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)?\s*$/i.exec(text);
  if (!match) return null;
  const unit = (match[2] ?? 'ms').toLowerCase();
  const factor = UNITS[unit];
  if (factor === undefined) return null;
  return Math.round(Number(match[1]) * factor);
}

export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  for (const [unit, factor] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms % factor === 0) return `${ms / factor}${unit}`;
  }
  return `${ms}ms`;
}

const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

export function emptyForm(): PipelineForm {
  return {
    id: undefined,
    name: '',
    topics: '',
    groupId: '',
    startKind: 'earliest',
    startTimestamp: '',
    maxRecordsPerBatch: '5000',
    triggerInterval: '0s',
    decoder: 'json',
    filter: '',
    wordSeparator: '',
    projection: [],
    aggregate: false,
    groupBy: '',
    windowColumn: '',
    windowDuration: '',
    windowSlide: '',
    windowOffset: '',
    watermarkDelay: '',
    aggregates: [{ fn: 'count', column: '', as: 'count' }],
    outputMode: 'update',
    sparkCompatibility: '3.4',
    kafkaTopic: '',
    kafkaFormat: 'json',
    sqliteTable: '',
    deadLetterTopic: '',
    files: emptyFileSinkForm(),
    database: emptyDatabaseSinkForm(),
    scaleOut: false,
  };
}

/** S1: ISS positions from `project_topic`, flattened to typed columns, Parquet files (local folder; S3 as an option). */
export function issS1Preset(dataDir: string): PipelineForm {
  return {
    ...emptyForm(),
    name: 'ISS → Parquet',
    topics: 'project_topic',
    groupId: 'iss-s1',
    maxRecordsPerBatch: '5000',
    triggerInterval: '5s',
    projection: issS1Projection.map((c) => ({
      path: c.path,
      column: c.column,
      type: c.type,
      timestampFormat: c.timestampFormat ?? '',
      required: c.required ?? true,
    })),
    outputMode: 'append',
    files: issS1FileSink(dataDir),
  };
}

/**
 * S2: random users from `random-user`, flattened into the `users` table of docs/STACKS.md S2 (the sink
 * adds `id`), with `email_domain` derived from `email`.
 */
export function randomUsersS2Preset(): PipelineForm {
  const at = (column: string, path: string, type: ColumnType = 'string', timestampFormat: TimestampFormat = ''): ProjectionRow => ({
    path: `results.0.${path}`,
    column,
    type,
    timestampFormat,
    required: true,
  });
  return {
    ...emptyForm(),
    name: 'Random users → table',
    topics: 'random-user',
    groupId: 'users-s2',
    projection: [
      at('gender', 'gender'),
      at('name_title', 'name.title'),
      at('name_first', 'name.first'),
      at('name_last', 'name.last'),
      at('street_number', 'location.street.number', 'int'),
      at('street_name', 'location.street.name'),
      at('city', 'location.city'),
      at('state', 'location.state'),
      at('country', 'location.country'),
      at('postcode', 'location.postcode'),
      at('email', 'email'),
      at('uuid', 'login.uuid'),
      at('dob_date', 'dob.date', 'timestamp', 'iso'),
      at('age', 'dob.age', 'int'),
      at('phone', 'phone'),
      at('cell', 'cell'),
      at('picture_large', 'picture.large'),
      { path: '', column: 'email_domain', type: 'string', timestampFormat: '', required: true, deriveFrom: 'email' },
    ],
    outputMode: 'append',
    sqliteTable: 'users',
  };
}

/**
 * S2 into PostgreSQL: the same 18 columns (with `email_domain`) into a `users` table of the chosen
 * database connection, keyed by the user's `uuid`, created on the first start.
 */
export function randomUsersPostgresPreset(connection: { id: string; engine: DatabaseEngine } | null): PipelineForm {
  return {
    ...randomUsersS2Preset(),
    name: 'Random users → PostgreSQL',
    groupId: 'users-postgres',
    sqliteTable: '',
    database: {
      connectionId: connection?.id ?? '',
      engine: connection?.engine ?? 'postgres',
      table: 'users',
      primaryKey: 'uuid',
      createTable: true,
    },
  };
}

/** S2 into Cassandra: the PostgreSQL preset's table and key (`uuid`) in the keyspace of a Cassandra connection. */
export function randomUsersCassandraPreset(connection: { id: string; engine: DatabaseEngine } | null): PipelineForm {
  const preset = randomUsersPostgresPreset(connection);
  return {
    ...preset,
    name: 'Random users → Cassandra',
    groupId: 'users-cassandra',
    database: { ...preset.database, engine: connection?.engine ?? 'cassandra' },
  };
}

/** S3: 5-minute tumbling windows on `timestamp`, 10-minute watermark, per-sensor averages, update mode, to `output_topic`. */
export function sensorsPreset(): PipelineForm {
  const double = (path: string): ProjectionRow => ({ path, column: path, type: 'double', timestampFormat: '', required: true });
  return {
    ...emptyForm(),
    name: 'Sensor windows',
    topics: 'input_topic',
    groupId: 'sensors-s3',
    projection: [
      { path: 'timestamp', column: 'timestamp', type: 'timestamp', timestampFormat: 'iso', required: true },
      { path: 'sensor_id', column: 'sensor_id', type: 'string', timestampFormat: '', required: true },
      double('temperature'),
      double('humidity'),
      double('pressure'),
    ],
    aggregate: true,
    groupBy: 'sensor_id',
    windowColumn: 'timestamp',
    windowDuration: '5m',
    watermarkDelay: '10m',
    aggregates: [
      { fn: 'avg', column: 'temperature', as: 'avg_temperature' },
      { fn: 'avg', column: 'humidity', as: 'avg_humidity' },
      { fn: 'avg', column: 'pressure', as: 'avg_pressure' },
      { fn: 'count', column: '', as: 'num_readings' },
    ],
    outputMode: 'update',
    kafkaTopic: 'output_topic',
  };
}

/** S4: the Kafka Streams word count: split on `:`, count per word, complete mode, string key + 64-bit long value. */
export function wordCountPreset(): PipelineForm {
  return {
    ...emptyForm(),
    name: 'Word count',
    topics: 'streams-plaintext-input',
    groupId: 'wordcount-s4',
    decoder: 'string',
    wordSeparator: ':',
    aggregate: true,
    groupBy: 'word',
    aggregates: [{ fn: 'count', column: '', as: 'count' }],
    outputMode: 'complete',
    kafkaTopic: 'streams-wordcount-output',
    kafkaFormat: 'long',
  };
}

export function pipelineToForm(p: Pipeline): PipelineForm {
  const a = p.aggregation;
  const kafka = p.sinks.find((s) => s.kind === 'kafka');
  const table = p.sinks.find((s) => s.kind === 'sqlite-table');
  return {
    id: p.id,
    name: p.name,
    topics: p.topics.join(', '),
    groupId: p.groupId,
    startKind: p.startingOffsets.kind,
    startTimestamp: p.startingOffsets.kind === 'timestamp' ? new Date(p.startingOffsets.timestampMs).toISOString() : '',
    maxRecordsPerBatch: String(p.maxRecordsPerBatch),
    triggerInterval: formatDuration(p.triggerIntervalMs),
    decoder: p.decoder,
    filter: p.filter ?? '',
    wordSeparator: p.wordSplit?.separator ?? '',
    projection: p.projection.map((c) => ({
      path: c.derive ? '' : c.path,
      column: c.column,
      type: c.type,
      timestampFormat: c.timestampFormat ?? '',
      required: c.required,
      ...(c.derive ? { deriveFrom: c.derive.from } : {}),
    })),
    aggregate: a !== undefined,
    groupBy: a?.groupBy.join(', ') ?? '',
    windowColumn: a?.window?.column ?? '',
    windowDuration: a?.window ? formatDuration(a.window.durationMs) : '',
    windowSlide: a?.window?.slideMs === undefined ? '' : formatDuration(a.window.slideMs),
    windowOffset: a?.window?.offsetMs ? formatDuration(a.window.offsetMs) : '',
    watermarkDelay: a?.watermarkDelayMs === undefined ? '' : formatDuration(a.watermarkDelayMs),
    aggregates: a?.aggregates.map((g) => ({ fn: g.fn, column: g.column ?? '', as: g.as })) ?? emptyForm().aggregates,
    outputMode: p.outputMode,
    sparkCompatibility: p.sparkCompatibility,
    kafkaTopic: kafka?.kind === 'kafka' ? kafka.topic : '',
    kafkaFormat: kafka?.kind === 'kafka' ? kafka.format : 'json',
    sqliteTable: table?.kind === 'sqlite-table' ? table.table : '',
    deadLetterTopic: p.deadLetterTopic ?? '',
    files: fileSinkToForm(p.sinks),
    database: databaseSinkToForm(p.sinks),
    scaleOut: p.scaleOut,
  };
}

export type FormErrors = Partial<
  Record<
    | 'name'
    | 'topics'
    | 'groupId'
    | 'startTimestamp'
    | 'maxRecordsPerBatch'
    | 'triggerInterval'
    | 'window'
    | 'projection'
    | 'files'
    | 'database',
    string
  >
>;

/** The form → the contract's input, or the errors to show beside the fields (the engine validates again). */
export function formToInput(form: PipelineForm, connectionId: string): { input: PipelineInput } | { errors: FormErrors } {
  const errors: FormErrors = {};
  if (form.name.trim() === '') errors.name = 'Give the pipeline a name';
  const topics = list(form.topics);
  if (topics.length === 0) errors.topics = 'At least one source topic';
  if (form.groupId.trim() === '') errors.groupId = 'A consumer group id';
  const timestampMs = Date.parse(form.startTimestamp);
  if (form.startKind === 'timestamp' && Number.isNaN(timestampMs)) errors.startTimestamp = 'An ISO date-time, e.g. 2024-05-01T12:00:00Z';
  const maxRecords = Number(form.maxRecordsPerBatch);
  if (!Number.isInteger(maxRecords) || maxRecords < 1) errors.maxRecordsPerBatch = 'A whole number ≥ 1';
  const trigger = parseDuration(form.triggerInterval === '' ? '0' : form.triggerInterval);
  if (trigger === null) errors.triggerInterval = 'A duration such as 0s, 500ms, 10s';
  const optionalDuration = (text: string) => (text.trim() === '' ? undefined : parseDuration(text));
  const duration = optionalDuration(form.windowDuration);
  const slide = optionalDuration(form.windowSlide);
  const offset = optionalDuration(form.windowOffset);
  const delay = optionalDuration(form.watermarkDelay);
  const windowed = form.aggregate && form.windowColumn.trim() !== '';
  if (windowed && (duration === undefined || duration === null || duration <= 0)) errors.window = 'A window needs a duration such as 5m';
  if ([slide, offset, delay].includes(null)) errors.window = 'Durations are like 30s, 5m, 1h';
  if (
    form.wordSeparator === '' &&
    form.projection.some((p) => p.column.trim() === '' || (p.deriveFrom === undefined ? p.path.trim() === '' : p.deriveFrom === ''))
  )
    errors.projection = 'Every projection row needs a path (or a column to derive from) and a column';
  const files = fileSinkFromForm(form.files);
  if ('error' in files) errors.files = files.error;
  const database = databaseSinkFromForm(form.database, form.aggregate);
  if ('error' in database) errors.database = database.error;
  if (Object.keys(errors).length > 0 || 'error' in files || 'error' in database) return { errors };

  const sinks: PipelineInput['sinks'] = [];
  if (form.kafkaTopic.trim() !== '') sinks.push({ kind: 'kafka', topic: form.kafkaTopic.trim(), format: form.kafkaFormat });
  if (form.sqliteTable.trim() !== '') sinks.push({ kind: 'sqlite-table', table: form.sqliteTable.trim() });
  if (files.sink) sinks.push(files.sink);
  if (database.sink) sinks.push(database.sink);
  const input: PipelineInput = {
    ...(form.id === undefined ? {} : { id: form.id }),
    name: form.name.trim(),
    connectionId,
    topics,
    groupId: form.groupId.trim(),
    startingOffsets: form.startKind === 'timestamp' ? { kind: 'timestamp', timestampMs } : { kind: form.startKind },
    maxRecordsPerBatch: maxRecords,
    triggerIntervalMs: trigger ?? 0,
    decoder: form.decoder,
    ...(form.filter.trim() === '' ? {} : { filter: form.filter.trim() }),
    projection:
      form.wordSeparator === ''
        ? form.projection.map((p) => ({
            // A derived column has no path of its own; the engine ignores it (shared/pipelines.ts).
            path: p.deriveFrom !== undefined ? '$' : p.path.trim(),
            ...(p.deriveFrom !== undefined ? { derive: { kind: 'email-domain' as const, from: p.deriveFrom } } : {}),
            column: p.column.trim(),
            type: p.type,
            required: p.required,
            ...(p.type === 'timestamp' && p.timestampFormat !== '' ? { timestampFormat: p.timestampFormat } : {}),
          }))
        : [],
    ...(form.wordSeparator === '' ? {} : { wordSplit: { separator: form.wordSeparator } }),
    outputMode: form.outputMode,
    sparkCompatibility: form.sparkCompatibility,
    sinks,
    ...(form.deadLetterTopic.trim() === '' ? {} : { deadLetterTopic: form.deadLetterTopic.trim() }),
    // The engine checks scale-out's constraints (one topic, no file sinks) and says what to change.
    scaleOut: form.scaleOut,
  };
  if (form.aggregate) {
    input.aggregation = {
      groupBy: list(form.groupBy),
      ...(windowed && duration
        ? {
            window: { column: form.windowColumn.trim(), durationMs: duration, ...(slide ? { slideMs: slide } : {}), offsetMs: offset ?? 0 },
          }
        : {}),
      ...(windowed && delay !== undefined && delay !== null ? { watermarkDelayMs: delay } : {}),
      aggregates: form.aggregates.map((g) => ({
        fn: g.fn,
        as: g.as.trim(),
        ...(g.column.trim() === '' ? {} : { column: g.column.trim() }),
      })),
    };
  }
  return { input };
}
