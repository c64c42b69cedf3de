// The app's side of the Spark oracle tests: the real PipelineRunner (real Kafka source, the SQLite
// checkpoint) over a topic, recording what each micro-batch read, emitted and dropped, in the shape
// the PySpark side reports, so the two can be compared batch by batch.
import type { AggregationSpec, OutputMode, Pipeline, PipelineInput } from '../../shared/pipelines.js';
import type { ResultRow } from '../../electron/engine/pipelines/aggregation.js';
import type { BatchOutput } from '../../electron/engine/pipelines/checkpoint.js';
import { PipelineRunner, type CheckpointParts } from '../../electron/engine/pipelines/pipeline-runner.js';
import { SqliteCheckpoint } from '../../electron/engine/pipelines/sqlite-checkpoint.js';
import { openDatabase } from '../../electron/engine/store/db.js';
import { clientOptions, pipelineOf, waitFor } from '../integration/pipelines-helpers.js';
import { uniqueName } from '../helpers.js';

/** One aggregation case, run by both sides on the same topic. */
export interface OracleCase {
  name: string;
  topic: string;
  maxOffsetsPerTrigger: number;
  outputMode: OutputMode;
  window: { durationMs: number; slideMs?: number };
  watermarkDelayMs: number;
  sparkCompatibility?: Pipeline['sparkCompatibility'];
}

/** One emitted row: the group, the window and the aggregates. */
export interface OracleRow {
  sensor: string;
  start: number;
  end: number;
  n: number;
  sum_t: number;
  avg_t: number;
  min_t: number;
  max_t: number;
}

export interface OracleBatch {
  batchId: number;
  numInputRows: number;
  /** The watermark the batch evicted by (Spark's `eventTime.watermark`); 0 = none yet. */
  watermarkMs: number;
  numRowsDroppedByWatermark: number;
  rows: OracleRow[];
}

/** The aggregation both sides run: Spark's `groupBy(window(ts, …), sensor).agg(count, sum, avg, min, max)`. */
export function aggregationOf(c: OracleCase): AggregationSpec {
  return {
    groupBy: ['sensor'],
    window: {
      column: 'ts',
      durationMs: c.window.durationMs,
      ...(c.window.slideMs === undefined ? {} : { slideMs: c.window.slideMs }),
      offsetMs: 0,
    },
    watermarkDelayMs: c.watermarkDelayMs,
    aggregates: [
      { fn: 'count', as: 'n' },
      { fn: 'sum', column: 'temperature', as: 'sum_t' },
      { fn: 'avg', column: 'temperature', as: 'avg_t' },
      { fn: 'min', column: 'temperature', as: 'min_t' },
      { fn: 'max', column: 'temperature', as: 'max_t' },
    ],
  };
}

function rowOf(row: ResultRow): OracleRow {
  const v = row.values;
  return {
    sensor: String(row.group[0]),
    start: row.window?.start ?? 0,
    end: row.window?.end ?? 0,
    n: Number(v.n),
    sum_t: Number(v.sum_t),
    avg_t: Number(v.avg_t),
    min_t: Number(v.min_t),
    max_t: Number(v.max_t),
  };
}

/** The SQLite checkpoint, recording each committed batch. */
class RecordingCheckpoint extends SqliteCheckpoint {
  readonly batches: OracleBatch[] = [];
  override async commit(batch: BatchOutput): Promise<void> {
    await super.commit(batch);
    const result = batch.result;
    this.batches.push({
      batchId: batch.progress.batch - 1,
      numInputRows: batch.parts.reduce((n, part) => n + part.messages.length, 0),
      watermarkMs: result?.ran.eviction ?? 0,
      numRowsDroppedByWatermark: result?.droppedByWatermark ?? 0,
      rows: (result?.emitted ?? []).map(rowOf),
    });
  }
}

/**
 * Runs the case's pipeline until it read `total` records and ran the batches without data Spark
 * would run after them (the runner is idle: caught up, no batch owed), then stops it.
 */
export async function runWorkbench(bootstrap: string, c: OracleCase, total: number): Promise<{ batches: OracleBatch[]; lateRows: number }> {
  const input: PipelineInput & { id: string } = {
    id: uniqueName('oracle'),
    name: c.name,
    connectionId: 'oracle',
    topics: [c.topic],
    groupId: uniqueName('oracle-group'),
    maxRecordsPerBatch: c.maxOffsetsPerTrigger,
    triggerIntervalMs: 0,
    projection: [
      { column: 'sensor', path: 'sensor', type: 'string' },
      { column: 'ts', path: 'ts', type: 'timestamp', timestampFormat: 'epoch-ms' },
      { column: 'temperature', path: 'temperature', type: 'double' },
    ],
    aggregation: aggregationOf(c),
    outputMode: c.outputMode,
    ...(c.sparkCompatibility ? { sparkCompatibility: c.sparkCompatibility } : {}),
  };
  const pipeline = pipelineOf(input);
  const db = openDatabase(':memory:');
  const recorded: { checkpoint: RecordingCheckpoint | null } = { checkpoint: null };
  const checkpoint = (parts: CheckpointParts) => (recorded.checkpoint = new RecordingCheckpoint({ ...parts, send: null }));
  const runner = new PipelineRunner({ db, kafka: clientOptions(bootstrap), pipeline, checkpoint, statusIntervalMs: 60_000 });
  await runner.start();
  try {
    const read = () => recorded.checkpoint?.batches.reduce((n, b) => n + b.numInputRows, 0) ?? 0;
    await waitFor(() => read() >= total, 120_000, `${c.name}: ${total} records read`);
    // The trailing batch without data runs within a trigger tick; then nothing is owed.
    await waitFor(() => runner.caughtUp(), 30_000, `${c.name}: the batches Spark runs without data`);
    return { batches: recorded.checkpoint?.batches ?? [], lateRows: runner.status().lateRows };
  } finally {
    await runner.stop();
    db.close();
  }
}
