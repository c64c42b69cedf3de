import type { Admin, Kafka } from '../kafka/kafkajs.js';

export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

/** topic → partition → { low, high }. */
export type WatermarkTable = Map<string, Map<number, { low: number; high: number }>>;

interface ListedOffsets {
  topic: string;
  partitions: { partition: number; offset: string }[];
}

/** The part of kafkajs' internal Cluster used here (src/cluster/index.js). */
interface KafkaJsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  refreshMetadata(): Promise<void>;
  fetchTopicsOffset(topics: { topic: string; fromBeginning: boolean; partitions: { partition: number }[] }[]): Promise<ListedOffsets[]>;
}
type CreateCluster = (options: { allowAutoTopicCreation: boolean; isolationLevel: number; metadataMaxAge: number }) => KafkaJsCluster;

/** kafkajs 2.2 keeps its cluster factory under this private symbol (src/index.js PRIVATE.CREATE_CLUSTER). */
const CREATE_CLUSTER = 'private:Kafka:createCluster';
/** ListOffsets isolation level 0 = READ_UNCOMMITTED: the high watermark itself, not the last stable offset. */
const READ_UNCOMMITTED = 0;
/** Topics per ListOffsets round; one request per leader broker each. */
const CHUNK = 5_000;
/** Right after topics are created or leaders move, a broker answers NOT_LEADER_OR_FOLLOWER for a moment. */
const ATTEMPTS = 5;

function retriable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retriable?: unknown }).retriable === true;
}

function clusterFactory(kafka: Kafka): CreateCluster | null {
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === CREATE_CLUSTER);
  const factory: unknown = symbol === undefined ? undefined : (kafka as unknown as Record<symbol, unknown>)[symbol];
  return typeof factory === 'function' ? (factory as CreateCluster) : null;
}

function put(table: WatermarkTable, listed: ListedOffsets[], side: 'low' | 'high') {
  for (const { topic, partitions } of listed) {
    let row = table.get(topic);
    if (!row) table.set(topic, (row = new Map<number, { low: number; high: number }>()));
    for (const p of partitions) {
      const entry = row.get(p.partition) ?? { low: 0, high: 0 };
      entry[side] = Number(p.offset);
      row.set(p.partition, entry);
    }
  }
}

/**
 * Low and high watermarks of many topics in two ListOffsets rounds (one request per leader broker
 * each). kafkajs' public `admin.fetchTopicOffsets` takes one topic per call and, on a shared admin,
 * refreshes metadata for every topic it has seen whenever a new one is added — quadratic over
 * 2,000 topics. Its internal Cluster batches across topics, so we use it through the Kafka
 * instance's private factory, with the public per-topic path as the fallback if that ever moves.
 */
export async function bulkWatermarks(kafka: Kafka, admin: () => Promise<Admin>, topics: TopicPartitions[]): Promise<WatermarkTable> {
  const table: WatermarkTable = new Map();
  const wanted = topics.filter((t) => t.partitions.length > 0);
  if (wanted.length === 0) return table;
  const create = clusterFactory(kafka);
  if (create === null) return perTopic(await admin(), wanted);
  const cluster = create({ allowAutoTopicCreation: false, isolationLevel: READ_UNCOMMITTED, metadataMaxAge: 60_000 });
  await cluster.connect();
  try {
    for (let i = 0; i < wanted.length; i += CHUNK) {
      const chunk = wanted.slice(i, i + CHUNK);
      await cluster.addMultipleTargetTopics(chunk.map((t) => t.topic));
      const request = (fromBeginning: boolean) => chunk.map((t) => ({ topic: t.topic, fromBeginning, partitions: t.partitions.map((partition) => ({ partition })) }));
      for (let attempt = 1; ; attempt++) {
        try {
          const [low, high] = await Promise.all([cluster.fetchTopicsOffset(request(true)), cluster.fetchTopicsOffset(request(false))]);
          put(table, low, 'low');
          put(table, high, 'high');
          break;
        } catch (error) {
          if (attempt >= ATTEMPTS || !retriable(error)) throw error;
          await new Promise((done) => setTimeout(done, 100 * attempt));
          await cluster.refreshMetadata();
        }
      }
    }
  } finally {
    await cluster.disconnect().catch(() => undefined);
  }
  return table;
}

async function perTopic(admin: Admin, topics: TopicPartitions[]): Promise<WatermarkTable> {
  const table: WatermarkTable = new Map();
  let next = 0;
  const worker = async () => {
    while (next < topics.length) {
      const { topic } = topics[next++] ?? { topic: '' };
      const offsets = await admin.fetchTopicOffsets(topic);
      table.set(topic, new Map(offsets.map((o) => [o.partition, { low: Number(o.low), high: Number(o.high) }])));
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return table;
}
