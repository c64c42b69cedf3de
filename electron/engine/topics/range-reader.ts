import { randomUUID } from 'node:crypto';
import type { Admin, Batch, Kafka } from 'kafkajs';

/** Offsets `[from, to)` of one partition. */
export interface OffsetRange {
  from: number;
  to: number;
}

export interface ReadOptions {
  /**
   * Called with the records of a batch that fall in the partition's range, in offset order. May be
   * async (a filtered scan yields to the event loop while it works); `heartbeat` keeps the
   * throw-away group alive during long work.
   */
  onBatch: (partition: number, messages: Batch['messages'], heartbeat: () => Promise<void>) => void | Promise<void>;
  /** Stop a partition after this many records (a page); default: read the whole range. */
  maxPerPartition?: number;
  signal?: AbortSignal;
  /** Give up waiting after this long and return what was read (`complete: false`). */
  timeoutMs: number;
  maxBytesPerPartition?: number;
  /** Every partition of the topic; those without a range are paused. */
  allPartitions: readonly number[];
}

/**
 * Reads offset ranges of one topic's partitions with a throw-away consumer group.
 *
 * kafkajs has no `assign()`: a consumer must join a group. So each read joins a fresh group
 * (`kwb-browse-<uuid>`, never committing), seeks every partition right after `run()`, pauses the
 * partitions it does not need, and stops as soon as each range is read. The group is deleted
 * afterwards in the background. Joining costs one JoinGroup/SyncGroup round (fast when the broker's
 * group.initial.rebalance.delay.ms is 0, as on the local cluster).
 */
export async function readRanges(kafka: Kafka, admin: () => Promise<Admin>, topic: string, ranges: Map<number, OffsetRange>, options: ReadOptions): Promise<{ complete: boolean }> {
  const wanted = new Map([...ranges].filter(([, range]) => range.to > range.from));
  if (wanted.size === 0) return { complete: true };
  const groupId = `kwb-browse-${randomUUID()}`;
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 10_000,
    rebalanceTimeout: 5_000,
    heartbeatInterval: 1_000,
    maxWaitTimeInMs: 50,
    allowAutoTopicCreation: false,
    maxBytesPerPartition: options.maxBytesPerPartition ?? 1024 * 1024,
    retry: { retries: 2 },
  });
  const counts = new Map<number, number>();
  const pending = new Set(wanted.keys());
  let finish: (complete: boolean) => void = () => undefined;
  const finished = new Promise<boolean>((resolve) => (finish = resolve));
  const markProgress = (partition: number, lastOffset: number) => {
    const range = wanted.get(partition);
    if (!range || !pending.has(partition)) return;
    if (lastOffset + 1 >= range.to || (counts.get(partition) ?? 0) >= (options.maxPerPartition ?? Infinity)) {
      pending.delete(partition);
      if (pending.size === 0) finish(true);
    }
  };
  const timer = setTimeout(() => finish(false), options.timeoutMs);
  const onAbort = () => finish(false);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  // Batches made only of control records or aborted data never reach eachBatch; this event still says how far the log got.
  const removeListener = consumer.on(consumer.events.START_BATCH_PROCESS, (event) => {
    const { partition, batchSize, lastOffset } = event.payload as { partition: number; batchSize: number; lastOffset: string };
    if (batchSize === 0) markProgress(partition, Number(lastOffset));
  });
  const crash: { error: Error | null } = { error: null };
  // Seek on every join (also after kafkajs restarts a crashed consumer, e.g. while a fresh cluster
  // is still creating __consumer_offsets): seeks made before the group is set up would be refused.
  const removeJoin = consumer.on(consumer.events.GROUP_JOIN, () => {
    for (const [partition, range] of wanted) consumer.seek({ topic, partition, offset: String(range.from) });
    const others = options.allPartitions.filter((p) => !wanted.has(p));
    if (others.length > 0) consumer.pause([{ topic, partitions: others }]);
  });
  const removeCrash = consumer.on(consumer.events.CRASH, (event) => {
    const { error, restart } = event.payload as { error: unknown; restart: boolean };
    if (!restart) {
      crash.error = error instanceof Error ? error : new Error(String(error));
      finish(false);
    }
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: true,
      eachBatch: async (payload) => {
        const { batch } = payload;
        const heartbeat = () => payload.heartbeat();
        const range = wanted.get(batch.partition);
        if (!range || !pending.has(batch.partition)) return;
        const room = (options.maxPerPartition ?? Infinity) - (counts.get(batch.partition) ?? 0);
        const inRange = batch.messages.filter((m) => {
          const offset = Number(m.offset);
          return offset >= range.from && offset < range.to;
        });
        const taken = inRange.length > room ? inRange.slice(0, room) : inRange;
        if (taken.length > 0) {
          counts.set(batch.partition, (counts.get(batch.partition) ?? 0) + taken.length);
          await options.onBatch(batch.partition, taken, heartbeat);
        }
        markProgress(batch.partition, Number(batch.lastOffset()));
        await Promise.resolve();
      },
    });
    const complete = await finished;
    if (crash.error !== null) throw crash.error;
    return { complete };
  } finally {
    clearTimeout(timer);
    removeJoin();
    removeCrash();
    options.signal?.removeEventListener('abort', onAbort);
    removeListener();
    await consumer.disconnect().catch(() => undefined);
    // Best effort: the throw-away group holds no offsets; leaving it would only clutter the group list.
    void admin()
      .then((a) => a.deleteGroups([groupId]))
      .catch(() => undefined);
  }
}
