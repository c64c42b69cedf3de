import { z } from 'zod';
import { connectionRef, method } from './define.js';
import { FILTER_MAX_LENGTH } from './topic-browser/schemas.js';
import { diskUsageSchema, kafkaVersionSchema } from './topic-browser/disk-usage.js';
import {
  brokerConfigsSchema,
  createTopicSchema,
  groupDetailSchema,
  groupSummarySchema,
  messagePageSchema,
  produceSchema,
  readMessagesSchema,
  resetOffsetsSchema,
  resetOffsetsResultSchema,
  scanProgressSchema,
  scanStartSchema,
  tailEventSchema,
  topicDetailSchema,
  topicStatsListSchema,
  topicRef,
  messageSchema,
  isolationSchema,
} from './topic-browser/schemas.js';

export * from './topic-browser/schemas.js';
export * from './topic-browser/disk-usage.js';

const idRef = z.object({ id: z.string().min(1).max(64) });
const groupRef = connectionRef.extend({ groupId: z.string().min(1).max(255) });

/** The topic browser's slice of the contract: topics, messages, consumer groups. */
export const topicBrowserMethods = {
  'topics:stats': method(
    connectionRef.extend({ includeInternal: z.boolean().default(false) }),
    topicStatsListSchema,
    'Every topic with under-replicated partitions, in-sync replicas and total messages (one metadata and one ListOffsets round per broker)',
  ),
  'brokers:configs': method(
    connectionRef.extend({ nodeId: z.number().int().min(0) }),
    brokerConfigsSchema,
    'Read-only configs of one broker; isDefault is false for anything set statically or dynamically',
  ),
  'cluster:diskUsage': method(
    connectionRef.extend({ topics: z.array(z.string().min(1).max(255)).max(10_000).optional() }),
    diskUsageSchema,
    'Size on disk (DescribeLogDirs) per broker log dir, topic and partition; `topics` narrows it to some topics',
  ),
  'cluster:kafkaVersion': method(
    connectionRef,
    kafkaVersionSchema,
    'The Kafka release, inferred from ApiVersions as a lower bound (Kafka does not send its version)',
  ),
  'topics:describe': method(topicRef, topicDetailSchema, 'Partitions (leader, replicas, ISR, watermarks) and configs of one topic'),
  'topics:create': method(
    createTopicSchema,
    z.object({ topic: z.string() }),
    'Create a topic with partitions, replication factor and configs',
  ),
  'topics:delete': method(topicRef, z.object({ deleted: z.boolean() }), 'Delete a topic'),
  'topics:addPartitions': method(
    topicRef.extend({ count: z.number().int().min(2).max(10_000) }),
    z.object({ partitions: z.number().int() }),
    'Raise the partition count of a topic to `count`',
  ),
  'topics:alterConfig': method(
    topicRef.extend({ name: z.string().min(1).max(255), value: z.string().max(10_000).nullable() }),
    z.object({ updated: z.boolean() }),
    'Set one topic config (null = back to the default), keeping the other overrides',
  ),

  'messages:read': method(readMessagesSchema, messagePageSchema, 'A page of messages from a partition or all partitions'),
  'messages:produce': method(produceSchema, z.object({ partition: z.number().int(), offset: z.number().int() }), 'Produce one message'),
  'messages:checkFilter': method(
    z.object({ expression: z.string().max(FILTER_MAX_LENGTH * 2) }),
    z.object({ ok: z.boolean(), error: z.string().optional() }),
    'Parse and type-check a filter expression without running it',
  ),
  'messages:scanStart': method(
    scanStartSchema,
    z.object({ scanId: z.string() }),
    'Scan a range with a filter; progress arrives as messages:scanProgress',
  ),
  'messages:scanCancel': method(idRef, z.object({ cancelled: z.boolean() }), 'Stop a running scan'),
  'messages:scanResults': method(
    idRef.extend({ offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(1000).default(200) }),
    z.object({ progress: scanProgressSchema, messages: z.array(messageSchema) }),
    'A page of the matches a scan kept in the engine',
  ),
  'messages:scanExport': method(
    idRef.extend({
      format: z.enum(['jsonl', 'csv']),
      folder: z.string().min(1).max(4096),
      fileName: z
        .string()
        .min(1)
        .max(200)
        .regex(/^[\w.-]+$/, 'letters, digits, ".", "_" and "-" only'),
    }),
    z.object({ location: z.string(), rows: z.number().int(), bytes: z.number().int() }),
    'Write the matches of a finished scan to a JSONL or CSV file (progress as messages:exportProgress)',
  ),
  'messages:tailStart': method(
    topicRef.extend({
      partition: z.number().int().min(0).nullable().default(null),
      isolation: isolationSchema.default('read_uncommitted'),
      /** The caller's id for the tail, so it can subscribe to `messages:tail` for it first (else the engine picks one). */
      tailId: z.uuid().optional(),
    }),
    z.object({ tailId: z.string() }),
    'Follow new messages of a topic; they arrive as messages:tail events',
  ),
  'messages:tailStop': method(idRef, z.object({ stopped: z.boolean() }), 'Stop a live tail'),

  'groups:list': method(
    connectionRef.extend({ topic: z.string().max(249).optional() }),
    z.array(groupSummarySchema),
    'Consumer groups (optionally only those with offsets on a topic)',
  ),
  'groups:describe': method(groupRef, groupDetailSchema, 'Members, committed offsets, log-end offsets and lag of a group'),
  'groups:resetOffsets': method(
    resetOffsetsSchema,
    resetOffsetsResultSchema,
    'Move a group without active members on a topic, and the checkpoint of the app pipelines that read with it',
  ),
  'groups:delete': method(groupRef, z.object({ deleted: z.boolean() }), 'Delete a consumer group'),
} as const;

export const topicBrowserEvents = {
  'messages:scanProgress': scanProgressSchema,
  'messages:tail': tailEventSchema,
  'messages:exportProgress': z.object({ scanId: z.string(), written: z.number().int(), total: z.number().int() }),
} as const;
