import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Consumer, FetchIsolationLevels, MessagesStreamModes, Producer, type BaseOptions } from '@platformatic/kafka';

// The bare-client peers of bench/: loops on the same client library the engine uses, with none of
// the engine around them, so a benchmark row says what the engine's own code costs. Only bench/
// imports this module (only kafka/ may import the library, so the peers live here).

const IS_CONTROL = 1 << 5;

/** The installed client's version, recorded with the benchmark results (the package exports no version). */
export function clientVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@platformatic/kafka');
  const pkg = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

export interface ProduceLoopOptions {
  /** 1, 0 or -1 (all). */
  acks: number;
  /** Records per send() call. */
  batch: number;
  /** Concurrent send() calls. */
  inFlight: number;
}

/**
 * Sends `n` records (`value(i)`, no key) as fast as the client allows: `inFlight` workers, each
 * awaiting one send of `batch` records at a time. Returns records per second, timed from the first
 * send (metadata already loaded) to the last acknowledgement.
 */
export async function rawProduceLoop(
  options: BaseOptions,
  topic: string,
  n: number,
  value: (i: number) => string,
  loop: ProduceLoopOptions,
): Promise<number> {
  const producer = new Producer({ ...options, acks: loop.acks, maxInflights: Math.max(5, loop.inFlight + 1), autocreateTopics: false });
  try {
    await producer.metadata({ topics: [topic] });
    const started = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < n) {
        const from = next;
        next = Math.min(n, next + loop.batch);
        const messages = [];
        for (let i = from; i < next; i++) messages.push({ topic, value: Buffer.from(value(i)) });
        await producer.send({ messages });
      }
    };
    await Promise.all(Array.from({ length: loop.inFlight }, worker));
    return n / ((performance.now() - started) / 1000);
  } finally {
    await producer.close(true).catch(() => undefined);
  }
}

/**
 * The client's own group consumer (fresh group, from earliest, no autocommit, no deserializers)
 * counting records until `count`. Returns records per second, timed from the consume call (group
 * join included, as for any consumer that starts).
 */
export async function rawGroupConsume(options: BaseOptions, topics: string[], groupId: string, count: number): Promise<number> {
  const consumer = new Consumer({ ...options, groupId });
  try {
    const started = performance.now();
    const stream = await consumer.consume({ topics, mode: MessagesStreamModes.EARLIEST, autocommit: false });
    try {
      await new Promise<void>((resolve, reject) => {
        let seen = 0;
        stream.on('data', () => {
          if (++seen === count) resolve();
        });
        stream.once('error', reject);
      });
      return count / ((performance.now() - started) / 1000);
    } finally {
      await stream.close().catch(() => undefined);
    }
  } finally {
    await consumer.close(true).catch(() => undefined);
  }
}

/**
 * A group consumer that calls `onValue` for every record from earliest on, until the returned
 * stop function is called (the latency benchmark's peer).
 */
export async function rawGroupTail(
  options: BaseOptions,
  topics: string[],
  groupId: string,
  onValue: (value: Buffer | undefined, at: number) => void,
): Promise<() => Promise<void>> {
  const consumer = new Consumer({ ...options, groupId });
  const stream = await consumer.consume({ topics, mode: MessagesStreamModes.EARLIEST, autocommit: false });
  stream.on('data', (message) => onValue(message.value, performance.now()));
  stream.on('error', () => undefined);
  return async () => {
    await stream.close().catch(() => undefined);
    await consumer.close(true).catch(() => undefined);
  };
}

/**
 * Reads every partition of `topic` from `from` to `to` (exclusive) with bare Fetch requests, one
 * per leader per round, counting the records of each batch without building record objects: what
 * PartitionReader does, minus its own work. Returns records per second.
 */
export async function rawFetchLoop(
  options: BaseOptions,
  topic: string,
  from: ReadonlyMap<number, number>,
  to: ReadonlyMap<number, number>,
  maxBytesPerPartition = 1024 * 1024,
): Promise<number> {
  const consumer = new Consumer({ ...options, groupId: 'kafka-workbench-bench-never-joins' });
  try {
    const metadata = await consumer.metadata({ topics: [topic] });
    const described = metadata.topics.get(topic);
    if (!described) throw new Error(`Topic ${topic} does not exist`);
    const positions = new Map([...from].filter(([p, offset]) => offset < (to.get(p) ?? 0)));
    let records = 0;
    const started = performance.now();
    while (positions.size > 0) {
      const byLeader = new Map<number, number[]>();
      for (const partition of positions.keys()) {
        const leader = described.partitions[partition]?.leader ?? -1;
        byLeader.set(leader, [...(byLeader.get(leader) ?? []), partition]);
      }
      const answers = await Promise.all(
        [...byLeader].map(([node, partitions]) =>
          consumer.fetch({
            node,
            minBytes: 1,
            maxBytes: 64 * 1024 * 1024,
            maxWaitTime: 100,
            isolationLevel: FetchIsolationLevels.READ_UNCOMMITTED,
            topics: [
              {
                topicId: described.id,
                partitions: partitions.map((partition) => ({
                  partition,
                  fetchOffset: BigInt(positions.get(partition) ?? 0),
                  partitionMaxBytes: maxBytesPerPartition,
                  currentLeaderEpoch: -1,
                  lastFetchedEpoch: -1,
                })),
              },
            ],
          }),
        ),
      );
      for (const answer of answers) {
        for (const t of answer.responses) {
          for (const p of t.partitions) {
            const requested = positions.get(p.partitionIndex) ?? 0;
            const end = to.get(p.partitionIndex) ?? 0;
            let next = requested;
            for (const batch of p.records ?? []) {
              const first = Number(batch.firstOffset);
              next = Math.max(next, first + batch.lastOffsetDelta + 1);
              if ((batch.attributes & IS_CONTROL) !== 0) continue;
              for (const r of batch.records) {
                const offset = first + r.offsetDelta;
                if (offset >= requested && offset < end) records++;
              }
            }
            if (next >= end) positions.delete(p.partitionIndex);
            else positions.set(p.partitionIndex, next);
          }
        }
      }
    }
    return records / ((performance.now() - started) / 1000);
  } finally {
    await consumer.close(true).catch(() => undefined);
  }
}
