import type { BrokerDisk, DiskUsage, TopicSize } from '../../../shared/topic-browser/disk-usage.js';
import type { BrokerLogDirDescription } from '../kafka/admin.js';
import type { KafkaClients } from '../kafka/kafka-clients.js';

/** Broker-reported byte counts are int64; a log dir past 2^53 bytes (8 PiB) is not a concern. */
const num = (value: bigint) => Number(value);
/** DescribeLogDirs v4 reports the volume's total/usable bytes; older versions send -1. */
const volume = (value: bigint) => (value < 0n ? null : num(value));

/**
 * Sums DescribeLogDirs answers: per broker the bytes of every log dir, per topic and partition the
 * bytes of each replica. `isFutureKey` replicas (a reassignment's copy still being built) count on
 * their broker's disk but not as the partition's size.
 */
export function summariseDiskUsage(answers: BrokerLogDirDescription[]): Omit<DiskUsage, 'tookMs'> {
  const brokers: BrokerDisk[] = [];
  const partitions = new Map<string, Map<number, { largest: number; all: number; replicas: number }>>();
  for (const answer of answers) {
    const logDirs = answer.results.map((dir) => {
      let sizeBytes = 0;
      for (const topic of dir.topics) {
        for (const p of topic.partitions) {
          const bytes = num(p.partitionSize);
          sizeBytes += bytes;
          if (p.isFutureKey) continue;
          const byPartition = partitions.get(topic.name) ?? new Map<number, { largest: number; all: number; replicas: number }>();
          partitions.set(topic.name, byPartition);
          const entry = byPartition.get(p.partitionIndex) ?? { largest: 0, all: 0, replicas: 0 };
          entry.largest = Math.max(entry.largest, bytes);
          entry.all += bytes;
          entry.replicas += 1;
          byPartition.set(p.partitionIndex, entry);
        }
      }
      return { path: dir.logDir, sizeBytes, totalBytes: volume(dir.totalBytes), usableBytes: volume(dir.usableBytes) };
    });
    brokers.push({ nodeId: answer.broker, sizeBytes: logDirs.reduce((sum, d) => sum + d.sizeBytes, 0), logDirs });
  }
  const topics: TopicSize[] = [...partitions.entries()]
    .map(([topic, byPartition]) => {
      const list = [...byPartition.entries()]
        .map(([partition, e]) => ({ partition, sizeBytes: e.largest, allReplicasBytes: e.all, replicas: e.replicas }))
        .sort((a, b) => a.partition - b.partition);
      return {
        topic,
        sizeBytes: list.reduce((s, p) => s + p.sizeBytes, 0),
        allReplicasBytes: list.reduce((s, p) => s + p.allReplicasBytes, 0),
        partitions: list,
      };
    })
    .sort((a, b) => a.topic.localeCompare(b.topic));
  return { brokers: brokers.sort((a, b) => a.nodeId - b.nodeId), topics };
}

/**
 * Size on disk of brokers, topics and partitions: DescribeLogDirs, one request per broker, for the
 * partitions the metadata lists. `only` narrows the request to some topics (the topic detail page).
 */
export async function diskUsage(clients: KafkaClients, connectionId: string, only?: string[]): Promise<DiskUsage> {
  const started = performance.now();
  const answers = await clients.admin(connectionId, async (admin) => {
    const metadata = await admin.topicMetadata(only);
    const topics = [...metadata]
      .filter(([, partitions]) => partitions.length > 0)
      .map(([name, partitions]) => ({ name, partitions: partitions.map((p) => p.partition) }));
    return admin.describeLogDirs(topics);
  });
  return { ...summariseDiskUsage(answers), tookMs: Math.round(performance.now() - started) };
}
