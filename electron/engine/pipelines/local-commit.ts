import type { Pipeline } from '../../../shared/pipelines.js';
import type { Db } from '../store/db.js';
import type { BatchOutput } from './checkpoint.js';
import type { CheckpointStore } from '../store/checkpoint-store.js';
import type { FileSinks } from './file-sink.js';
import { flattenResult } from './result-columns.js';
import type { OffsetRange } from '../store/file-sink-store.js';
import { partitionId } from './partition-queues.js';
import type { TableSink } from '../store/table-sink.js';

export interface LocalStore {
  db: Db;
  pipeline: Pipeline;
  store: CheckpointStore;
  table: TableSink | null;
  files: FileSinks | null;
}

/**
 * A batch into the app's SQLite store in ONE transaction: results, sink-table rows, counters, the
 * due file rows and, when SQLite is the checkpoint (`withOffsetsAndState`), the offsets and the
 * operator's state. In scale-out Kafka holds offsets and state; SQLite keeps this worker's view.
 */
export function commitLocal(local: LocalStore, batch: BatchOutput, withOffsetsAndState: boolean): void {
  const { result, parts, progress } = batch;
  const commit = {
    offsets: withOffsetsAndState
      ? parts.map((part) => ({ topic: part.topic, partition: part.partition, nextOffset: part.next.toString() }))
      : [],
    upserted: withOffsetsAndState ? (result?.upserted ?? []) : [],
    evicted: withOffsetsAndState ? (result?.evicted ?? []) : [],
    emitted: result?.emitted ?? [],
    tableRows: [...batch.tableRows],
    progress,
  };
  const files = local.files;
  if (!files) {
    local.store.commit(commit, local.table);
    return;
  }
  // File rows and a due file's name join the batch's own transaction (store.commit nests as a savepoint).
  const fileRows = result ? result.emitted.map((row) => flattenResult(row, local.pipeline.aggregation)) : batch.rows;
  const range: OffsetRange = Object.fromEntries(
    parts.map((part) => [partitionId(part.topic, part.partition), [String(part.messages[0]?.offset ?? part.next), part.next.toString()]]),
  );
  local.db.transaction(() => {
    local.store.commit(commit, local.table);
    files.stage(progress.batch, fileRows, range, Date.now());
  })();
}
