import { WorkbenchError } from '../../../shared/errors.js';
import type { Pipeline, PipelineStatus } from '../../../shared/pipelines.js';
import type { Kafka } from '../kafka/kafkajs.js';

export interface StartingOffsets {
  /** The pipeline's starting offset per partition; -1 where a timestamp lies past the last record. */
  seeds: { topic: string; partition: number; offset: string }[];
  /** End offset per partition now: the first micro-batch is planned over every partition's lag, before kafkajs delivered any. */
  highs: { topic: string; partition: number; high: string }[];
  /** The largest partition count of the source topics. */
  partitions: number;
}

/** Admin reads of the source topics at start: they exist, where the pipeline starts, where they end. */
export async function readStartingOffsets(kafka: Kafka, p: Pipeline): Promise<StartingOffsets> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = p.topics.filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      throw new WorkbenchError('NOT_FOUND', `Topic ${missing.join(', ')} does not exist; create it (Topics page) or fix the pipeline's source topics`);
    }
    const result: StartingOffsets = { seeds: [], highs: [], partitions: 0 };
    for (const topic of p.topics) {
      const start = p.startingOffsets;
      const offsets =
        start.kind === 'timestamp'
          ? (await admin.fetchTopicOffsetsByTimestamp(topic, start.timestampMs)).map((o) => ({ partition: o.partition, offset: o.offset }))
          : (await admin.fetchTopicOffsets(topic)).map((o) => ({ partition: o.partition, offset: start.kind === 'latest' ? o.high : o.low }));
      for (const o of offsets) result.seeds.push({ topic, partition: o.partition, offset: o.offset });
      result.partitions = Math.max(result.partitions, offsets.length);
      for (const o of await admin.fetchTopicOffsets(topic)) result.highs.push({ topic, partition: o.partition, high: o.high });
    }
    return result;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Lag per partition of the source topics: end offset − this worker's next offset (`position`).
 * Scale-out: partitions of the other workers show the group's offsets (committed in their transactions).
 */
export async function readLag(kafka: Kafka, p: Pipeline, position: (id: string) => bigint | undefined): Promise<PipelineStatus['lag']> {
  const lag: PipelineStatus['lag'] = [];
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const topic of p.topics) {
      const group = p.scaleOut ? ((await admin.fetchOffsets({ groupId: p.groupId, topics: [topic] }))[0]?.partitions ?? []) : [];
      for (const o of await admin.fetchTopicOffsets(topic)) {
        const theirs = group.find((g) => g.partition === o.partition)?.offset;
        const next = position(`${topic}:${o.partition}`) ?? (theirs !== undefined && BigInt(theirs) >= 0n ? BigInt(theirs) : undefined);
        lag.push({ topic, partition: o.partition, nextOffset: next?.toString() ?? null, highWatermark: o.high, lag: Number(BigInt(o.high) - (next ?? BigInt(o.low))) });
      }
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  return lag;
}
