import type { Pipeline } from '../../../shared/pipelines.js';
import type { Producer } from '../kafka/kafkajs.js';
import type { Db } from '../store/db.js';
import type { AggregationOperator } from './aggregation.js';
import { nextProgress, type CheckpointStore, type Progress } from './checkpoint-store.js';
import type { FileSinks } from './file-sink.js';
import { flattenResult } from './file-sink-columns.js';
import type { OffsetRange } from './file-sink-store.js';
import { sendBatchRecords } from './kafka-sink.js';
import { partitionId, type Queued } from './partition-queues.js';
import type { RecordProcessor } from './record-processor.js';
import type { ScaleOutState } from './scale-out-state.js';
import type { TableSink } from './table-sink.js';

/** What a micro-batch reads and writes; the runner owns them (the operator is rebuilt after a failure). */
export interface MicroBatchParts {
  db: Db;
  pipeline: Pipeline;
  store: CheckpointStore;
  processor: RecordProcessor;
  operator: AggregationOperator | null;
  table: TableSink | null;
  files: FileSinks | null;
  /** Kafka sinks and dead letters of the SQLite path (null in scale-out, which sends in its transactions). */
  producer: Producer | null;
  scale: ScaleOutState | null;
}

/**
 * One micro-batch over the records taken from the queues: decode, project, aggregate, then commit.
 * - SQLite path: Kafka sinks and dead letters are sent first (at least once, keyed so that a replay
 *   overwrites its own records), then offsets, state, results, table rows, counters and the due file
 *   rows go in ONE SQLite transaction: a crash before it replays the batch, exactly once into SQLite.
 * - Scale-out: per source partition, outputs, dead letters, changelog and consumer offset go in one
 *   Kafka transaction (ScaleOutState.commit); SQLite then keeps this worker's results and counters only.
 * Throws when anything failed; nothing of the batch is then in the checkpoint (scale-out: see
 * PartitionCommitError for partitions that did commit). The runner moves the queues on.
 */
export async function runMicroBatch(m: MicroBatchParts, parts: readonly Queued[], previous: Progress): Promise<{ progress: Progress; changedRows: number }> {
  const processed = parts.map((part) => m.processor.process(part.topic, part.partition, part.messages));
  // Scale-out: every group must come from one partition; checked before any state changes.
  processed.forEach((batch, i) => m.scale?.claim(parts[i]?.partition ?? -1, batch.rows));
  const rows = processed.flatMap((p) => p.rows);
  const bad = processed.flatMap((p) => p.bad);
  const tableRows = processed.flatMap((p) => p.tableRows);
  const result = m.operator?.processBatch(rows) ?? null;
  const progress = nextProgress(previous, bad, result?.lateRows ?? 0, result?.watermark ?? null);
  if (m.scale) {
    // Kafka is the truth (outputs, dead letters, changelog, offsets: one transaction per partition); SQLite keeps results and counters as a local view.
    await m.scale.commit({ offsets: new Map(parts.map((part) => [part.partition, part.next])), result, bad, watermark: result?.watermark ?? null });
  } else if (m.producer) {
    await sendBatchRecords(m.producer, m.pipeline, result?.emitted ?? [], bad);
  }
  const local = !m.scale;
  const commit = {
    offsets: local ? parts.map((part) => ({ topic: part.topic, partition: part.partition, nextOffset: part.next.toString() })) : [],
    upserted: local ? (result?.upserted ?? []) : [],
    evicted: local ? (result?.evicted ?? []) : [],
    emitted: result?.emitted ?? [],
    tableRows,
    progress,
  };
  const files = m.files;
  if (files) {
    // File rows and a due file's name join the batch's own transaction (store.commit nests as a savepoint).
    const fileRows = result ? result.emitted.map((row) => flattenResult(row, m.pipeline)) : rows;
    const range: OffsetRange = Object.fromEntries(parts.map((part) => [partitionId(part.topic, part.partition), [part.messages[0]?.offset ?? part.next.toString(), part.next.toString()]]));
    m.db.transaction(() => {
      m.store.commit(commit, m.table);
      files.stage(progress.batch, fileRows, range, Date.now());
    })();
  } else {
    m.store.commit(commit, m.table);
  }
  return { progress, changedRows: result ? result.emitted.length : tableRows.length };
}
