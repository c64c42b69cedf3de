import { describe, expect, it } from 'vitest';
import { isClosed, WatermarkTracker } from './watermark.js';

describe('WatermarkTracker (Spark WatermarkTracker.updateWatermark)', () => {
  it('is max event time minus the delay, set only at the end of the batch', () => {
    const tracker = new WatermarkTracker(10_000);
    tracker.observe(50_000);
    tracker.observe(70_000);
    expect(tracker.watermark).toBeNull();
    expect(tracker.endBatch()).toBe(60_000);
  });

  it('does not move on an empty batch (Spark skips operators whose eventTimeStats.count is 0)', () => {
    const tracker = new WatermarkTracker(10_000);
    tracker.observe(70_000);
    tracker.endBatch();
    expect(tracker.endBatch()).toBe(60_000);
  });

  it('never moves backwards when a later batch has only older events', () => {
    const tracker = new WatermarkTracker(10_000);
    tracker.observe(70_000);
    tracker.endBatch();
    tracker.observe(20_000);
    expect(tracker.endBatch()).toBe(60_000);
  });

  it('treats a window ending exactly at the watermark as closed (window.end <= watermark)', () => {
    expect(isClosed(60_000, 60_000)).toBe(true);
    expect(isClosed(60_001, 60_000)).toBe(false);
    expect(isClosed(0, null)).toBe(false);
  });

  it('runs a batch with the watermark of the batch before for late rows (Spark 3.4+) and the current one for eviction', () => {
    const tracker = new WatermarkTracker(10_000);
    tracker.observe(70_000);
    tracker.endBatch();
    expect(tracker.batch).toEqual({ lateEvents: null, eviction: 60_000 });
    tracker.observe(90_000);
    tracker.endBatch();
    expect(tracker.batch).toEqual({ lateEvents: 60_000, eviction: 80_000 });
    const legacy = new WatermarkTracker(10_000, 'before-3.4', { watermark: 80_000, previousWatermark: 60_000 });
    expect(legacy.batch).toEqual({ lateEvents: 80_000, eviction: 80_000 });
  });

  it('owes a batch without data while the watermark is past the last eviction (shouldRunAnotherBatch)', () => {
    const tracker = new WatermarkTracker(10_000);
    expect(tracker.owesBatch).toBe(false);
    tracker.observe(70_000);
    tracker.endBatch();
    expect(tracker.owesBatch).toBe(true);
    tracker.endBatch(); // the no-data batch
    expect(tracker.owesBatch).toBe(false);
  });

  it('restores both watermarks; a checkpoint with one uses it for both', () => {
    expect(new WatermarkTracker(0, '3.4', { watermark: 5, previousWatermark: 3 }).batch).toEqual({ lateEvents: 3, eviction: 5 });
    expect(new WatermarkTracker(0, '3.4', { watermark: 5 }).batch).toEqual({ lateEvents: 5, eviction: 5 });
  });
});
