import { z } from 'zod';

/** One log directory of a broker (DescribeLogDirs). totalBytes/usableBytes are the volume's, when the broker says (v4+, -1 otherwise). */
export const logDirSchema = z.object({
  path: z.string(),
  sizeBytes: z.number(),
  totalBytes: z.number().nullable(),
  usableBytes: z.number().nullable(),
  error: z.string().optional(),
});
export type LogDir = z.infer<typeof logDirSchema>;

export const brokerDiskSchema = z.object({ nodeId: z.number().int(), sizeBytes: z.number(), logDirs: z.array(logDirSchema) });
export type BrokerDisk = z.infer<typeof brokerDiskSchema>;

/** Bytes of one partition: the largest replica (one copy), and all replicas together. */
export const partitionSizeSchema = z.object({
  partition: z.number().int(),
  sizeBytes: z.number(),
  allReplicasBytes: z.number(),
  replicas: z.number().int(),
});
export const topicSizeSchema = z.object({
  topic: z.string(),
  sizeBytes: z.number(),
  allReplicasBytes: z.number(),
  partitions: z.array(partitionSizeSchema),
});
export type TopicSize = z.infer<typeof topicSizeSchema>;

export const diskUsageSchema = z.object({
  brokers: z.array(brokerDiskSchema),
  topics: z.array(topicSizeSchema),
  tookMs: z.number(),
});
export type DiskUsage = z.infer<typeof diskUsageSchema>;

/** The Kafka release a cluster runs, as far as the protocol lets us infer it (Kafka does not send its version). */
export const kafkaVersionSchema = z.object({
  /** e.g. "4.1 or newer"; null when nothing could be inferred. */
  version: z.string().nullable(),
  /** What the inference rests on, shown beside it. */
  basis: z.string(),
});
export type KafkaVersion = z.infer<typeof kafkaVersionSchema>;
