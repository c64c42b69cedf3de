import { Admin, type BaseOptions } from '@platformatic/kafka';
import { hasKafkaError } from './errors.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface TopicSpec {
  topic: string;
  numPartitions?: number;
  replicationFactor?: number;
  configEntries?: Array<{ name: string; value: string }>;
}

export interface PartitionWatermarks {
  partition: number;
  low: number;
  high: number;
}

export interface TopicPartitionMetadata {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
}

/**
 * The engine's admin operations on one cluster, over @platformatic/kafka's Admin. Engine code
 * outside `kafka/` uses these methods, never the client library itself.
 */
export class KafkaAdmin {
  /** The client, for the other modules of `kafka/` only. */
  readonly client: Admin;

  constructor(options: BaseOptions) {
    this.client = new Admin(options);
  }

  async describeCluster(): Promise<{ clusterId: string; controller: number; brokers: Array<{ nodeId: number; host: string; port: number; rack: string | null }> }> {
    const metadata = await this.client.metadata({ topics: [], forceUpdate: true });
    return {
      clusterId: metadata.id,
      controller: metadata.controllerId,
      brokers: [...metadata.brokers].map(([nodeId, b]) => ({ nodeId, host: b.host, port: b.port, rack: b.rack ?? null })),
    };
  }

  async listTopics(includeInternal = false): Promise<string[]> {
    return this.client.listTopics({ includeInternals: includeInternal });
  }

  /** Partitions with leader, replicas and ISR per topic (every topic when `topics` is omitted). */
  async topicMetadata(topics?: readonly string[]): Promise<Map<string, TopicPartitionMetadata[]>> {
    const names = topics ? [...topics] : await this.client.listTopics({ includeInternals: true });
    const metadata = await this.client.metadata({ topics: names, forceUpdate: true });
    const out = new Map<string, TopicPartitionMetadata[]>();
    for (const [name, t] of metadata.topics) {
      if (!names.includes(name)) continue;
      out.set(
        name,
        t.partitions.map((p, partition) => ({ partition, leader: p.leader, replicas: p.replicas, isr: p.isr, offlineReplicas: p.offlineReplicas })),
      );
    }
    return out;
  }

  /** Low (log start) and high watermark of every partition, in partition order. */
  async watermarks(topic: string): Promise<PartitionWatermarks[]> {
    const meta = await this.client.metadata({ topics: [topic] });
    const count = meta.topics.get(topic)?.partitionsCount ?? 0;
    const partitions = Array.from({ length: count }, (_, i) => i);
    const [low, high] = await Promise.all([this.offsetsAt(topic, partitions, -2n), this.offsetsAt(topic, partitions, -1n)]);
    return partitions.map((partition) => ({ partition, low: low.get(partition) ?? 0, high: high.get(partition) ?? 0 }));
  }

  /**
   * ListOffsets by time: per partition the first offset whose timestamp is >= `timestamp`, or -1
   * when no record is that recent.
   */
  async offsetsForTimestamp(topic: string, timestamp: number): Promise<Map<number, number>> {
    const meta = await this.client.metadata({ topics: [topic] });
    const count = meta.topics.get(topic)?.partitionsCount ?? 0;
    return this.offsetsAt(topic, Array.from({ length: count }, (_, i) => i), BigInt(timestamp));
  }

  /** ListOffsets with Kafka's special times: -1 latest, -2 earliest, or a timestamp. */
  private async offsetsAt(topic: string, partitions: number[], timestamp: bigint): Promise<Map<number, number>> {
    if (partitions.length === 0) return new Map();
    const listed = await this.client.listOffsets({ topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp })) }] });
    const out = new Map<number, number>();
    for (const t of listed) for (const p of t.partitions) out.set(p.partitionIndex, Number(p.offset));
    return out;
  }

  /**
   * Creates topics and waits until every partition has a leader, polling through the errors a
   * broker returns while a new topic's metadata is still spreading. Returns false when all existed.
   */
  async createTopicsAndWait(topics: readonly TopicSpec[], timeoutMs = 30_000): Promise<boolean> {
    let created = false;
    for (const spec of topics) {
      try {
        await this.client.createTopics({
          topics: [spec.topic],
          partitions: spec.numPartitions ?? -1,
          replicas: spec.replicationFactor ?? -1,
          ...(spec.configEntries && spec.configEntries.length > 0 ? { configs: spec.configEntries } : {}),
        });
        created = true;
      } catch (error) {
        if (!hasKafkaError(error, 'TOPIC_ALREADY_EXISTS')) throw error;
      }
    }
    const names = topics.map((t) => t.topic);
    const deadline = Date.now() + timeoutMs;
    for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
      try {
        const described = await this.topicMetadata(names);
        const ready = names.every((name) => {
          const partitions = described.get(name);
          return partitions !== undefined && partitions.length > 0 && partitions.every((p) => p.leader >= 0);
        });
        if (ready) return created;
      } catch (error) {
        // The client reports a topic missing from a Metadata answer as a UserError "Unknown topic X."
        // (no Kafka error name): a broker may answer so just after CreateTopics returned.
        const unknown = error instanceof Error && /^Unknown topic /.test(error.message);
        if (!unknown && !hasKafkaError(error, 'UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_OR_FOLLOWER')) throw error;
      }
      if (Date.now() > deadline) throw new Error(`Topics ${names.join(', ')} were created but have no leader after ${timeoutMs / 1000} s`);
      await sleep(delay);
    }
  }

  async deleteTopics(topics: readonly string[]): Promise<void> {
    if (topics.length > 0) await this.client.deleteTopics({ topics: [...topics] });
  }

  /** Ids of every consumer group the cluster knows. */
  async listGroupIds(): Promise<string[]> {
    const groups = await this.client.listGroups();
    return [...groups.keys()].sort();
  }

  async close(): Promise<void> {
    await this.client.close().catch(() => undefined);
  }
}
