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
    expect(() => checkCron('every tuesday')).toThrow(/Cron expression "every tuesday" is not valid/);
  });
});
