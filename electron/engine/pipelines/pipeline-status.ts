import type { PipelineStatus } from '../../../shared/pipelines.js';
import type { Progress } from '../store/checkpoint-store.js';

/** What only a running pipeline knows; the rest of its status comes from the checkpoint's counters. */
export type LiveStatus = Omit<PipelineStatus, 'pipelineId' | 'batches' | 'lateRows' | 'droppedByWatermark' | 'badRecords' | 'lastBad'>;

export function statusFrom(pipelineId: string, progress: Progress, live: LiveStatus): PipelineStatus {
  return {
    pipelineId,
    batches: progress.batch,
    lateRows: progress.lateRows,
    droppedByWatermark: progress.droppedByWatermark,
    badRecords: { ...progress.badCounts },
    lastBad: [...progress.lastBad],
    ...live,
  };
}

/** A pipeline not running here: its checkpoint's counters, nothing live. */
export function idleStatus(pipelineId: string, progress: Progress): PipelineStatus {
  const live: LiveStatus = {
    state: 'stopped',
    error: null,
    stalledSince: null,
    recordsIn: 0,
    rowsOut: 0,
    recordsPerSecondIn: 0,
    rowsPerSecondOut: 0,
    watermarkMs: progress.watermark,
    openWindows: 0,
    lastBatchMs: null,
    lag: [],
  };
  return statusFrom(pipelineId, progress, live);
}
