import type { Isolation, PartitionReader } from '../kafka/partition-reader.js';
import type { ConsumedRecord } from '../kafka/records.js';
import { isOffsetOutOfRange, isTransientFetchError } from '../kafka/transient.js';

/** Offsets `[from, to)` of one partition. */
export interface OffsetRange {
  from: number;
  to: number;
}

export interface ReadOptions {
  /**
   * Called with the records of one fetch that fall in the partition's range, in offset order. May
   * be async: the next fetch waits for it (a filtered scan yields, an export waits for its writer).
   */
  onBatch: (partition: number, records: ConsumedRecord[]) => void | Promise<void>;
  /** Stop a partition after this many records (a page); default: read the whole range. */
  maxPerPartition?: number;
  signal?: AbortSignal;
  /** Give up (retries of transient errors included) after this long and return what was read (`complete: false`). */
  timeoutMs: number;
  maxBytesPerPartition?: number;
  /** read_uncommitted (default) shows records of open and aborted transactions; read_committed stops at the last stable offset and leaves aborted records out. Control records are never delivered. */
  isolation?: Isolation;
  /** Log start offset per partition, asked when a fetch answers OFFSET_OUT_OF_RANGE. */
  logStarts: () => Promise<ReadonlyMap<number, number>>;
  /** Told each transient failure that is retried, and `null` at the first fetch that works again. */
  onRetry?: (error: unknown) => void;
}

export interface ReadResult {
  /** False when the timeout or the signal ended the read before every range was read. */
  complete: boolean;
  /** Offsets of the ranges that retention deleted before they were read (the read went on at the log start). */
  skipped: number;
}

const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 2_000;
/** A batch larger than the per-partition fetch size comes back empty; fetch sizes grow up to this. */
const MAX_FETCH_BYTES = 64 * 1024 * 1024;

/**
 * Reads offset ranges of one topic's partitions with Fetch requests at offsets (no consumer group):
 * every pending partition is fetched, in-range records are delivered, and each partition moves on
 * to the fetch's next offset — past control batches and aborted data too — until its range end.
 *
 * Failures: a transient error (leader moved, broker restarting, timeout) is fetched again from the
 * position already reached, with backoff, until `timeoutMs`: nothing is delivered twice. An
 * OFFSET_OUT_OF_RANGE (retention deleted the start of a range while it was read) moves the
 * partitions behind the log start to it and counts the offsets lost in `skipped`, as
 * `auto.offset.reset=earliest` would. Any other error rejects.
 */
export async function readRanges(
  reader: PartitionReader,
  topic: string,
  ranges: ReadonlyMap<number, OffsetRange>,
  options: ReadOptions,
): Promise<ReadResult> {
  const ends = new Map([...ranges].filter(([, range]) => range.to > range.from).map(([partition, range]) => [partition, range.to]));
  const positions = new Map([...ranges].filter(([partition]) => ends.has(partition)).map(([partition, range]) => [partition, range.from]));
  const counts = new Map<number, number>();
  const limit = options.maxPerPartition ?? Infinity;
  const deadline = Date.now() + options.timeoutMs;
  let skipped = 0;
  let backoff = FIRST_BACKOFF_MS;
  let maxBytes = options.maxBytesPerPartition ?? 1024 * 1024;
  const aborted = () => options.signal?.aborted === true;
  let retrying = false;
  while (positions.size > 0) {
    if (aborted() || Date.now() >= deadline) return { complete: false, skipped };
    let fetched;
    try {
      fetched = await beforeDeadline(
        reader.fetch(topic, positions, {
          maxWaitMs: 50,
          maxBytesPerPartition: maxBytes,
          isolation: options.isolation ?? 'read_uncommitted',
        }),
        deadline,
      );
      if (fetched === null) return { complete: false, skipped };
      backoff = FIRST_BACKOFF_MS;
      if (retrying) options.onRetry?.(null);
      retrying = false;
    } catch (error) {
      if (aborted()) return { complete: false, skipped };
      if (isOffsetOutOfRange(error)) {
        const starts = await options.logStarts();
        let moved = false;
        for (const [partition, position] of positions) {
          const start = starts.get(partition) ?? position;
          if (start <= position) continue;
          const end = ends.get(partition) ?? start;
          skipped += Math.min(start, end) - position;
          moved = true;
          if (start >= end) positions.delete(partition);
          else positions.set(partition, start);
        }
        if (moved) continue;
        // Not behind the log start: ahead of the log end (the topic was truncated or re-created); nothing more to read there.
        throw error;
      }
      if (!isTransientFetchError(error) || Date.now() + backoff >= deadline) throw error;
      retrying = true;
      options.onRetry?.(error);
      await sleep(backoff, options.signal);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      continue;
    }
    let stalled = false;
    for (const answer of fetched) {
      const end = ends.get(answer.partition);
      const position = positions.get(answer.partition);
      if (end === undefined || position === undefined) continue;
      const room = limit - (counts.get(answer.partition) ?? 0);
      const inRange = answer.records.filter((r) => r.offset >= position && r.offset < end);
      const taken = inRange.length > room ? inRange.slice(0, room) : inRange;
      if (taken.length > 0) {
        counts.set(answer.partition, (counts.get(answer.partition) ?? 0) + taken.length);
        await options.onBatch(answer.partition, taken);
      }
      // What this isolation level can read now: read_committed cannot pass an open transaction.
      const readable = options.isolation === 'read_committed' ? answer.lastStableOffset : answer.highWatermark;
      const next = answer.nextOffset;
      if (next >= end || next >= readable || (counts.get(answer.partition) ?? 0) >= limit) positions.delete(answer.partition);
      else {
        if (next === position) stalled = true;
        positions.set(answer.partition, next);
      }
    }
    // Data below the readable end but an empty answer: the next batch is bigger than the fetch size.
    if (stalled) maxBytes = Math.min(maxBytes * 4, MAX_FETCH_BYTES);
  }
  return { complete: true, skipped };
}

/** The promise's value, or null once the deadline passed (the fetch itself ends with its request timeout). */
async function beforeDeadline<T>(promise: Promise<T>, deadline: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), Math.max(0, deadline - Date.now()))));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
    // A fetch abandoned at the deadline may still fail; that failure is not this read's any more.
    promise.catch(() => undefined);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
