/**
 * Event-time watermark as Spark keeps it (EventTimeWatermarkExec + WatermarkTracker):
 * - every row that reaches the watermark operator updates the batch's max event time
 *   (`EventTimeStatsAccum.add`), late rows included;
 * - at the end of a batch, only if the batch saw at least one row (`eventTimeStats.count > 0`),
 *   candidate = maxEventTime - delay; the global watermark moves to it only if it is larger
 *   (`if (newWatermarkMs > globalWatermarkMs)`): it never goes backwards;
 * - the watermark used while a batch runs is the one fixed at the end of the previous batch.
 * Before the first non-empty batch there is no watermark (Spark starts at 0 ms; with epoch event
 * times that filters nothing either).
 */
export class WatermarkTracker {
  private current: number | null;
  private batchMax: number | null = null;
  private readonly delayMs: number;

  constructor(delayMs: number, restored: number | null = null) {
    this.delayMs = delayMs;
    this.current = restored;
  }

  /** The watermark in force for the batch being processed. */
  get watermark(): number | null {
    return this.current;
  }

  observe(eventTimeMs: number): void {
    if (this.batchMax === null || eventTimeMs > this.batchMax) this.batchMax = eventTimeMs;
  }

  /** Ends the batch: advances the watermark (never backwards) and returns it. */
  endBatch(): number | null {
    if (this.batchMax !== null) {
      const candidate = this.batchMax - this.delayMs;
      if (this.current === null || candidate > this.current) this.current = candidate;
    }
    this.batchMax = null;
    return this.current;
  }

  /**
   * Spark's late-row and eviction predicate (WatermarkSupport.watermarkExpression): for a window
   * column it compares the window END: `window.end <= watermark` means too old.
   */
  isClosed(windowEndMs: number): boolean {
    return this.current !== null && windowEndMs <= this.current;
  }
}
