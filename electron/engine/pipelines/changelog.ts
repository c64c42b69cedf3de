import { createHash, randomUUID } from 'node:crypto';
import { WorkbenchError } from '../../../shared/errors.js';
import { createTopicsAndWait } from '../kafka/create-topics.js';
import type { Admin, Kafka, Message } from '../kafka/kafkajs.js';
import type { StateEntry } from './aggregation.js';
import { deleteGroupQuietly } from './delete-group.js';

/** What a partition's changelog says about its progress: where to resume and the watermark then. */
export interface PartitionProgress {
  nextOffset: string;
  watermark: number | null;
}

/** One source partition's state as restored from its changelog partition. */
export interface RestoredPartition {
  entries: Map<string, StateEntry>;
  progress: PartitionProgress | null;
}

const PROGRESS_KEY = JSON.stringify(['progress']);
const stateKeyOf = (key: string) => JSON.stringify(['state', key]);

/**
 * The changelog topic of a scale-out pipeline (Kafka Streams' `<application.id>-<store>-changelog`):
 * compacted, one partition per source partition, so changelog partition p holds exactly the state
 * of source partition p. Topic names allow only `[a-zA-Z0-9._-]`; other group ids are hashed.
 */
export function changelogTopic(groupId: string): string {
  if (/^[a-zA-Z0-9._-]{1,200}$/.test(groupId)) return `${groupId}-state-changelog`;
  return `workbench-${createHash('sha256').update(groupId).digest('hex').slice(0, 24)}-state-changelog`;
}

/** Records of one partition's changelog: upserts and tombstones by state key, then the progress record. */
export function changelogMessages(partition: number, upserted: readonly StateEntry[], evicted: readonly string[], progress: PartitionProgress): Message[] {
  return [
    ...upserted.map((entry) => ({ partition, key: stateKeyOf(entry.key), value: JSON.stringify(entry) })),
    ...evicted.map((key) => ({ partition, key: stateKeyOf(key), value: null })),
    { partition, key: PROGRESS_KEY, value: JSON.stringify(progress) },
  ];
}

/** Creates the changelog (compacted, as many partitions as the source) or checks the existing one. */
export async function ensureChangelog(kafka: Kafka, topic: string, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) {
      await createTopicsAndWait(admin, [{ topic, numPartitions: partitions, replicationFactor: -1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }]);
      return;
    }
    const existing = (await admin.fetchTopicOffsets(topic)).length;
    if (existing !== partitions) {
      throw new WorkbenchError(
        'CONFLICT',
        `The changelog topic ${topic} has ${existing} partitions but the source topic has ${partitions}: partitions were added to the source. ` +
          'State is kept per source partition, so use a new group id (and with it a new changelog) to start over',
      );
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Reads changelog partitions from their start to their end (read_committed): the last value per key
 * wins, a tombstone removes the key. Call it only after this worker's transactional producers of
 * those partitions were initialised: that fenced any previous owner and completed or aborted its
 * open transaction, so the end offset read here is final. kafkajs has no manual `assign`, so a
 * throw-away consumer group reads them (the broker's initial rebalance delay is 0 on the local cluster).
 */
export async function readChangelog(kafka: Kafka, topic: string, partitions: readonly number[], timeoutMs = 60_000): Promise<Map<number, RestoredPartition>> {
  const restored = new Map<number, RestoredPartition>(partitions.map((p) => [p, { entries: new Map(), progress: null }]));
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<number, bigint>();
  try {
    for (const o of await admin.fetchTopicOffsets(topic)) {
      if (restored.has(o.partition) && BigInt(o.high) > BigInt(o.low)) ends.set(o.partition, BigInt(o.high));
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  if (ends.size === 0) return restored;

  const groupId = `${topic}-restore-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, readUncommitted: false });
  let finish: () => void = () => undefined;
  let fail: (error: unknown) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  // Batches that kafkajs filtered whole (only markers or aborted records) still end here with their last offset.
  consumer.on(consumer.events.END_BATCH_PROCESS, (event) => {
    const end = ends.get(event.payload.partition);
    if (end !== undefined && BigInt(event.payload.lastOffset) + 1n >= end) {
      ends.delete(event.payload.partition);
      if (ends.size === 0) finish();
    }
  });
  consumer.on(consumer.events.CRASH, (event) => fail(event.payload.error));
  // The only member gets every changelog partition: leave the ones not restored here unread.
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    const other = (event.payload.memberAssignment[topic] ?? []).filter((p) => !ends.has(p));
    if (other.length > 0) consumer.pause([{ topic, partitions: other }]);
  });
  const timer = setTimeout(() => fail(new WorkbenchError('KAFKA_ERROR', `Restoring state from ${topic} did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const target = restored.get(batch.partition);
        if (!target) return;
        for (const message of batch.messages) {
          const key = message.key?.toString();
          if (key === undefined) continue;
          if (key === PROGRESS_KEY) {
            if (message.value) target.progress = JSON.parse(message.value.toString()) as PartitionProgress;
            continue;
          }
          const stateKey = (JSON.parse(key) as [string, string])[1];
          if (message.value) target.entries.set(stateKey, JSON.parse(message.value.toString()) as StateEntry);
          else target.entries.delete(stateKey);
        }
        await Promise.resolve();
      },
    });
    await done;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
    await deleteGroupQuietly(kafka, groupId);
  }
  return restored;
}


/**
 * Deletes a removed pipeline's changelog topic. Refused while the group has members: workers still
 * running elsewhere (`npm run cli -- pipeline run`) hold state only in this topic and would lose it.
 */
export async function deleteChangelog(admin: Admin, groupId: string): Promise<{ topic: string; deleted: boolean; reason: string | null }> {
  const topic = changelogTopic(groupId);
  const members = (await admin.describeGroups([groupId])).groups.find((g) => g.groupId === groupId)?.members.length ?? 0;
  if (members > 0) {
    throw new WorkbenchError(
      'CONFLICT',
      `${members} worker(s) of group ${groupId} still run (e.g. \`npm run cli -- pipeline run\` elsewhere) and keep their state in ${topic}: ` +
        'stop them first, or delete the pipeline without its changelog topic',
    );
  }
  if (!(await admin.listTopics()).includes(topic)) return { topic, deleted: false, reason: 'it does not exist (the pipeline never ran scaled out)' };
  await admin.deleteTopics({ topics: [topic] });
  return { topic, deleted: true, reason: null };
}
