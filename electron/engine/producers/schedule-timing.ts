import { Cron } from 'croner';
import type { Schedule } from '../../../shared/producers.js';
import { WorkbenchError } from '../../../shared/errors.js';

/** Checks a cron expression (5 fields, or 6 with seconds first) and says what is wrong in words. */
export function checkCron(expression: string): Cron {
  try {
    return new Cron(expression, { paused: true });
  } catch (error) {
    throw new WorkbenchError('VALIDATION', `Cron expression "${expression}" is not valid: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * How long to wait before the next run. Interval: `everyMs` after the previous run started (the
 * first run is immediate). Cron: until the next matching instant. Continuous: what the source asked.
 */
export function delayBeforeRun(schedule: Schedule, context: { now: number; lastRunStart: number | null; sourceWaitMs: number; cron: Cron | null }): number {
  const { trigger } = schedule;
  if (trigger.kind === 'continuous') return context.sourceWaitMs;
  if (trigger.kind === 'interval') return context.lastRunStart === null ? 0 : Math.max(0, context.lastRunStart + trigger.everyMs - context.now);
  const next = context.cron?.nextRun(new Date(context.now));
  return next ? Math.max(0, next.getTime() - context.now) : Number.POSITIVE_INFINITY;
}
