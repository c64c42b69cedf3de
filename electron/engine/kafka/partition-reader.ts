import { Consumer, FetchIsolationLevels, type BaseOptions } from '@platformatic/kafka';
import { WorkbenchError } from '../../../shared/errors.js';
import type { ConsumedRecord } from './records.js';

// Record batch attribute bits (Kafka's DefaultRecordBatch): bit 3 timestamp type, bit 5 control batch.
const LOG_APPEND_TIME = 1 << 3;
const IS_TRANSACTIONAL = 1 << 4;
const IS_CONTROL = 1 << 5;

export type Isolation = 'read_committed' | 'read_uncommitted';

export interface FetchOptions {
  /** How long the broker may wait for data before answering (default 100 ms). */
  maxWaitMs?: number;
  maxBytesPerPartition?: number;
  isolation?: Isolation;
}

/** What one fetch of one partition returned. */
export interface PartitionFetch {
  partition: number;
  /** Records at or after the requested offset, in offset order (control records and, in read_committed, aborted ones left out). */
  records: ConsumedRecord[];
  /** Where the next fetch of this partition starts: past every batch seen, control batches included. */
  nextOffset: number;
  highWatermark: number;
  /** The end of what read_committed may read (high watermark when no transaction is open). */
  lastStableOffset: number;
  logStartOffset: number;
}

interface RawBatch {
  firstOffset: bigint;
  attributes: number;
  lastOffsetDelta: number;
  firstTimestamp: bigint;
  maxTimestamp: bigint;
  producerId?: bigint;
  records: Array<{
    offsetDelta: number;
    timestampDelta: bigint;
    key: Buffer | null;
    value: Buffer | null;
    headers: [Buffer | null, Buffer | null][];
  }>;
}

/**
 * Reads partitions at offsets without joining any consumer group (Fetch requests to each leader,
 * as Kafdrop, kafbat and Redpanda Console do): nothing appears in the cluster's group list and no
 * group ACL is needed. One reader owns one client; `close()` releases its sockets.
 */
export class PartitionReader {
  private readonly consumer: Consumer;

  constructor(options: BaseOptions) {
    // A group id is required by the client's type, but this client never joins, commits or asks a coordinator.
    this.consumer = new Consumer({ ...options, groupId: 'kafka-workbench-reader-never-joins' });
  }

  /** Partition leaders of the topic (refreshes metadata when `fresh`). */
  async partitions(topic: string, fresh = false): Promise<number[]> {
    const metadata = await this.consumer.metadata({ topics: [topic], forceUpdate: fresh });
    const described = metadata.topics.get(topic);
    if (!described) throw new WorkbenchError('NOT_FOUND', `Topic ${topic} does not exist`);
    return described.partitions.map((_, index) => index);
  }

  /**
   * One Fetch per leader for the given partitions at the given offsets, in parallel. Rejects with
   * the client's error (e.g. OFFSET_OUT_OF_RANGE, NOT_LEADER_OR_FOLLOWER after a refresh).
   */
  async fetch(topic: string, positions: ReadonlyMap<number, number>, options: FetchOptions = {}): Promise<PartitionFetch[]> {
    if (positions.size === 0) return [];
    const metadata = await this.consumer.metadata({ topics: [topic] });
    const described = metadata.topics.get(topic);
    if (!described) throw new WorkbenchError('NOT_FOUND', `Topic ${topic} does not exist`);
    const byLeader = new Map<number, number[]>();
    for (const partition of positions.keys()) {
      const leader = described.partitions[partition]?.leader ?? -1;
      if (leader < 0) throw new WorkbenchError('KAFKA_ERROR', `Partition ${partition} of ${topic} has no leader right now`);
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), partition]);
    }
    const isolationLevel =
      options.isolation === 'read_committed' ? FetchIsolationLevels.READ_COMMITTED : FetchIsolationLevels.READ_UNCOMMITTED;
    const answers = await Promise.all(
      [...byLeader].map(([node, partitions]) =>
        this.consumer
          .fetch({
            node,
            minBytes: 1,
            maxBytes: 64 * 1024 * 1024,
            maxWaitTime: options.maxWaitMs ?? 100,
            isolationLevel,
            topics: [
              {
                topicId: described.id,
                partitions: partitions.map((partition) => ({
                  partition,
                  fetchOffset: BigInt(positions.get(partition) ?? 0),
                  partitionMaxBytes: options.maxBytesPerPartition ?? 1024 * 1024,
                  currentLeaderEpoch: -1,
                  lastFetchedEpoch: -1,
                })),
              },
            ],
          })
          .catch(async (error: unknown) => {
            // Leadership moved or metadata went stale: refresh once and let the caller fetch again.
            await this.consumer.metadata({ topics: [topic], forceUpdate: true }).catch(() => undefined);
            throw error;
          }),
      ),
    );
    const out: PartitionFetch[] = [];
    for (const answer of answers) {
      for (const t of answer.responses) {
        for (const p of t.partitions) {
          const requested = positions.get(p.partitionIndex) ?? 0;
          out.push(toPartitionFetch(topic, requested, p));
        }
      }
    }
    return out.sort((a, b) => a.partition - b.partition);
  }

  async close(): Promise<void> {
    await this.consumer.close(true).catch(() => undefined);
  }
}

interface RawPartition {
  partitionIndex: number;
  highWatermark: bigint;
  lastStableOffset: bigint;
  logStartOffset: bigint;
  /** read_committed only: producers whose transaction starting at `firstOffset` was aborted. */
  abortedTransactions?: Array<{ producerId: bigint; firstOffset: bigint }> | null;
  records?: RawBatch[] | null;
}

/** Record batches → records at or after `requested` (a fetch may start inside an earlier batch). */
export function toPartitionFetch(topic: string, requested: number, p: RawPartition): PartitionFetch {
  const records: ConsumedRecord[] = [];
  let next = requested;
  // In read_committed the broker still sends aborted data (below the last stable offset) with the
  // list of aborted transactions; leaving it out is the client's job. @platformatic/kafka's own filter
  // misses aborted data whose marker is beyond the fetch and a producer's second aborted transaction
  // in one response (test/client-defects/consumer-read-committed-aborted.test.ts); this is Kafka's
  // rule as the Java client applies it (CompletedFetch: abortedProducerIds), which needs no marker.
  const aborted = [...(p.abortedTransactions ?? [])].sort((a, b) =>
    a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0,
  );
  const abortedProducers = new Set<bigint>();
  for (const batch of p.records ?? []) {
    const first = Number(batch.firstOffset);
    const last = first + batch.lastOffsetDelta;
    next = Math.max(next, last + 1);
    const producerId = batch.producerId ?? -1n;
    while (aborted.length > 0 && Number(aborted[0]?.firstOffset ?? Infinity) <= last) {
      const started = aborted.shift();
      if (started) abortedProducers.add(started.producerId);
    }
    if ((batch.attributes & IS_CONTROL) !== 0) {
      // The marker ends that producer's transaction: its later batches belong to a new one.
      abortedProducers.delete(producerId);
      continue;
    }
    if ((batch.attributes & IS_TRANSACTIONAL) !== 0 && abortedProducers.has(producerId)) continue;
    const logAppend = (batch.attributes & LOG_APPEND_TIME) !== 0;
    for (const r of batch.records) {
      const offset = first + r.offsetDelta;
      if (offset < requested) continue;
      records.push({
        topic,
        partition: p.partitionIndex,
        offset,
        timestamp: Number(logAppend ? batch.maxTimestamp : batch.firstTimestamp + r.timestampDelta),
        timestampType: logAppend ? 'LogAppendTime' : 'CreateTime',
        key: r.key,
        value: r.value,
        headers: r.headers.map(([k, v]) => ({ key: k === null ? '' : k.toString('utf8'), value: v })),
      });
    }
  }
  return {
    partition: p.partitionIndex,
    records,
    nextOffset: next,
    highWatermark: Number(p.highWatermark),
    lastStableOffset: Number(p.lastStableOffset),
    logStartOffset: Number(p.logStartOffset),
  };
}
