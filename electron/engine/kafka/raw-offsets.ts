import {
  kGetApi,
  kGetConnection,
  kPerformWithRetry,
  type Admin,
  type Callback,
  type Connection,
  type listOffsetsV9,
} from '@platformatic/kafka';
import { rawMetadata } from './raw-metadata.js';

type ListOffsetsResponse = listOffsetsV9.ListOffsetsResponse;
type ListOffsetsRequestTopic = listOffsetsV9.ListOffsetsRequestTopic;

/** Rounds of waiting for a partition's leader to be ready (about 7 s in all). */
const LEADERSHIP_ROUNDS = 10;
const LEADERSHIP = /NOT_LEADER_OR_FOLLOWER|LEADER_NOT_AVAILABLE|UNKNOWN_LEADER_EPOCH|has no leader/;

/** Errors that say a partition's leadership is moving or not ready yet. */
function leadership(error: unknown): boolean {
  const seen: string[] = [];
  const queue: unknown[] = [error];
  for (let i = 0; queue.length > 0 && i < 200; i++) {
    const e = queue.shift() as { apiId?: unknown; message?: unknown; errors?: unknown } | null | undefined;
    if (!e || typeof e !== 'object') continue;
    if (typeof e.apiId === 'string') seen.push(e.apiId);
    else if (typeof e.message === 'string' && !Array.isArray(e.errors)) seen.push(e.message);
    if (Array.isArray(e.errors)) queue.push(...(e.errors as unknown[]));
  }
  return seen.length > 0 && seen.every((s) => LEADERSHIP.test(s));
}

/** ListOffsets isolation level 0 = READ_UNCOMMITTED: the high watermark itself, not the last stable offset. */
const READ_UNCOMMITTED = 0;

/** A callback-style client call as a promise (an empty answer is an error). */
export function call<T>(run: (callback: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) =>
    run((error, value) => {
      if (error) reject(error);
      else if (value === undefined) reject(new Error('Empty answer'));
      else resolve(value);
    }),
  );
}

/**
 * ListOffsets at `timestamp` (-1 latest, -2 earliest, or a time) for the given partitions: one
 * request per leader broker, leaders from a fresh Metadata answer, retried as a whole (with new
 * metadata) on the client's retriable errors such as NOT_LEADER_OR_FOLLOWER.
 *
 * Not the client's `listOffsets`: its metadata leaves internal topics out, so for
 * __consumer_offsets it throws a TypeError inside a socket callback — an uncaught exception, and a
 * promise that never settles (test/client-defects/list-offsets-internal-topic.test.ts).
 */
export async function rawListOffsets(
  admin: Admin,
  topics: ReadonlyArray<{ topic: string; partitions: readonly number[] }>,
  timestamp: bigint,
): Promise<Map<string, Map<number, number>>> {
  const out = new Map<string, Map<number, number>>();
  const wanted = topics.filter((t) => t.partitions.length > 0);
  if (wanted.length === 0) return out;
  // A broker that just became leader of many new partitions (2,000 topics created at once) answers
  // NOT_LEADER_OR_FOLLOWER for a second or two although the metadata already names it: wait longer
  // for that than the client's few quick retries.
  for (let round = 1; ; round++) {
    try {
      await call<true>((done) => {
        void admin[kPerformWithRetry]<true>(
          'listOffsets',
          (retryCallback) => {
            attempt()
              .then(() => retryCallback(null, true))
              .catch((error: unknown) =>
                retryCallback(error instanceof Error ? error : new Error(String(error)), undefined as unknown as true),
              );
          },
          done,
          0,
          [],
          leadership,
        );
      });
      break;
    } catch (error) {
      if (round >= LEADERSHIP_ROUNDS || !leadership(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(200 * round, 1_000)));
    }
  }
  return out;

  async function attempt(): Promise<void> {
    const metadata = await rawMetadata(
      admin,
      wanted.map((t) => t.topic),
    );
    const brokers = new Map(metadata.brokers.map((b) => [b.nodeId, { host: b.host, port: b.port }]));
    const byName = new Map(metadata.topics.map((t) => [t.name, t]));
    const byLeader = new Map<number, ListOffsetsRequestTopic[]>();
    for (const { topic, partitions } of wanted) {
      const described = byName.get(topic);
      const leaders = new Map((described?.partitions ?? []).map((p) => [p.partitionIndex, p]));
      for (const partition of partitions) {
        const meta = leaders.get(partition);
        if (!meta || meta.leaderId < 0) throw new Error(`Partition ${topic}-${partition} has no leader`);
        const requests = byLeader.get(meta.leaderId) ?? [];
        byLeader.set(meta.leaderId, requests);
        let request = requests.at(-1);
        if (request?.name !== topic) requests.push((request = { name: topic, partitions: [] }));
        request.partitions.push({ partitionIndex: partition, currentLeaderEpoch: meta.leaderEpoch, timestamp });
      }
    }
    const answers = await Promise.all(
      [...byLeader].map(async ([leader, requestTopics]) => {
        const broker = brokers.get(leader);
        if (!broker) throw new Error(`Broker ${leader} is not in the metadata`);
        const connection = await call<Connection>((cb) => admin[kGetConnection](broker, cb));
        const api = await call<
          (c: Connection, replica: number, isolation: number, topics: ListOffsetsRequestTopic[], cb: Callback<ListOffsetsResponse>) => void
        >((cb) => admin[kGetApi]('ListOffsets', cb));
        return call<ListOffsetsResponse>((cb) => api(connection, -1, READ_UNCOMMITTED, requestTopics, cb));
      }),
    );
    for (const answer of answers) {
      for (const t of answer.topics) {
        const row = out.get(t.name) ?? new Map<number, number>();
        out.set(t.name, row);
        for (const p of t.partitions) row.set(p.partitionIndex, Number(p.offset));
      }
    }
  }
}
