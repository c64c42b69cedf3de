import { WorkbenchError } from '../../../shared/errors.js';
import type { Pipeline, PipelineStatus } from '../../../shared/pipelines.js';
import type { KafkaAdmin } from '../kafka/admin.js';

export interface StartingOffsets {
  /** The pipeline's starting offset per partition (a timestamp past the last record: the end). */
  seeds: { topic: string; partition: number; offset: string }[];
  /** End offset per partition now: the first micro-batch is planned over every partition's lag, before any fetch. */
  highs: { topic: string; partition: number; high: string }[];
  /** The largest partition count of the source topics. */
  partitions: number;
}

/** Admin reads of the source topics at start: they exist, where the pipeline starts, where they end. */
export async function readStartingOffsets(admin: KafkaAdmin, p: Pipeline): Promise<StartingOffsets> {
  const existing = new Set(await admin.listTopics());
  const missing = p.topics.filter((topic) => !existing.has(topic));
  if (missing.length > 0) {
    throw new WorkbenchError(
      'NOT_FOUND',
      `Topic ${missing.join(', ')} does not exist; create it (Topics page) or fix the pipeline's source topics`,
    );
  }
  const result: StartingOffsets = { seeds: [], highs: [], partitions: 0 };
  for (const topic of p.topics) {
    const start = p.startingOffsets;
    const marks = await admin.watermarks(topic);
    const byTime = start.kind === 'timestamp' ? await admin.offsetsForTimestamp(topic, start.timestampMs) : null;
    for (const o of marks) {
      const at = byTime?.get(o.partition);
      // A timestamp past the last record answers -1: start at the end.
      const offset = byTime ? (at === undefined || at < 0 ? o.high : at) : start.kind === 'latest' ? o.high : o.low;
      result.seeds.push({ topic, partition: o.partition, offset: String(offset) });
      result.highs.push({ topic, partition: o.partition, high: String(o.high) });
    }
    result.partitions = Math.max(result.partitions, marks.length);
  }
  return result;
}

/**
 * Lag per partition of the source topics: end offset − this worker's next offset (`position`).
 * Scale-out: partitions of the other workers show the group's offsets (committed in their transactions).
 */
export async function readLag(
  admin: KafkaAdmin,
  p: Pipeline,
  position: (id: string) => bigint | undefined,
): Promise<PipelineStatus['lag']> {
  const lag: PipelineStatus['lag'] = [];
  for (const topic of p.topics) {
    const group = p.scaleOut ? await admin.committedOffsets(p.groupId, topic) : new Map<number, number>();
    for (const o of await admin.watermarks(topic)) {
      const theirs = group.get(o.partition);
      const next = position(`${topic}:${o.partition}`) ?? (theirs !== undefined ? BigInt(theirs) : undefined);
      lag.push({
        topic,
        partition: o.partition,
        nextOffset: next?.toString() ?? null,
        highWatermark: String(o.high),
        lag: Number(BigInt(o.high) - (next ?? BigInt(o.low))),
      });
    }
  }
  return lag;
}
