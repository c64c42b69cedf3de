import type { TopicStats, TopicStatsList } from '../../../shared/topic-browser.js';
import type { KafkaClients } from '../kafka/kafka-clients.js';
import { bulkWatermarks, type WatermarkTable } from './bulk-watermarks.js';
import { describeClientError } from './kafka-errors.js';

/** Kafka's own internal topics all start with "__" (the same rule as `topics:list`). */
const isInternal = (name: string) => name.startsWith('__');

export function summarise(
  name: string,
  partitions: { partitionId: number; leader: number; replicas: number[]; isr: number[] }[],
  marks: WatermarkTable | null,
): TopicStats {
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
  return {
    name,
    partitions: partitions.length,
    replicationFactor,
    underReplicated,
    offline,
    inSyncReplicas: inSync,
    replicas,
    totalMessages,
  };
}

/** Every topic's health and message count: one Metadata request plus two ListOffsets rounds. */
export async function topicStats(clients: KafkaClients, connectionId: string, includeInternal: boolean): Promise<TopicStatsList> {
  const started = performance.now();
  return clients.admin(connectionId, async (admin) => {
    const metadata = await admin.topicMetadata();
    const shown = [...metadata]
      .filter(([name]) => includeInternal || !isInternal(name))
      .map(([name, partitions]) => ({
        name,
        partitions: partitions.map((p) => ({ partitionId: p.partition, leader: p.leader, replicas: p.replicas, isr: p.isr })),
      }));
    let marks: WatermarkTable | null = null;
    let offsetsError: string | undefined;
    try {
      marks = await bulkWatermarks(
        admin,
        shown.map((t) => ({ topic: t.name, partitions: t.partitions.filter((p) => p.leader >= 0).map((p) => p.partitionId) })),
      );
    } catch (error) {
      // The list is still useful without counts (e.g. a partition lost its leader mid-request).
      offsetsError = `Message counts unavailable: ${describeClientError(clients, connectionId, error).message}`;
    }
    const stats = shown.map((t) => summarise(t.name, t.partitions, marks)).sort((a, b) => a.name.localeCompare(b.name));
    return { topics: stats, ...(offsetsError === undefined ? {} : { offsetsError }), tookMs: Math.round(performance.now() - started) };
  });
}
