import type { KafkaAdmin } from '../kafka/admin.js';

export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

/** topic → partition → { low, high }. */
export type WatermarkTable = Map<string, Map<number, { low: number; high: number }>>;

/** Topics per ListOffsets round (each round: one request per leader broker and side). */
const CHUNK = 5_000;

/**
 * Low and high watermarks of many topics: per chunk of topics, two ListOffsets rounds of one
 * request per leader broker each (the client retries NOT_LEADER_OR_FOLLOWER with fresh metadata,
 * e.g. right after topics were created). Partitions without a leader must be left out.
 */
export async function bulkWatermarks(admin: KafkaAdmin, topics: TopicPartitions[]): Promise<WatermarkTable> {
  const table: WatermarkTable = new Map();
  const wanted = topics.filter((t) => t.partitions.length > 0);
  for (let i = 0; i < wanted.length; i += CHUNK) {
    for (const [topic, row] of await admin.watermarksOf(wanted.slice(i, i + CHUNK))) table.set(topic, row);
  }
  return table;
}
