import type { AggregationOperator } from './aggregation.js';
import type { Checkpoint } from './checkpoint.js';
import { nextProgress, type Progress } from '../store/checkpoint-store.js';
import type { Queued } from './partition-queues.js';
import type { RecordProcessor } from './record-processor.js';
import { checkStateSize } from './state-limit.js';

/** What a micro-batch reads and writes; the runner owns them (the operator is rebuilt after a failure). */
export interface MicroBatchParts {
  processor: RecordProcessor;
  operator: AggregationOperator | null;
  checkpoint: Checkpoint;
}

/**
 * One micro-batch over the records taken from the queues: decode, project, aggregate, then make it
 * durable through the checkpoint (one SQLite transaction, or one Kafka transaction per partition).
 * Throws when anything failed; the checkpoint's `recover` then says what is durable. The runner
 * moves the queues on.
 */
export async function runMicroBatch(
  m: MicroBatchParts,
  parts: readonly Queued[],
  previous: Progress,
): Promise<{ progress: Progress; changedRows: number }> {
  const processed = await m.processor.processParts(parts);
  // Checked before any state changes (scale-out: every group must come from one partition).
  processed.forEach((batch, i) => m.checkpoint.claim(parts[i]?.partition ?? -1, batch.rows));
  const rows = processed.flatMap((p) => p.rows);
  const bad = processed.flatMap((p) => p.bad);
  const tableRows = processed.flatMap((p) => p.tableRows);
  const result = m.operator?.processBatch(rows) ?? null;
  // Bounded state: fails (StateTooLargeError) before this batch is made durable.
  if (m.operator) checkStateSize(m.operator.openWindows);
  const progress = nextProgress(previous, bad, {
    lateRows: result?.lateRows ?? 0,
    droppedByWatermark: result?.droppedByWatermark ?? 0,
    watermark: result?.watermark ?? null,
    previousWatermark: result?.previousWatermark ?? null,
  });
  await m.checkpoint.commit({ parts, rows, result, bad, tableRows, progress });
  return { progress, changedRows: result ? result.emitted.length : rows.length };
}
