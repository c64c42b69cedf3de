import type { PipelineSpec } from '../../../shared/pipelines.js';

/** Which of Spark's watermark rules a pipeline follows (the pipeline's "Spark compatibility" setting). */
export type WatermarkRule = PipelineSpec['sparkCompatibility'];

/** The two watermarks a micro-batch runs with (epoch ms; null = none yet, Spark's 0). */
export interface BatchWatermarks {
  /** Rows whose window ended at or before it are late and dropped. */
  lateEvents: number | null;
  /** State whose window ended at or before it is evicted (and, in append mode, emitted). */
  eviction: number | null;
}

/**
 * Event-time watermark as Spark keeps it for one aggregation over one source (docs/SEMANTICS.md):
 * - every row that reaches the watermark operator updates the batch's max event time
 *   (EventTimeWatermarkExec: `EventTimeStatsAccum.add`), late rows included;
 * - when the next batch is planned, and only if the last batch saw at least one row
 *   (`eventTimeStats.count > 0`), candidate = maxEventTime - delay; the global watermark moves to
 *   it only if it is larger (WatermarkTracker.updateWatermark): it never goes backwards. With one
 *   source there is one watermark operator, so `spark.sql.streaming.multipleWatermarkPolicy`
 *   (min/max across operators) has nothing to choose between;
 * - batch N evicts state with the watermark planned for it (`eventTimeWatermarkForEviction =
 *   offsetSeqMetadata.batchWatermarkMs`) and, since Spark 3.4 (SPARK-40925,
 *   `spark.sql.streaming.statefulOperator.allowMultiple=true`), filters late rows with the
 *   watermark of batch N-1 (`eventTimeWatermarkForLateEvents =
 *   prevOffsetSeqMetadata.getOrElse(offsetSeqMetadata).batchWatermarkMs`, IncrementalExecution);
 *   before 3.4 both were the watermark of batch N.
 * Before the first non-empty batch there is no watermark (Spark starts at 0 ms, which with epoch
 * event times filters and evicts nothing either).
 */
export class WatermarkTracker {
  /** The eviction watermark of the batch being processed (the next one's after `endBatch`). */
  private current: number | null;
  /** The eviction watermark of the batch before: the late-events watermark under Spark 3.4+. */
  private previous: number | null;
  private batchMax: number | null = null;
  private readonly delayMs: number;
  private readonly rule: WatermarkRule;

  constructor(
    delayMs: number,
    rule: WatermarkRule = '3.4',
    restored: { watermark: number | null; previousWatermark?: number | null } = { watermark: null },
  ) {
    this.delayMs = delayMs;
    this.rule = rule;
    this.current = restored.watermark;
    // A checkpoint written before the two watermarks were kept holds one: use it for both (one batch
    // under the older rule, which drops at most what the older engine dropped).
    this.previous = restored.previousWatermark === undefined ? restored.watermark : restored.previousWatermark;
  }

  /** The eviction watermark of the batch being processed: what Spark's progress shows as `eventTime.watermark`. */
  get watermark(): number | null {
    return this.current;
  }

  /** The eviction watermark of the batch before (kept with the checkpoint). */
  get previousWatermark(): number | null {
    return this.previous;
  }

  /** The watermarks the batch being processed runs with. */
  get batch(): BatchWatermarks {
    return { lateEvents: this.rule === '3.4' ? this.previous : this.current, eviction: this.current };
  }

  observe(eventTimeMs: number): void {
    if (this.batchMax === null || eventTimeMs > this.batchMax) this.batchMax = eventTimeMs;
  }

  /** Ends the batch: the next batch's watermarks (never backwards). Returns the new eviction watermark. */
  endBatch(): number | null {
    this.previous = this.current;
    if (this.batchMax !== null) {
      const candidate = this.batchMax - this.delayMs;
      if (this.current === null || candidate > this.current) this.current = candidate;
    }
    this.batchMax = null;
    return this.current;
  }

  /**
   * Spark's `shouldRunAnotherBatch` for a stateful aggregation (StateStoreSaveExec): the watermark
   * moved past the one the last batch evicted with, so a batch without data must run to evict (and
   * in append mode emit) what it closed (`spark.sql.streaming.noDataMicroBatches.enabled`, default on).
   */
  get owesBatch(): boolean {
    return this.current !== null && (this.previous === null || this.current > this.previous);
  }
}

/** The later of two watermarks (null = none yet): watermarks merged from several partitions never go backwards. */
export function laterWatermark(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

/** Spark's predicate for windowed keys (WatermarkSupport.watermarkExpression): `window.end <= watermark`. */
export function isClosed(windowEndMs: number, watermark: number | null): boolean {
  return watermark !== null && windowEndMs <= watermark;
}
