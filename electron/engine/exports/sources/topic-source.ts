import type { ColumnSpec } from '../../../../shared/exports.js';
import { WorkbenchError } from '../../../../shared/errors.js';
import { describeKafkaError, describeStall } from '../../kafka/errors.js';
import type { KafkaClients } from '../../kafka/kafka-clients.js';
import type { ConsumedRecord } from '../../kafka/records.js';
import { headersJson } from '../../headers-json.js';
import { logStarts } from '../../topics/message-browser.js';
import { readRanges } from '../../topics/range-reader.js';
import type { Row } from '../writers/types.js';
import { BoundedQueue } from './bounded-queue.js';
import type { ExportSourceHandle } from './types.js';

export interface TopicRangeSpec {
  connectionId: string;
  topic: string;
  partitions: number[];
  fromOffset?: string | undefined;
  toOffset?: string | undefined;
}

/** Offsets [from, to) per partition, clamped to what the topic holds. */
export interface PartitionRange {
  partition: number;
  from: bigint;
  to: bigint;
}

export function topicColumns(timestampUnit: 'ms' | 'us'): ColumnSpec[] {
  return [
    { name: 'partition', type: 'int32', nullable: false },
    { name: 'offset', type: 'int64', nullable: false },
    { name: 'timestamp', type: timestampUnit === 'us' ? 'timestamp-us' : 'timestamp-ms', nullable: false },
    { name: 'key', type: 'string', nullable: true },
    // No Parquet statistics for the payload columns: their min/max took ~8 % of a topic export's
    // CPU profile (getStatistics + compareStrings, node --cpu-prof of bench/export-topic.ts's export) and prune nothing.
    { name: 'value', type: 'string', nullable: true, statistics: false },
    { name: 'headers', type: 'string', nullable: true, statistics: false },
  ];
}

/** Pure: the ranges to read, from the topic's low/high watermarks and the requested bounds. */
export function planRanges(
  watermarks: { partition: number; low: string; high: string }[],
  spec: Pick<TopicRangeSpec, 'partitions' | 'fromOffset' | 'toOffset'>,
): PartitionRange[] {
  const wanted = spec.partitions.length > 0 ? new Set(spec.partitions) : null;
  const known = new Set(watermarks.map((w) => w.partition));
  for (const p of spec.partitions) {
    if (!known.has(p)) throw new WorkbenchError('NOT_FOUND', `The topic has no partition ${p} (it has ${known.size})`);
  }
  return watermarks
    .filter((w) => !wanted || wanted.has(w.partition))
    .map((w) => {
      const low = BigInt(w.low);
      const high = BigInt(w.high);
      const from = spec.fromOffset !== undefined && BigInt(spec.fromOffset) > low ? BigInt(spec.fromOffset) : low;
      const to = spec.toOffset !== undefined && BigInt(spec.toOffset) < high ? BigInt(spec.toOffset) : high;
      return { partition: w.partition, from, to: to > from ? to : from };
    })
    .sort((a, b) => a.partition - b.partition);
}

const decoder = new TextDecoder('utf-8');
const text = (bytes: Buffer | null | undefined): string | null => (bytes === null || bytes === undefined ? null : decoder.decode(bytes));

/**
 * Reads a topic's offset range as rows (partition, offset, timestamp, key, value, headers) through
 * the topic browser's range reader (Fetch at offsets, no consumer group, each partition stopping at
 * its end offset). Batches go through a bounded queue, so the reader waits for the writer instead of
 * filling memory (nothing times out meanwhile: there is no group session to keep alive).
 */
export async function openTopicSource(kafka: KafkaClients, spec: TopicRangeSpec, timestampUnit: 'ms' | 'us'): Promise<ExportSourceHandle> {
  const watermarks = await kafka.admin(spec.connectionId, async (admin) => {
    const topics = await admin.listTopics();
    if (!topics.includes(spec.topic)) throw new WorkbenchError('NOT_FOUND', `Topic ${spec.topic} does not exist`);
    return admin.watermarks(spec.topic);
  });
  const ranges = planRanges(
    watermarks.map((w) => ({ partition: w.partition, low: String(w.low), high: String(w.high) })),
    spec,
  ).filter((r) => r.to > r.from);
  const total = ranges.reduce((sum, r) => sum + Number(r.to - r.from), 0);
  return {
    label: spec.topic,
    columns: topicColumns(timestampUnit),
    totalRows: total,
    batches: (signal, onStall) => readRows(kafka, spec, ranges, signal, onStall),
  };
}

/** An export may run for hours; it ends when every range is read, on cancel, or on a consumer crash. */
const NO_TIMEOUT_MS = 2 ** 31 - 1;

async function* readRows(
  clients: KafkaClients,
  spec: TopicRangeSpec,
  ranges: PartitionRange[],
  signal: AbortSignal,
  onStall?: (problem: string | null) => void,
): AsyncGenerator<Row[]> {
  if (ranges.length === 0) return;
  const queue = new BoundedQueue<Row[]>(4);
  const onAbort = () => queue.end(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  // Also stops the reader when the writer side stops early (its error ends the job).
  const stop = new AbortController();
  // readRanges retries transient failures itself and says so at once (onRetry); the client's own
  // retries would keep a stalled export silent for ~10 s more.
  const reader = clients.reader(spec.connectionId, { retries: 0 });
  const brokers = clients.connection(spec.connectionId).bootstrapServers;
  let stalledSince: number | null = null;
  const reading = readRanges(reader, spec.topic, new Map(ranges.map((r) => [r.partition, { from: Number(r.from), to: Number(r.to) }])), {
    signal: AbortSignal.any([signal, stop.signal]),
    timeoutMs: NO_TIMEOUT_MS,
    logStarts: () => logStarts(clients, spec.connectionId, spec.topic),
    onRetry: (error) => {
      if (error === null) stalledSince = null;
      else stalledSince ??= Date.now();
      onStall?.(
        error === null || stalledSince === null ? null : describeStall(describeKafkaError(error, brokers, spec.topic), stalledSince),
      );
    },
    onBatch: async (partition, records) => {
      const rows: Row[] = records.map((record) => ({
        partition,
        offset: BigInt(record.offset),
        timestamp: record.timestamp,
        key: text(record.key),
        value: text(record.value),
        headers: headersText(record.headers),
      }));
      await queue.push(rows, stop.signal);
    },
  })
    .then(
      ({ complete }) =>
        queue.end(
          complete || signal.aborted || stop.signal.aborted
            ? undefined
            : new WorkbenchError('INTERNAL', `Reading ${spec.topic} stopped before the end of its range`),
        ),
      (error: unknown) => queue.end(describeKafkaError(error, clients.connection(spec.connectionId).bootstrapServers)),
    )
    .finally(() => reader.close());
  try {
    yield* queue;
  } finally {
    signal.removeEventListener('abort', onAbort);
    queue.end();
    stop.abort();
    await reading;
  }
}

/** Headers as a JSON object (headers-json.ts); null when the record has none. */
function headersText(headers: ConsumedRecord['headers']): string | null {
  if (headers.length === 0) return null;
  return headersJson(headers.map(({ key, value }) => ({ key, value: text(value) })));
}
