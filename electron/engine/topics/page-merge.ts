/** What the merge needs of a record. */
export interface Ordered {
  partition: number;
  offset: number;
  timestamp: number;
}

/**
 * Merges per-partition runs (each in offset order) into one page of `limit` records ordered by
 * timestamp. `first` takes from the heads (paging forward), `last` from the tails (newest N, paging
 * back). Because it only ever takes a run's head (or tail), each partition contributes a contiguous
 * offset range — which is what makes the next/previous page positions exact.
 */
export function mergePage<T extends Ordered>(runs: ReadonlyMap<number, readonly T[]>, limit: number, take: 'first' | 'last'): T[] {
  const cursors = new Map<number, number>();
  for (const [partition, run] of runs) cursors.set(partition, take === 'first' ? 0 : run.length - 1);
  const picked: T[] = [];
  while (picked.length < limit) {
    let best: T | undefined;
    let bestPartition = -1;
    for (const [partition, run] of runs) {
      const candidate = run[cursors.get(partition) ?? -1];
      if (candidate === undefined) continue;
      const better =
        best === undefined ||
        (take === 'first'
          ? candidate.timestamp < best.timestamp || (candidate.timestamp === best.timestamp && partition < bestPartition)
          : candidate.timestamp > best.timestamp || (candidate.timestamp === best.timestamp && partition > bestPartition));
      if (better) {
        best = candidate;
        bestPartition = partition;
      }
    }
    if (best === undefined) break;
    picked.push(best);
    cursors.set(bestPartition, (cursors.get(bestPartition) ?? 0) + (take === 'first' ? 1 : -1));
  }
  return take === 'first' ? picked : picked.reverse();
}
