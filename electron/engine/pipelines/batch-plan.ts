/** One assigned partition as the next micro-batch sees it. */
export interface PartitionRange {
  id: string;
  /** The checkpointed next offset: where the micro-batch starts. */
  start: bigint;
  /** The offset after the last record that can be read now (the high watermark). */
  available: bigint;
}

export interface BatchPlan {
  /** Per partition: the micro-batch reads offsets in [start, end). */
  ends: Map<string, bigint>;
  /** True when `limit` cut the batch short of what is available (a backlog): run it as soon as it is read. */
  capped: boolean;
}

/**
 * Spark's rule for `maxOffsetsPerTrigger` (KafkaMicroBatchStream.rateLimit): the limit is split
 * across partitions in proportion to each partition's lag (available − start), `prorate = limit ×
 * lag / totalLag`, floored, except that a share below 1 is rounded up so that a small partition is
 * never starved; the end never passes what is available. A partition that fell behind therefore
 * gets a larger share and catches up, and evenly spread data moves through event time evenly.
 * (The rounding up can exceed `limit` by at most one record per partition, as in Spark.)
 */
export function planBatch(ranges: PartitionRange[], limit: number): BatchPlan {
  const lags = ranges.map((r) => (r.available > r.start ? r.available - r.start : 0n));
  const total = lags.reduce((a, b) => a + b, 0n);
  const ends = new Map<string, bigint>();
  const capped = total > BigInt(limit);
  ranges.forEach((r, i) => {
    const lag = lags[i] ?? 0n;
    if (lag === 0n) return ends.set(r.id, r.start);
    if (!capped) return ends.set(r.id, r.available);
    const prorate = (limit * Number(lag)) / Number(total);
    const share = BigInt(prorate < 1 ? Math.ceil(prorate) : Math.floor(prorate));
    const end = r.start + share;
    return ends.set(r.id, end < r.available ? end : r.available);
  });
  return { ends, capped };
}
