import { describe, expect, it } from 'vitest';
import { scheduleSchema } from '../../../shared/producers.js';
import { checkCron, delayBeforeRun } from './schedule-timing.js';

describe('schedule timing', () => {
  it('runs an interval schedule at once, then everyMs after the previous start', () => {
    const schedule = scheduleSchema.parse({ trigger: { kind: 'interval', everyMs: 25_000 }, perRun: 10 });
    expect(delayBeforeRun(schedule, { now: 1000, lastRunStart: null, sourceWaitMs: 0, cron: null })).toBe(0);
    expect(delayBeforeRun(schedule, { now: 6000, lastRunStart: 1000, sourceWaitMs: 0, cron: null })).toBe(20_000);
    expect(delayBeforeRun(schedule, { now: 40_000, lastRunStart: 1000, sourceWaitMs: 0, cron: null })).toBe(0);
  });
  it('waits for the next cron instant (seconds field supported)', () => {
    const schedule = scheduleSchema.parse({ trigger: { kind: 'cron', expression: '*/15 * * * * *' } });
    const cron = checkCron('*/15 * * * * *');
    const now = Date.UTC(2026, 0, 1, 0, 0, 7);
    expect(delayBeforeRun(schedule, { now, lastRunStart: null, sourceWaitMs: 0, cron })).toBe(8000);
  });
  it('lets a continuous source set its own pace', () => {
    const schedule = scheduleSchema.parse({ trigger: { kind: 'continuous' } });
    expect(delayBeforeRun(schedule, { now: 0, lastRunStart: 0, sourceWaitMs: 1234, cron: null })).toBe(1234);
  });
  it('explains an invalid cron expression', () => {
    expect(() => checkCron('every tuesday')).toThrow(
      'Cron expression "every tuesday" is not valid: it needs 5 fields (minute hour day month weekday), or 6 with seconds first; it has 2',
    );
  });
  it("says what is wrong with a cron expression in words, never with the library's CronPattern wording", () => {
    const reason = (expression: string) => {
      try {
        checkCron(expression);
        return null;
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    };
    expect(reason('61 * * * *')).toBe('Cron expression "61 * * * *" is not valid: a value in the minute (0–59) field is out of range');
    expect(reason('* * * * 8')).toBe(
      'Cron expression "* * * * 8" is not valid: a value in the day of the week (0–7 or SUN–SAT) field is out of range',
    );
    expect(reason('*/0 * * * *')).toBe('Cron expression "*/0 * * * *" is not valid: a step (the number after /) must be 1 or more');
    expect(reason('a * * * *')).toBe(
      'Cron expression "a * * * *" is not valid: field 1 ("a") is not a number, a range (1-5), a list (1,3), a step (*/5) or *',
    );
    for (const expression of ['', 'every tuesday', '61 * * * *', '* * 32 * *', '*/0 * * * *', 'a b c d e', '* * * * * * * *'])
      expect(reason(expression)).not.toMatch(/CronPattern/);
  });
});
