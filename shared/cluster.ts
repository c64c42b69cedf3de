import { z } from 'zod';

export const brokerSchema = z.object({
  nodeId: z.number().int(),
  host: z.string(),
  port: z.number().int(),
  rack: z.string().nullable(),
  isController: z.boolean(),
});
export type Broker = z.infer<typeof brokerSchema>;

export const clusterOverviewSchema = z.object({
  connectionId: z.string(),
  clusterId: z.string(),
  controllerId: z.number().int().nullable(),
  brokers: z.array(brokerSchema),
  topicCount: z.number().int(),
});
export type ClusterOverview = z.infer<typeof clusterOverviewSchema>;

export const topicSummarySchema = z.object({
  name: z.string(),
  partitions: z.number().int(),
  replicationFactor: z.number().int(),
  internal: z.boolean(),
});
export type TopicSummary = z.infer<typeof topicSummarySchema>;
