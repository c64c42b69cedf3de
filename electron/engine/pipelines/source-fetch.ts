import type { PartitionFetch, PartitionReader } from '../kafka/partition-reader.js';
import type { FetchedBatch } from './partition-queues.js';

/** A partition to read and the offset to read it from. */
export interface FetchPosition {
  topic: string;
  partition: number;
  offset: bigint;
}

export interface SourceFetchOptions {
  maxWaitMs: number;
  maxBytesPerPartition: number;
}

/**
 * The pipelines' read step (streaming runs, scale-out and batch reports alike): one group-less,
 * read_committed Fetch per topic and leader for the given partitions at their positions, in
 * parallel. Rejects with the client's error (the caller decides whether to retry).
 */
export async function fetchSources(
  reader: PartitionReader,
  positions: readonly FetchPosition[],
  options: SourceFetchOptions,
): Promise<FetchedBatch[]> {
  const byTopic = new Map<string, Map<number, number>>();
  for (const w of positions) {
    const map = byTopic.get(w.topic) ?? new Map<number, number>();
    map.set(w.partition, Number(w.offset));
    byTopic.set(w.topic, map);
  }
  const answers = await Promise.all(
    [...byTopic].map(async ([topic, map]) => {
      const fetched = await reader.fetch(topic, map, {
        isolation: 'read_committed',
        maxWaitMs: options.maxWaitMs,
        maxBytesPerPartition: options.maxBytesPerPartition,
      });
      return fetched.map((f) => toFetched(topic, map.get(f.partition) ?? f.nextOffset, f));
    }),
  );
  return answers.flat();
}

/** What read_committed may read now ends at the last stable offset (the high watermark when no transaction is open). */
function toFetched(topic: string, from: number, f: PartitionFetch): FetchedBatch {
  const readable = f.lastStableOffset >= 0 ? Math.min(f.highWatermark, f.lastStableOffset) : f.highWatermark;
  return { topic, partition: f.partition, from, records: f.records, nextOffset: f.nextOffset, highWatermark: readable };
}
