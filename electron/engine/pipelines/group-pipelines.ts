import type { Pipeline } from '../../../shared/pipelines.js';
import type { Db } from '../store/db.js';
import { CheckpointStore } from '../store/checkpoint-store.js';
import { pipelinesRepo } from '../store/pipelines-repo.js';

/** A saved pipeline that reads with a consumer group, as the groups page shows it. */
export interface GroupPipeline {
  id: string;
  name: string;
  /** False for scale-out: its changelog topic holds its offsets with its state (docs/GUARANTEES.md). */
  followsReset: boolean;
}

function pipelinesOf(db: Db, connectionId: string, groupId: string): Pipeline[] {
  return pipelinesRepo(db)
    .list()
    .filter((p) => p.connectionId === connectionId && p.groupId === groupId);
}

/** The app's saved pipelines that read with this group on this connection. */
export function groupPipelines(db: Db, connectionId: string, groupId: string): GroupPipeline[] {
  return pipelinesOf(db, connectionId, groupId).map((p) => ({ id: p.id, name: p.name, followsReset: !p.scaleOut }));
}

/**
 * A pipeline resumes from its own checkpoint (SQLite, committed with its output), not from the
 * group's committed offsets, which it only writes for lag (lag-commits.ts). So an offsets reset of
 * its group moves its checkpoint to the same offsets, for the reset topic's partitions: the next
 * start reads from there, as a Kafka consumer of the group would. Its state (open windows,
 * running totals) and the rows already written stay as they are. Returns the names of the
 * pipelines whose checkpoint moved.
 */
export function followGroupReset(
  db: Db,
  connectionId: string,
  groupId: string,
  topic: string,
  offsets: readonly { partition: number; offset: number }[],
): string[] {
  const moved: string[] = [];
  for (const p of pipelinesOf(db, connectionId, groupId)) {
    if (p.scaleOut || !p.topics.includes(topic)) continue;
    new CheckpointStore(db, p.id).moveOffsets(offsets.map((o) => ({ topic, partition: o.partition, offset: String(o.offset) })));
    moved.push(p.name);
  }
  return moved;
}
