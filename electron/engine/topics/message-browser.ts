import { WorkbenchError } from '../../../shared/errors.js';
import type { Isolation, KafkaMessage, MessagePage, ReadStart } from '../../../shared/topic-browser.js';
import { describeKafkaError, hasKafkaError } from '../kafka/errors.js';
import type { KafkaClients } from '../kafka/kafka-clients.js';
import type { PartitionReader } from '../kafka/partition-reader.js';
import { mergePage } from './page-merge.js';
import { readRanges, type OffsetRange } from './range-reader.js';
import { toMessage } from './to-message.js';

export interface Watermark {
  partition: number;
  low: number;
  high: number;
}

export interface PageRequest {
  topic: string;
  partition: number | null;
  start: ReadStart;
  limit: number;
  isolation: Isolation;
}

const clamp = (value: number, w: Watermark) => Math.min(Math.max(value, w.low), w.high);

/** Low (log start) and high watermark per partition (ListOffsets), in partition order. */
export async function watermarks(clients: KafkaClients, connectionId: string, topic: string): Promise<Watermark[]> {
  const marks = await clients.admin(connectionId, async (admin) => {
    try {
      return await admin.watermarks(topic);
    } catch (error) {
      if (hasKafkaError(error, 'UNKNOWN_TOPIC_OR_PARTITION', 'UNKNOWN_TOPIC_ID'))
        throw new WorkbenchError('NOT_FOUND', `Topic ${topic} does not exist`);
      throw error;
    }
  });
  if (marks.length === 0) throw new WorkbenchError('NOT_FOUND', `Topic ${topic} does not exist`);
  return marks;
}

/** Log start offset per partition: where a read goes on when retention deleted its start. */
export async function logStarts(clients: KafkaClients, connectionId: string, topic: string): Promise<Map<number, number>> {
  return new Map((await watermarks(clients, connectionId, topic)).map((w) => [w.partition, w.low]));
}

/** ListOffsets by time: the first offset whose timestamp is >= the given one, per partition; -1 when none is. */
export async function offsetsForTimestamp(
  clients: KafkaClients,
  connectionId: string,
  topic: string,
  timestamp: number,
): Promise<Map<number, number>> {
  return clients.admin(connectionId, (admin) => admin.offsetsForTimestamp(topic, timestamp));
}

/** Per partition in scope, where a page starts (forward) or ends (backward). */
async function anchors(
  clients: KafkaClients,
  connectionId: string,
  request: PageRequest,
  scope: Watermark[],
): Promise<{ direction: 'forward' | 'backward'; at: Map<number, number> }> {
  const { start } = request;
  const at = new Map<number, number>();
  switch (start.kind) {
    case 'oldest':
      for (const w of scope) at.set(w.partition, w.low);
      return { direction: 'forward', at };
    case 'newest':
      for (const w of scope) at.set(w.partition, w.high);
      return { direction: 'backward', at };
    case 'offset':
      for (const w of scope) at.set(w.partition, clamp(start.offset, w));
      return { direction: 'forward', at };
    case 'timestamp': {
      const byPartition = await offsetsForTimestamp(clients, connectionId, request.topic, start.timestamp);
      for (const w of scope) {
        const offset = byPartition.get(w.partition) ?? -1;
        at.set(w.partition, offset < 0 ? w.high : clamp(offset, w));
      }
      return { direction: 'forward', at };
    }
    case 'after':
    case 'before':
      for (const w of scope) {
        const position = start.positions[String(w.partition)];
        at.set(w.partition, position === undefined ? (start.kind === 'after' ? w.low : w.high) : clamp(position, w));
      }
      return { direction: start.kind === 'after' ? 'forward' : 'backward', at };
  }
}

/** A page reads at most `limit` records per partition: this fetch size holds 100 records of 640 bytes; bigger records take more fetches (the reader grows the size when one record does not fit). */
const PAGE_FETCH_BYTES = 64 * 1024;

/**
 * One page of messages: per-partition ranges read by Fetch at offsets (no consumer group), merged by
 * timestamp. `reader` is the connection's page reader (PageReaders); without one a reader is opened
 * for this page and closed after it.
 */
export async function readPage(
  clients: KafkaClients,
  connectionId: string,
  request: PageRequest,
  shared?: PartitionReader,
): Promise<MessagePage> {
  const started = performance.now();
  const marks = await watermarks(clients, connectionId, request.topic);
  const scope = request.partition === null ? marks : marks.filter((w) => w.partition === request.partition);
  if (scope.length === 0) {
    throw new WorkbenchError('NOT_FOUND', `Topic ${request.topic} has no partition ${String(request.partition)} (it has ${marks.length})`);
  }
  const { direction, at } = await anchors(clients, connectionId, request, scope);
  const ranges = new Map<number, OffsetRange>();
  for (const w of scope) {
    const anchor = at.get(w.partition) ?? w.low;
    ranges.set(
      w.partition,
      direction === 'forward'
        ? { from: anchor, to: Math.min(w.high, anchor + request.limit) }
        : { from: Math.max(w.low, anchor - request.limit), to: anchor },
    );
  }
  const runs = new Map<number, KafkaMessage[]>(scope.map((w) => [w.partition, []]));
  const reader = shared ?? clients.reader(connectionId);
  let complete: boolean;
  try {
    ({ complete } = await readRanges(reader, request.topic, ranges, {
      onBatch: (partition, records) => {
        runs.get(partition)?.push(...records.map(toMessage));
      },
      maxPerPartition: request.limit,
      maxBytesPerPartition: PAGE_FETCH_BYTES,
      timeoutMs: 15_000,
      isolation: request.isolation,
      logStarts: () => logStarts(clients, connectionId, request.topic),
    }));
  } catch (error) {
    throw describeKafkaError(error, clients.connection(connectionId).bootstrapServers);
  } finally {
    if (!shared) void reader.close();
  }
  if (!complete && [...runs.values()].every((run) => run.length === 0)) {
    throw new WorkbenchError(
      'KAFKA_ERROR',
      `Reading ${request.topic} timed out before any message arrived; the broker may be busy or a partition has no leader`,
    );
  }
  const messages = mergePage(runs, request.limit, direction === 'forward' ? 'first' : 'last');
  const first: Record<string, number> = {};
  const next: Record<string, number> = {};
  for (const w of scope) {
    const range = ranges.get(w.partition) ?? { from: w.low, to: w.low };
    const mine = messages.filter((m) => m.partition === w.partition);
    const firstOffset = mine[0]?.offset;
    const lastOffset = mine[mine.length - 1]?.offset;
    if (direction === 'forward') {
      first[w.partition] = firstOffset ?? range.from;
      next[w.partition] = lastOffset === undefined ? range.from : lastOffset + 1;
    } else {
      first[w.partition] = firstOffset ?? range.to;
      next[w.partition] = range.to;
    }
  }
  return {
    messages,
    first,
    next,
    watermarks: marks,
    hasMoreBefore: scope.some((w) => (first[w.partition] ?? w.low) > w.low),
    hasMoreAfter: scope.some((w) => (next[w.partition] ?? w.high) < w.high),
    tookMs: Math.round(performance.now() - started),
    isolation: request.isolation,
  };
}
