import { describe, expect, it } from 'vitest';
import { WatermarkTracker } from './watermark.js';

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
    const tracker = new WatermarkTracker(0, 60_000);
    expect(tracker.isClosed(60_000)).toBe(true);
    expect(tracker.isClosed(60_001)).toBe(false);
  });
});
