import { z } from 'zod';
import { method } from './define.js';

/** Producer settings the user can set; which are the client's and which the app's is in producerConfigHelp. */
export const compressionSchema = z.enum(['none', 'gzip', 'snappy', 'lz4', 'zstd']);
export type Compression = z.infer<typeof compressionSchema>;

export const producerConfigSchema = z
  .object({
    clientId: z.string().min(1).max(200).default('kafka-workbench-producer'),
    acks: z.enum(['all', '1', '0']).default('all'),
    idempotent: z.boolean().default(false),
    retries: z.number().int().min(0).max(100).default(3),
    lingerMs: z.number().int().min(0).max(60_000).default(5),
    batchSize: z
      .number()
      .int()
      .min(1)
      .max(64 * 1024 * 1024)
      .default(16_384),
    compression: compressionSchema.default('none'),
    maxInFlight: z.number().int().min(1).max(100).default(5),
    requestTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
    maxBlockMs: z.number().int().min(0).max(600_000).default(60_000),
    bufferMemory: z
      .number()
      .int()
      .min(1024)
      .max(1024 * 1024 * 1024)
      .default(32 * 1024 * 1024),
    /** Messages per second; 0 = unlimited. */
    rateLimit: z.number().min(0).max(1_000_000).default(0),
  })
  // Kafka's rules for the idempotent producer (Java ProducerConfig), said before a start fails on them.
  .refine((c) => !c.idempotent || c.acks === 'all', { message: 'an idempotent producer needs acks=all', path: ['acks'] })
  .refine((c) => !c.idempotent || c.maxInFlight <= 5, {
    message: 'an idempotent producer allows at most 5 requests in flight',
    path: ['maxInFlight'],
  })
  // @platformatic/kafka turns retries ≤ 1 of an idempotent producer into unlimited retries
  // (Producer constructor, dist/clients/producer/producer.js); refuse the combination rather than
  // send with a retry count other than the one the user set.
  .refine((c) => !c.idempotent || c.retries >= 2, {
    message: 'an idempotent producer needs at least 2 retries (the Kafka client retries it without limit at 0 or 1)',
    path: ['retries'],
  });
export type ProducerConfig = z.infer<typeof producerConfigSchema>;

/**
 * A producer spec as saved before there was one client: it may carry `config.client` ('kafkajs' or
 * 'platformatic'), now without meaning (the schema drops unknown keys), and an idempotent kafkajs
 * producer may have 1 retry, which the one client would turn into unlimited retries: raised to 2,
 * the nearest count the client honours, so the saved producer still loads and starts.
 */
export function upgradeSavedProducer(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object') return raw;
  const spec = raw as { config?: unknown };
  if (!spec.config || typeof spec.config !== 'object' || !('client' in spec.config)) return raw;
  const config = { ...(spec.config as { client?: unknown; idempotent?: unknown; retries?: unknown }) };
  delete config.client;
  if (config.idempotent === true && typeof config.retries === 'number' && config.retries < 2) config.retries = 2;
  return { ...spec, config };
}

/** Shown next to the settings: which the Kafka client applies, and which the app's batch sender. */
export const producerConfigHelp: Record<keyof ProducerConfig, string> = {
  clientId: 'Client id sent to the broker (client.id).',
  acks: 'Client setting: acks of every produce request: all (-1), leader only (1) or none (0).',
  idempotent:
    'Client setting (enable.idempotence): the broker drops resent duplicates and keeps order per partition. Needs acks=all and at least 2 retries; the client then keeps one request in flight per broker. Like the Java client since Kafka 3.0, the app also turns it on by itself whenever acks=all, retries ≥ 2 and max in flight ≤ 5.',
  retries:
    'Client setting: how often a failed produce request is sent again. Without idempotence a resent request may write its records twice.',
  lingerMs: 'App setting (the batch sender, as linger.ms): records are held up to this long and sent as one request.',
  batchSize: 'App setting (the batch sender, as batch.size): a batch is sent once it holds this many bytes.',
  compression: 'Client setting: batches are compressed by the Kafka client (gzip, snappy, lz4, zstd).',
  maxInFlight:
    'Client setting (max in-flight requests per broker connection); the batch sender also keeps at most this many batches outstanding. At 1 (or with idempotence) batches go one after another, so order is kept across retries.',
  requestTimeoutMs: 'Client setting: the broker waits this long for acks (produce timeout); the client gives up on the request 5 s later.',
  maxBlockMs: 'App setting (the batch sender, as max.block.ms): how long the source waits for buffer space before it reports an error.',
  bufferMemory:
    'App setting (the batch sender, as buffer.memory): bytes of records accepted but not yet acknowledged before the source is held back.',
  rateLimit: 'App setting: upper bound on messages per second (0 = no limit).',
};

const range = z.tuple([z.number(), z.number()]).refine(([min, max]) => min <= max, 'min must not exceed max');

export const sensorsSourceSchema = z.object({
  kind: z.literal('sensors'),
  sensorCount: z.number().int().min(1).max(10_000).default(10),
  temperature: range.default([15, 35]),
  humidity: range.default([30, 90]),
  pressure: range.default([980, 1050]),
  /** Share (0–1) of readings stamped in the past, to see watermarks drop late rows. */
  lateShare: z.number().min(0).max(1).default(0),
  /** How far back a late reading is stamped, seconds (uniform in [0, lateness]). */
  latenessSeconds: z.number().int().min(0).max(86_400).default(900),
  seed: z.number().int().optional(),
});

export const issSourceSchema = z.object({
  kind: z.literal('iss'),
  mode: z.enum(['auto', 'online', 'offline']).default('auto'),
  url: z.string().url().default('http://api.open-notify.org/iss-now.json'),
  /** Two-line element set; empty = the one bundled with the app. */
  tle: z.string().max(1000).default(''),
  timeoutMs: z.number().int().min(100).max(60_000).default(5000),
});

export const randomUsersSourceSchema = z.object({
  kind: z.literal('randomUsers'),
  mode: z.enum(['auto', 'online', 'offline']).default('auto'),
  url: z.string().url().default('https://randomuser.me/api/'),
  seed: z.number().int().optional(),
  timeoutMs: z.number().int().min(100).max(60_000).default(5000),
});

export const httpSourceSchema = z.object({
  kind: z.literal('http'),
  url: z.string().url(),
  method: z.enum(['GET', 'POST']).default('GET'),
  headers: z
    .array(z.object({ name: z.string().min(1).max(200), value: z.string().max(4000) }))
    .max(50)
    .default([]),
  body: z.string().max(100_000).default(''),
  /** JSON path of the records in the response: `$` (the whole body), `$.results[*]`, `$.data.items[0]`. */
  recordsPath: z.string().max(500).default('$'),
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  retries: z.number().int().min(0).max(10).default(2),
  backoffMs: z.number().int().min(0).max(60_000).default(500),
});

export const fileSourceSchema = z.object({
  kind: z.literal('file'),
  path: z.string().min(1).max(4000),
  format: z.enum(['csv', 'jsonl']).default('csv'),
  header: z.boolean().default(true),
  delimiter: z.string().min(1).max(5).default(','),
  quote: z.string().max(1).default('"'),
  /** Column types for CSV; untyped columns stay strings. */
  columnTypes: z.record(z.string(), z.enum(['string', 'int', 'float', 'boolean', 'json'])).default({}),
  pacing: z.enum(['interval', 'timestamp', 'fast']).default('interval'),
  timestampColumn: z.string().max(200).default('timestamp'),
  speed: z.number().positive().max(1_000_000).default(1),
  loop: z.boolean().default(false),
});

export const manualSourceSchema = z.object({
  kind: z.literal('manual'),
  value: z.string().max(1_000_000).default('{}'),
});

export const sourceSchema = z.discriminatedUnion('kind', [
  sensorsSourceSchema,
  issSourceSchema,
  randomUsersSourceSchema,
  httpSourceSchema,
  fileSourceSchema,
  manualSourceSchema,
]);
export type SourceSettings = z.infer<typeof sourceSchema>;
export type SourceKind = SourceSettings['kind'];

export const scheduleSchema = z.object({
  trigger: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('interval'), everyMs: z.number().int().min(10).max(86_400_000) }),
    z.object({ kind: z.literal('cron'), expression: z.string().min(1).max(200) }),
    /** Back to back: the source paces itself (file replay by timestamp, as fast as possible). */
    z.object({ kind: z.literal('continuous') }),
  ]),
  /** Runs per trigger: "10 requests per run". */
  perRun: z.number().int().min(1).max(100_000).default(1),
  /** Stop after this many messages sent (0 = no limit). */
  maxMessages: z.number().int().min(0).default(0),
  /** Stop at this time (epoch ms). */
  stopAt: z.number().int().nullable().default(null),
});
export type Schedule = z.infer<typeof scheduleSchema>;

export const keyStrategySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('field'), path: z.string().min(1).max(500) }),
  z.object({ kind: z.literal('fixed'), value: z.string().max(10_000) }),
  z.object({ kind: z.literal('random') }),
]);
export type KeyStrategy = z.infer<typeof keyStrategySchema>;

/** The serializer of the record value; `avro`, `protobuf` and `jsonschema` need the connection's schema registry. */
export const serializerSchema = z.enum(['json', 'string', 'avro', 'protobuf', 'jsonschema']);
export type Serializer = z.infer<typeof serializerSchema>;

/** The serializers that write Confluent's wire format with a schema of the registry. */
export const registrySerializers = ['avro', 'protobuf', 'jsonschema'] as const satisfies readonly Serializer[];
export type RegistrySerializer = (typeof registrySerializers)[number];
export const isRegistrySerializer = (serializer: Serializer): serializer is RegistrySerializer =>
  (registrySerializers as readonly Serializer[]).includes(serializer);

/**
 * Settings of the registry serializers, stored under the producer's `avro` field (the name from
 * when Avro was the only one, kept so producers saved then load unchanged). All: the registry
 * subject (empty = `<topic>-value`, Confluent's TopicNameStrategy). Avro: an optional schema to
 * register there (empty = the subject's latest). Protobuf and JSON Schema: the subject's version
 * (absent = latest); Protobuf: the message type (empty = the schema's first message, Confluent's
 * default). The schema id is resolved once when the producer starts.
 */
export const producerRegistrySchema = z.object({
  subject: z.string().trim().max(500).optional(),
  schema: z.string().max(200_000).optional(),
  version: z.number().int().min(1).optional(),
  message: z.string().trim().max(500).optional(),
});
export type ProducerRegistry = z.infer<typeof producerRegistrySchema>;

export const producerInputSchema = z.object({
  id: z.string().min(1).max(64).optional(),
  name: z.string().trim().min(1).max(200),
  connectionId: z.string().min(1).max(64),
  topic: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'topic names use letters, digits, ".", "_" and "-"'),
  source: sourceSchema,
  schedule: scheduleSchema,
  key: keyStrategySchema.default({ kind: 'none' }),
  serializer: serializerSchema.default('json'),
  /** The registry serializer's settings (Avro, Protobuf, JSON Schema); see producerRegistrySchema. */
  avro: producerRegistrySchema.optional(),
  headers: z
    .array(z.object({ name: z.string().min(1).max(200), value: z.string().max(4000) }))
    .max(50)
    .default([]),
  config: producerConfigSchema.default(producerConfigSchema.parse({})),
});
export type ProducerInput = z.input<typeof producerInputSchema>;
export type ProducerDefinition = z.output<typeof producerInputSchema> & { id: string };

export const producerStateSchema = z.enum(['stopped', 'starting', 'running', 'paused', 'waiting', 'finished', 'failed']);
export type ProducerState = z.infer<typeof producerStateSchema>;

export const deliveryErrorSchema = z.object({ at: z.number(), message: z.string() });

export const producerStatusSchema = z.object({
  id: z.string(),
  state: producerStateSchema,
  sent: z.number().int(),
  bytes: z.number().int(),
  /** Messages per second over the last few seconds. */
  rate: z.number(),
  errors: z.number().int(),
  lastError: z.string().nullable(),
  /** The last record sent, as text, cut to a preview. */
  lastRecord: z.string().nullable(),
  deliveryErrors: z.array(deliveryErrorSchema),
  updatedAt: z.number(),
});
export type ProducerStatus = z.infer<typeof producerStatusSchema>;

export const producerViewSchema = z.object({
  definition: producerInputSchema.extend({ id: z.string() }),
  status: producerStatusSchema,
});
export type ProducerView = z.infer<typeof producerViewSchema>;

export const recipeSchema = z.enum(['sensors', 'iss', 'randomUsers']);
export type Recipe = z.infer<typeof recipeSchema>;

const idRef = z.object({ id: z.string().min(1).max(64) });

export const producerMethods = {
  'producers:list': method(z.undefined(), z.array(producerViewSchema), 'Saved producers with their live status'),
  'producers:save': method(producerInputSchema, producerViewSchema, 'Create (no id) or edit (id) a producer'),
  'producers:remove': method(idRef, z.object({ removed: z.boolean() }), 'Stop and delete a producer'),
  'producers:start': method(idRef, producerStatusSchema, 'Start (or resume) a producer'),
  'producers:pause': method(idRef, producerStatusSchema, 'Pause a producer; its sends in flight complete'),
  'producers:stop': method(idRef, producerStatusSchema, 'Stop a producer after flushing what it accepted'),
  'producers:command': method(
    idRef.extend({ verb: z.enum(['start', 'stop', 'pause', 'resume']) }),
    z.object({ message: z.string().nullable(), status: producerStatusSchema }),
    "The CLI's verbs (`producer start|stop|pause|resume`): resume only a paused producer, pause only a running one, with what was done in words",
  ),
  'producers:resetCounts': method(idRef, producerStatusSchema, 'Zero the sent/bytes/error counters of a stopped producer'),
  'producers:ensureTopic': method(
    z.object({
      connectionId: z.string().min(1).max(64),
      topic: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/),
      partitions: z.number().int().min(1).max(1000).default(1),
    }),
    z.object({ created: z.boolean() }),
    "Create the producer's topic when it does not exist yet",
  ),
  'producers:recipe': method(
    z.object({ connectionId: z.string().min(1).max(64), recipe: recipeSchema, start: z.boolean().default(false) }),
    producerViewSchema,
    'Create the topic(s) and the producer of a built-in scenario',
  ),
} as const;

export const producerEvents = {
  'producers:status': producerStatusSchema,
} as const;
