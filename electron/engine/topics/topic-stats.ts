import type { TopicStats, TopicStatsList } from '../../../shared/topic-browser.js';
import type { KafkaClients } from '../kafka/kafka-clients.js';
import { bulkWatermarks, type WatermarkTable } from './bulk-watermarks.js';

/** Kafka's own internal topics all start with "__" (the same rule as `topics:list`). */
const isInternal = (name: string) => name.startsWith('__');

export function summarise(name: string, partitions: { partitionId: number; leader: number; replicas: number[]; isr: number[] }[], marks: WatermarkTable | null): TopicStats {
  let underReplicated = 0;
  let offline = 0;
  let inSync = 0;
  let replicas = 0;
  let replicationFactor = 0;
  for (const p of partitions) {
    if (p.isr.length < p.replicas.length) underReplicated++;
    if (p.leader < 0) offline++;
    inSync += p.isr.length;
    replicas += p.replicas.length;
    replicationFactor = Math.max(replicationFactor, p.replicas.length);
  }
  let totalMessages: number | null = null;
  const row = marks?.get(name);
  if (row !== undefined) {
    totalMessages = 0;
    for (const { low, high } of row.values()) totalMessages += Math.max(0, high - low);
  }
  return { name, partitions: partitions.length, replicationFactor, underReplicated, offline, inSyncReplicas: inSync, replicas, totalMessages };
}

/** Every topic's health and message count: one Metadata request plus two ListOffsets rounds. */
export async function topicStats(clients: KafkaClients, connectionId: string, includeInternal: boolean): Promise<TopicStatsList> {
  const started = performance.now();
  const { topics } = await clients.withAdmin(connectionId, (admin) => admin.fetchTopicMetadata());
  const shown = topics.filter((t) => includeInternal || !isInternal(t.name));
  let marks: WatermarkTable | null = null;
  let offsetsError: string | undefined;
  try {
    const readable = shown.map((t) => ({ topic: t.name, partitions: t.partitions.filter((p) => p.leader >= 0).map((p) => p.partitionId) }));
    marks = await bulkWatermarks(clients.kafka(connectionId), () => clients.withAdmin(connectionId, (a) => Promise.resolve(a)), readable);
  } catch (error) {
    // The list is still useful without counts (e.g. a partition lost its leader mid-request).
    offsetsError = `Message counts unavailable: ${clients.describe(connectionId, error).message}`;
  }
  const stats = shown.map((t) => summarise(t.name, t.partitions, marks)).sort((a, b) => a.name.localeCompare(b.name));
  return { topics: stats, ...(offsetsError === undefined ? {} : { offsetsError }), tookMs: Math.round(performance.now() - started) };
}
