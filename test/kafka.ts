// The suite's own Kafka tools: the engine's client module (electron/engine/kafka/), used directly
// for setup and read-back, so tests need no second client library.
import { KafkaAdmin, type TopicSpec } from '../electron/engine/kafka/admin.js';
import { backoff } from '../electron/engine/kafka/client-options.js';
import { GroupMember } from '../electron/engine/kafka/group-member.js';
import { PartitionReader, type Isolation } from '../electron/engine/kafka/partition-reader.js';
import { KafkaProducer } from '../electron/engine/kafka/producer.js';
import type { ConsumedRecord, OutgoingRecord } from '../electron/engine/kafka/records.js';

export type { ConsumedRecord, OutgoingRecord };

const options = (bootstrap: string) => ({ clientId: 'kwb-test', bootstrapBrokers: bootstrap.split(','), retries: 6, retryDelay: backoff });

/** Runs `work` with a fresh admin and closes it. */
export async function withAdmin<T>(bootstrap: string, work: (admin: KafkaAdmin) => Promise<T>): Promise<T> {
  const admin = new KafkaAdmin(options(bootstrap));
  try {
    return await work(admin);
  } finally {
    await admin.close();
  }
}

export async function createTopic(
  bootstrap: string,
  topic: string,
  partitions = 1,
  extra: Omit<TopicSpec, 'topic' | 'numPartitions'> = {},
): Promise<void> {
  await withAdmin(bootstrap, (a) => a.createTopicsAndWait([{ topic, numPartitions: partitions, ...extra }]));
}

export async function deleteTopics(bootstrap: string, topics: string[]): Promise<void> {
  await withAdmin(bootstrap, (a) => a.deleteTopics(topics));
}

export async function watermarks(bootstrap: string, topic: string) {
  return withAdmin(bootstrap, (a) => a.watermarks(topic));
}

/** Sum of the high watermarks: how many offsets the topic holds. */
export async function topicCount(bootstrap: string, topic: string): Promise<number> {
  return (await watermarks(bootstrap, topic)).reduce((n, p) => n + p.high, 0);
}

/** Produces the records (acks=all) in chunks of `chunk`, then closes the producer. */
export async function produce(bootstrap: string, records: readonly OutgoingRecord[], chunk = 5_000): Promise<void> {
  const producer = new KafkaProducer(options(bootstrap));
  try {
    for (let i = 0; i < records.length; i += chunk) await producer.send(records.slice(i, i + chunk));
  } finally {
    await producer.close();
  }
}

/** A producer the test drives itself (close it). */
export function producer(bootstrap: string): KafkaProducer {
  return new KafkaProducer(options(bootstrap));
}

/** Every record of the topic from its start to the high watermark at call time, per partition in offset order. */
export async function readAll(bootstrap: string, topic: string, isolation: Isolation = 'read_uncommitted'): Promise<ConsumedRecord[]> {
  const marks = await watermarks(bootstrap, topic);
  const reader = new PartitionReader(options(bootstrap));
  const out: ConsumedRecord[] = [];
  try {
    const positions = new Map(marks.filter((m) => m.high > m.low).map((m) => [m.partition, m.low]));
    const ends = new Map(marks.map((m) => [m.partition, m.high]));
    while (positions.size > 0) {
      for (const fetched of await reader.fetch(topic, positions, { isolation, maxBytesPerPartition: 4 * 1024 * 1024 })) {
        const end = ends.get(fetched.partition) ?? 0;
        out.push(...fetched.records.filter((r) => r.offset < end));
        if (
          fetched.nextOffset >= end ||
          (isolation === 'read_committed' && fetched.nextOffset >= fetched.lastStableOffset && fetched.records.length === 0)
        )
          positions.delete(fetched.partition);
        else positions.set(fetched.partition, fetched.nextOffset);
      }
    }
  } finally {
    await reader.close();
  }
  return out;
}

/** Ids of the cluster's consumer groups. */
export async function groupIds(bootstrap: string): Promise<string[]> {
  return withAdmin(bootstrap, (a) => a.listGroupIds());
}

/** Commits offsets for a group with no active member (it need not exist yet). */
export async function setGroupOffsets(
  bootstrap: string,
  groupId: string,
  topic: string,
  offsets: Array<{ partition: number; offset: number }>,
): Promise<void> {
  await withAdmin(bootstrap, (a) => a.alterGroupOffsets(groupId, topic, offsets));
}

/** An active member of `groupId` subscribed to `topics`, once it joined (close it). */
export async function joinGroup(bootstrap: string, groupId: string, topics: string[]): Promise<GroupMember> {
  const member = new GroupMember(
    options(bootstrap),
    groupId,
    { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1_000 },
    () => undefined,
    () => undefined,
  );
  try {
    await member.join(topics);
  } catch (error) {
    await member.close();
    throw error;
  }
  return member;
}
