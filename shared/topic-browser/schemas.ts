import { z } from 'zod';
import { connectionRef } from '../define.js';
import { encoderIdSchema } from './encoders.js';

/** Kafka's legal topic names (Topic.java: [a-zA-Z0-9._-], at most 249 characters). */
export const topicNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(249, 'at most 249 characters')
  .regex(/^[a-zA-Z0-9._-]+$/, 'only letters, digits, ".", "_" and "-"')
  .refine((name) => name !== '.' && name !== '..', 'cannot be "." or ".."');

export const topicRef = connectionRef.extend({ topic: topicNameSchema });
export const offsetSchema = z.number().int().min(0);

export const partitionInfoSchema = z.object({
  partition: z.number().int(),
  leader: z.number().int(),
  replicas: z.array(z.number().int()),
  isr: z.array(z.number().int()),
  offlineReplicas: z.array(z.number().int()),
  low: z.number().int(),
  high: z.number().int(),
});
export type PartitionInfo = z.infer<typeof partitionInfoSchema>;

export const topicConfigSchema = z.object({
  name: z.string(),
  value: z.string().nullable(),
  isDefault: z.boolean(),
  readOnly: z.boolean(),
  sensitive: z.boolean(),
  source: z.string(),
});
export type TopicConfig = z.infer<typeof topicConfigSchema>;

export const topicDetailSchema = z.object({
  name: z.string(),
  internal: z.boolean(),
  partitions: z.array(partitionInfoSchema),
  configs: z.array(topicConfigSchema),
  replicationFactor: z.number().int(),
  underReplicated: z.number().int(),
  totalMessages: z.number().int(),
});
export type TopicDetail = z.infer<typeof topicDetailSchema>;

const configEntrySchema = z.object({ name: z.string().min(1).max(255), value: z.string().max(10_000) });

export const createTopicSchema = connectionRef.extend({
  topic: topicNameSchema,
  partitions: z.number().int().min(1).max(10_000).default(1),
  /** -1 = the broker's default.replication.factor. */
  replicationFactor: z.number().int().min(-1).max(32).default(-1),
  configs: z.array(configEntrySchema).max(100).default([]),
});

/** The registry formats the engine decodes (the Confluent API's AVRO, PROTOBUF, JSON). */
export const registryFormatSchema = z.enum(['avro', 'protobuf', 'jsonschema']);
export type RegistryFormat = z.infer<typeof registryFormatSchema>;

/**
 * What the engine made of Confluent-wire-format bytes with the connection's schema registry (the
 * page cannot reach the registry): the record as JSON text, or why it did not decode; the schema's
 * format, subject and version when the registry knows them, and the Protobuf message type.
 */
export const avroResultSchema = z.object({
  schemaId: z.number().int(),
  json: z.string().optional(),
  error: z.string().optional(),
  format: registryFormatSchema.optional(),
  subject: z.string().optional(),
  version: z.number().int().optional(),
  message: z.string().optional(),
});
export type AvroResult = z.infer<typeof avroResultSchema>;

/** Bytes cross as base64 (exact); the page decodes with the shared decoders (`avro` only with a registry). */
export const payloadSchema = z
  .object({ base64: z.string(), size: z.number().int(), truncated: z.boolean(), avro: avroResultSchema.optional() })
  .nullable();
export type Payload = z.infer<typeof payloadSchema>;

export const messageSchema = z.object({
  partition: z.number().int(),
  offset: z.number().int(),
  timestamp: z.number(),
  timestampType: z.enum(['CreateTime', 'LogAppendTime', 'unknown']),
  key: payloadSchema,
  value: payloadSchema,
  headers: z.array(z.object({ key: z.string(), value: payloadSchema })),
  size: z.number().int(),
});
export type KafkaMessage = z.infer<typeof messageSchema>;

/** Where a page starts. `positions` = exact per-partition offsets (page forward/back from a previous page). */
export const readStartSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('oldest') }),
  z.object({ kind: z.literal('newest') }),
  z.object({ kind: z.literal('offset'), offset: offsetSchema }),
  z.object({ kind: z.literal('timestamp'), timestamp: z.number().int().min(0) }),
  z.object({ kind: z.literal('after'), positions: z.record(z.string(), offsetSchema) }),
  z.object({ kind: z.literal('before'), positions: z.record(z.string(), offsetSchema) }),
]);
export type ReadStart = z.infer<typeof readStartSchema>;

/**
 * Which records of transactional producers a read shows. read_uncommitted (the default, as
 * kafka-console-consumer and kcat) shows records of open and aborted transactions too;
 * read_committed stops at the last stable offset and leaves aborted ones out. Transaction markers
 * (control records) are never shown.
 */
export const isolationSchema = z.enum(['read_uncommitted', 'read_committed']);
export type Isolation = z.infer<typeof isolationSchema>;

export const readMessagesSchema = topicRef.extend({
  /** null = all partitions. */
  partition: z.number().int().min(0).nullable().default(null),
  start: readStartSchema,
  limit: z.number().int().min(1).max(1000).default(100),
  isolation: isolationSchema.default('read_uncommitted'),
});

export const messagePageSchema = z.object({
  messages: z.array(messageSchema),
  /** Per partition: the first offset of this page (page back = `before` these). */
  first: z.record(z.string(), z.number().int()),
  /** Per partition: the offset after this page (page forward = `after` these). */
  next: z.record(z.string(), z.number().int()),
  watermarks: z.array(z.object({ partition: z.number().int(), low: z.number().int(), high: z.number().int() })),
  hasMoreBefore: z.boolean(),
  hasMoreAfter: z.boolean(),
  tookMs: z.number(),
  /** The isolation level this page was read with (the page says which). */
  isolation: isolationSchema,
});
export type MessagePage = z.infer<typeof messagePageSchema>;

const encodedFieldSchema = z.object({
  text: z.string().max(5_000_000),
  encoder: encoderIdSchema,
  /**
   * Encoders "avro", "protobuf", "jsonschema": the subject (default `<topic>-key|value`) and its
   * version (default latest); Avro may give a schema to register under it instead; Protobuf the
   * message type (default the schema's first message).
   */
  avro: z
    .object({
      subject: z.string().trim().min(1).max(500).optional(),
      schema: z.string().max(1_000_000).optional(),
      version: z.number().int().min(1).optional(),
      message: z.string().trim().min(1).max(500).optional(),
    })
    .optional(),
});

export const produceSchema = topicRef.extend({
  partition: z.number().int().min(0).nullable().default(null),
  key: encodedFieldSchema.nullable(),
  value: encodedFieldSchema.nullable(),
  headers: z
    .array(z.object({ key: z.string().min(1).max(1000), value: z.string().max(100_000) }))
    .max(100)
    .default([]),
});

export const FILTER_MAX_LENGTH = 2000;
export const filterExpressionSchema = z.string().max(FILTER_MAX_LENGTH, `a filter has at most ${FILTER_MAX_LENGTH} characters`);

export const scanStartSchema = topicRef.extend({
  partition: z.number().int().min(0).nullable().default(null),
  from: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('oldest') }),
    z.object({ kind: z.literal('timestamp'), timestamp: z.number().int().min(0) }),
  ]),
  /** CEL over key, value, headers, partition, offset, timestamp; empty = every record. */
  expression: filterExpressionSchema.default(''),
  /** Plain text that key, value or a header value must contain (case-insensitive); empty = any. */
  contains: z.string().max(1000).default(''),
  maxMatches: z.number().int().min(1).max(100_000).default(10_000),
  isolation: isolationSchema.default('read_uncommitted'),
  /** The caller's id for the scan, so it can subscribe to `messages:scanProgress` for it first (else the engine picks one). */
  scanId: z.uuid().optional(),
});

export const scanStateSchema = z.enum(['running', 'done', 'cancelled', 'failed']);
export const scanProgressSchema = z.object({
  scanId: z.string(),
  state: scanStateSchema,
  scanned: z.number().int(),
  matched: z.number().int(),
  /** Records whose filter evaluation failed (e.g. a missing field): counted as no match. */
  errors: z.number().int(),
  /** Records the filter was stopped on (over its step, size or time budget): skipped, the scan goes on. */
  tooCostly: z.number().int().optional(),
  total: z.number().int(),
  /** Offsets of the range that retention deleted before the scan reached them (it went on at the log start). */
  skipped: z.number().int().optional(),
  error: z.string().optional(),
  elapsedMs: z.number(),
});
export type ScanProgress = z.infer<typeof scanProgressSchema>;

export const tailEventSchema = z.object({ tailId: z.string(), messages: z.array(messageSchema) });
export type TailEvent = z.infer<typeof tailEventSchema>;

export const groupSummarySchema = z.object({ groupId: z.string(), protocolType: z.string(), state: z.string() });
export const groupPartitionSchema = z.object({
  topic: z.string(),
  partition: z.number().int(),
  committed: z.number().int().nullable(),
  logEnd: z.number().int(),
  lag: z.number().int().nullable(),
});
export const groupDetailSchema = z.object({
  groupId: z.string(),
  state: z.string(),
  protocol: z.string(),
  protocolType: z.string(),
  members: z.array(
    z.object({
      memberId: z.string(),
      clientId: z.string(),
      host: z.string(),
      assignments: z.array(z.object({ topic: z.string(), partitions: z.array(z.number().int()) })),
    }),
  ),
  offsets: z.array(groupPartitionSchema),
  totalLag: z.number().int(),
  /**
   * The app's saved pipelines that read with this group on this connection. A pipeline resumes from
   * its own checkpoint, not from the group's offsets (docs/GUARANTEES.md); a reset here moves the
   * checkpoint of each one that is not scale-out (`followsReset`) with the group.
   */
  pipelines: z.array(z.object({ id: z.string(), name: z.string(), followsReset: z.boolean() })).default([]),
});
export type GroupDetail = z.infer<typeof groupDetailSchema>;

export const resetOffsetsResultSchema = z.object({
  partitions: z.number().int(),
  /** Names of the app's pipelines whose checkpoint moved with the group. */
  pipelines: z.array(z.string()).default([]),
});

export const resetOffsetsSchema = connectionRef.extend({
  groupId: z.string().min(1).max(255),
  topic: topicNameSchema,
  to: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('earliest') }),
    z.object({ kind: z.literal('latest') }),
    z.object({ kind: z.literal('timestamp'), timestamp: z.number().int().min(0) }),
    z.object({ kind: z.literal('offset'), offset: offsetSchema, partition: z.number().int().min(0).nullable().default(null) }),
  ]),
});

/** Per-topic health and size for the topics list; numbers come from metadata and watermarks. */
export const topicStatsSchema = z.object({
  name: z.string(),
  partitions: z.number().int(),
  replicationFactor: z.number().int(),
  /** Partitions whose ISR is smaller than their replica set. */
  underReplicated: z.number().int(),
  /** Partitions without a leader (unreadable right now). */
  offline: z.number().int(),
  /** In-sync replicas summed over partitions, out of `replicas` (replication factor × partitions). */
  inSyncReplicas: z.number().int(),
  replicas: z.number().int(),
  /** Sum of high − low watermarks; null when the offsets could not be read. */
  totalMessages: z.number().int().nullable(),
});
export type TopicStats = z.infer<typeof topicStatsSchema>;
export const topicStatsListSchema = z.object({
  topics: z.array(topicStatsSchema),
  /** Why `totalMessages` is missing, when it is. */
  offsetsError: z.string().optional(),
  tookMs: z.number(),
});
export type TopicStatsList = z.infer<typeof topicStatsListSchema>;

/** Where a broker config's value comes from (DescribeConfigs ConfigSource, KIP-226). */
export const brokerConfigSources = [
  'unknown',
  'dynamic topic',
  'dynamic broker',
  'dynamic cluster default',
  'static (server.properties)',
  'default',
  'dynamic logger',
] as const;
export const brokerConfigSchema = topicConfigSchema;
export const brokerConfigsSchema = z.object({ nodeId: z.number().int(), configs: z.array(brokerConfigSchema) });
export type BrokerConfigs = z.infer<typeof brokerConfigsSchema>;
