import { Cron } from 'croner';
import type { Schedule } from '../../../shared/producers.js';
import { WorkbenchError } from '../../../shared/errors.js';

/** Each field of a cron expression, in order, with the values it takes (croner's pattern, 6 fields with seconds). */
const FIELDS: Record<string, string> = {
  second: 'second (0–59)',
  minute: 'minute (0–59)',
  hour: 'hour (0–23)',
  day: 'day of the month (1–31)',
  month: 'month (1–12 or JAN–DEC)',
  dayOfWeek: 'day of the week (0–7 or SUN–SAT)',
};

/**
 * croner's reasons (all start with `CronPattern:`) in our words; anything not recognised keeps
 * croner's text after that prefix.
 */
function cronReason(expression: string, message: string): string {
  const fields = expression.trim() === '' ? 0 : expression.trim().split(/\s+/).length;
  if (/invalid configuration format/i.test(message)) {
    return `it needs 5 fields (minute hour day month weekday), or 6 with seconds first; it has ${fields}`;
  }
  const range = /Invalid value for (\w+)/i.exec(message);
  if (range?.[1] !== undefined) return `a value in the ${FIELDS[range[1]] ?? range[1]} field is out of range`;
  if (/illegal stepping/i.test(message)) return 'a step (the number after /) must be 1 or more';
  const illegal = /entry (\d+) \((.*)\) contains illegal characters/i.exec(message);
  if (illegal) return `field ${illegal[1]} ("${illegal[2]}") is not a number, a range (1-5), a list (1,3), a step (*/5) or *`;
  return message.replace(/^CronPattern:\s*/, '');
}

/** Checks a cron expression (5 fields, or 6 with seconds first) and says what is wrong in words. */
export function checkCron(expression: string): Cron {
  try {
    return new Cron(expression, { paused: true });
  } catch (error) {
    throw new WorkbenchError(
      'VALIDATION',
      `Cron expression "${expression}" is not valid: ${cronReason(expression, error instanceof Error ? error.message : String(error))}`,
    );
  }
}

/**
 * How long to wait before the next run. Interval: `everyMs` after the previous run started (the
 * first run is immediate). Cron: until the next matching instant. Continuous: what the source asked.
 */
export function delayBeforeRun(
  schedule: Schedule,
  context: { now: number; lastRunStart: number | null; sourceWaitMs: number; cron: Cron | null },
): number {
  const { trigger } = schedule;
  if (trigger.kind === 'continuous') return context.sourceWaitMs;
  if (trigger.kind === 'interval')
    return context.lastRunStart === null ? 0 : Math.max(0, context.lastRunStart + trigger.everyMs - context.now);
  const next = context.cron?.nextRun(new Date(context.now));
  return next ? Math.max(0, next.getTime() - context.now) : Number.POSITIVE_INFINITY;
}
