import { createHash } from 'node:crypto';
import { WorkbenchError } from '../../../shared/errors.js';
import type { KafkaAdmin } from '../kafka/admin.js';
import type { PartitionReader } from '../kafka/partition-reader.js';
import type { ConsumedRecord, OutgoingRecord } from '../kafka/records.js';
import type { StateEntry } from './aggregation.js';

/** What a partition's changelog says about its progress: where to resume and the watermarks then. */
export interface PartitionProgress {
  nextOffset: string;
  watermark: number | null;
  /** The eviction watermark of the batch that wrote it (absent in changelogs written before it was kept). */
  previousWatermark?: number | null;
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
export function changelogRecords(
  topic: string,
  partition: number,
  upserted: readonly StateEntry[],
  evicted: readonly string[],
  progress: PartitionProgress,
): OutgoingRecord[] {
  return [
    ...upserted.map((entry) => ({ topic, partition, key: stateKeyOf(entry.key), value: JSON.stringify(entry) })),
    ...evicted.map((key) => ({ topic, partition, key: stateKeyOf(key), value: null })),
    { topic, partition, key: PROGRESS_KEY, value: JSON.stringify(progress) },
  ];
}

/** Creates the changelog (compacted, as many partitions as the source) or checks the existing one. */
export async function ensureChangelog(admin: KafkaAdmin, topic: string, partitions: number): Promise<void> {
  if (!(await admin.listTopics()).includes(topic)) {
    await admin.createTopicsAndWait([
      { topic, numPartitions: partitions, replicationFactor: -1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
    ]);
    return;
  }
  const existing = (await admin.watermarks(topic)).length;
  if (existing !== partitions) {
    throw new WorkbenchError(
      'CONFLICT',
      `The changelog topic ${topic} has ${existing} partitions but the source topic has ${partitions}: partitions were added to the source. ` +
        'State is kept per source partition, so use a new group id (and with it a new changelog) to start over',
    );
  }
}

/**
 * Reads changelog partitions from their start to their end (read_committed, group-less): the last
 * value per key wins, a tombstone removes the key. Call it only after this worker's transactional
 * producers of those partitions were initialised: that fenced any previous owner and completed or
 * aborted its open transaction, so the end offset read here is final.
 */
export async function readChangelog(
  admin: KafkaAdmin,
  reader: PartitionReader,
  topic: string,
  partitions: readonly number[],
  timeoutMs = 60_000,
): Promise<Map<number, RestoredPartition>> {
  const restored = new Map<number, RestoredPartition>(partitions.map((p) => [p, { entries: new Map(), progress: null }]));
  const positions = new Map<number, number>();
  const ends = new Map<number, number>();
  for (const o of await admin.watermarks(topic)) {
    if (restored.has(o.partition) && o.high > o.low) {
      positions.set(o.partition, o.low);
      ends.set(o.partition, o.high);
    }
  }
  const deadline = Date.now() + timeoutMs;
  while (positions.size > 0) {
    if (Date.now() > deadline)
      throw new WorkbenchError('KAFKA_ERROR', `Restoring state from ${topic} did not finish within ${timeoutMs / 1000} s`);
    for (const fetched of await reader.fetch(topic, positions, { isolation: 'read_committed', maxBytesPerPartition: 8 * 1024 * 1024 })) {
      const target = restored.get(fetched.partition);
      const end = ends.get(fetched.partition) ?? 0;
      if (!target) continue;
      for (const record of fetched.records) {
        if (record.offset >= end) break;
        apply(target, record);
      }
      // Past the end, or at the stable end with nothing more to read (trailing markers of aborted transactions).
      if (fetched.nextOffset >= end) positions.delete(fetched.partition);
      else positions.set(fetched.partition, fetched.nextOffset);
    }
  }
  return restored;
}

function apply(target: RestoredPartition, record: ConsumedRecord): void {
  const key = record.key?.toString();
  if (key === undefined) return;
  if (key === PROGRESS_KEY) {
    if (record.value) target.progress = JSON.parse(record.value.toString()) as PartitionProgress;
    return;
  }
  const stateKey = (JSON.parse(key) as [string, string])[1];
  if (record.value) target.entries.set(stateKey, JSON.parse(record.value.toString()) as StateEntry);
  else target.entries.delete(stateKey);
}

/**
 * Deletes a removed pipeline's changelog topic. Refused while the group has members: workers still
 * running elsewhere (`npm run cli -- pipeline run`) hold state only in this topic and would lose it.
 */
export async function deleteChangelog(
  admin: KafkaAdmin,
  groupId: string,
): Promise<{ topic: string; deleted: boolean; reason: string | null }> {
  const topic = changelogTopic(groupId);
  const members = await admin.groupMemberCount(groupId);
  if (members > 0) {
    throw new WorkbenchError(
      'CONFLICT',
      `${members} worker(s) of group ${groupId} still run (e.g. \`npm run cli -- pipeline run\` elsewhere) and keep their state in ${topic}: ` +
        'stop them first, or delete the pipeline without its changelog topic',
    );
  }
  if (!(await admin.listTopics()).includes(topic))
    return { topic, deleted: false, reason: 'it does not exist (the pipeline never ran scaled out)' };
  await admin.deleteTopics([topic]);
  return { topic, deleted: true, reason: null };
}
