import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Connection } from '../../shared/connection.js';
import type { ScanProgress } from '../../shared/topic-browser.js';
import type { Engine } from '../../electron/engine/engine.js';
import { data, tempDir, testEngine, uniqueName } from '../helpers.js';
import { produce } from '../kafka.js';

/*
 * A costly (or hostile) filter must cost time, never a frozen engine: each
 * evaluation is metered (filter-budget.ts), and a scan yields to the event loop between evaluations,
 * so other calls are served and a cancel lands while it runs.
 */
const bootstrap = inject('kafkaBootstrap');
const dir = tempDir('topics-filter-bounds');
const topic = uniqueName('topics-costly');
const RECORDS = 300;
let engine: Engine;
let connectionId: string;

const progressOf = async (id: string) =>
  data<{ progress: ScanProgress }>(await engine.dispatch('messages:scanResults', { id, limit: 1 })).progress;

beforeAll(async () => {
  engine = testEngine(dir.path);
  connectionId = data<Connection>(await engine.dispatch('connections:save', { name: 'suite', bootstrapServers: bootstrap.split(',') })).id;
  data(await engine.dispatch('topics:create', { connectionId, topic, partitions: 1, replicationFactor: 1, configs: [] }));
  // JSON lists of 900 numbers: a doubly nested loop over one is ~1e7 steps, over the budget.
  const list = JSON.stringify(Array.from({ length: 900 }, (_, i) => i));
  // In chunks: one request must stay under the broker's 1 MB message.max.bytes.
  await produce(
    bootstrap,
    Array.from({ length: RECORDS }, () => ({ topic, value: list })),
    50,
  );
});
afterAll(async () => {
  await engine.dispose();
  dir.remove();
});

describe('filter cost during a scan', () => {
  it('keeps the engine responsive while an expensive filter runs, and cancels mid-scan', async () => {
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const expression = 'value.exists(x, value.exists(y, x + y == -1.0))';
    const { scanId } = data<{ scanId: string }>(
      await engine.dispatch('messages:scanStart', {
        connectionId,
        topic,
        from: { kind: 'oldest' },
        expression,
        contains: '',
        maxMatches: 100,
      }),
    );
    await expect.poll(async () => (await progressOf(scanId)).scanned, { timeout: 60_000 }).toBeGreaterThan(0);
    // Other calls are answered while the scan evaluates.
    const started = performance.now();
    data(await engine.dispatch('messages:checkFilter', { expression: 'key == "x"' }));
    const answerMs = performance.now() - started;
    const midway = await progressOf(scanId);
    data(await engine.dispatch('messages:scanCancel', { id: scanId }));
    await expect.poll(async () => (await progressOf(scanId)).state, { timeout: 30_000 }).toBe('cancelled');
    delay.disable();
    const after = await progressOf(scanId);
    const worstMs = delay.max / 1e6;
    console.log(
      `[figure] costly filter: ${midway.scanned} records evaluated in ${midway.elapsedMs} ms before cancel; another call answered in ${answerMs.toFixed(0)} ms; worst event-loop delay ${worstMs.toFixed(0)} ms`,
    );
    expect(after.scanned).toBeLessThan(RECORDS);
    expect(after.matched).toBe(0);
    // Generous for a shared 2-core machine; an unyielding scan of ~300 evaluations would block for many seconds.
    expect(answerMs).toBeLessThan(2_000);
    expect(worstMs).toBeLessThan(2_000);
  });

  it('counts records whose evaluation is too costly apart, not as matches, and finishes', async () => {
    const expression = 'value.all(x, value.all(y, value.exists(z, x == y)))';
    const refused = await engine.dispatch('messages:scanStart', {
      connectionId,
      topic,
      from: { kind: 'oldest' },
      expression,
      contains: '',
      maxMatches: 100,
    });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).toMatch(/at most 2 nested/);

    const heavy =
      'value.all(x, value.all(y, string(x) + string(y) + string(x) + string(y) != "" && x * y >= 0.0 && x + y >= 0.0 && x - y <= 1000.0))';
    const { scanId } = data<{ scanId: string }>(
      await engine.dispatch('messages:scanStart', {
        connectionId,
        topic,
        from: { kind: 'oldest' },
        expression: heavy,
        contains: '',
        maxMatches: 100,
      }),
    );
    await expect.poll(async () => (await progressOf(scanId)).state, { timeout: 60_000 }).toBe('done');
    const progress = await progressOf(scanId);
    console.log(
      `[figure] over-budget filter: ${progress.scanned} records, ${String(progress.tooCostly)} stopped as too costly, in ${progress.elapsedMs} ms`,
    );
    expect(progress.scanned).toBe(RECORDS);
    expect(progress.tooCostly).toBe(RECORDS);
    expect(progress.errors).toBe(0);
    expect(progress.matched).toBe(0);
  });
});
