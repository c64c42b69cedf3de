import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueName } from '../helpers.js';
import { topicCount } from '../integration/producers-helpers.js';
import { screenshots as shots, startServeSession, type ServeSession } from './serve-fixture.js';

const bootstrap = inject('kafkaBootstrap');
let session: ServeSession;

beforeAll(async () => {
  session = await startServeSession();
  await session.connect('Suite cluster', bootstrap);
});

afterAll(async () => {
  await session?.close();
});

async function sentOf(page: Page, name: string): Promise<number> {
  return Number(await page.locator(`[data-testid="producer-row"][data-name="${name}"] [data-testid="producer-sent"]`).innerText());
}

describe('the producers page in Chromium through serve', () => {
  it('creates a sensor producer, starts it, sees the count grow, stops it and sees it stop', async () => {
    const page = await session.newPage();
    await expect.poll(() => page.getByTestId('connection-status').getAttribute('data-state'), { timeout: 30_000 }).toBe('connected');

    await page.goto(`${session.origin}/#/producers`);
    await page.getByTestId('producers-page').waitFor();
    await page.getByRole('button', { name: 'Sensor simulator' }).click();
    await page.locator('[data-testid="producer-row"][data-name="Sensor simulator"]').waitFor({ timeout: 30_000 });

    const name = uniqueName('e2e-sensors');
    await page.getByRole('button', { name: 'New producer' }).click();
    await page.getByLabel('Producer name').fill(name);
    await page.getByLabel('Topic', { exact: true }).fill(name);
    await page.getByTestId('topic-missing').waitFor();
    await page.getByRole('button', { name: 'Create topic' }).click();
    await page.getByTestId('topic-missing').waitFor({ state: 'detached', timeout: 30_000 });
    await page.getByLabel('Every (s)').fill('0.2');
    await page.getByLabel('Stop after messages').fill('0');
    await page.getByLabel('Compression').selectOption('lz4');
    await page.screenshot({ path: join(shots, 'producers-form.png'), fullPage: true });
    await page.getByRole('button', { name: 'Save producer' }).click();

    const row = page.locator(`[data-testid="producer-row"][data-name="${name}"]`);
    await row.waitFor();
    await page.getByRole('button', { name: `Start ${name}` }).click();
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('running');
    await expect.poll(() => sentOf(page, name), { timeout: 30_000 }).toBeGreaterThan(3);
    const early = await sentOf(page, name);
    await expect.poll(() => sentOf(page, name), { timeout: 30_000 }).toBeGreaterThan(early + 3);
    await page.screenshot({ path: join(shots, 'producers-running.png'), fullPage: true });

    await page.getByRole('button', { name: `Stop ${name}` }).click();
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('stopped');
    const stopped = await sentOf(page, name);
    // A negative check needs a pause: the count must not move after the stop.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await sentOf(page, name)).toBe(stopped);
    // Flushed on stop: the topic holds exactly what the UI counted.
    expect(await topicCount(bootstrap, name)).toBe(stopped);
    await page.screenshot({ path: join(shots, 'producers-stopped.png'), fullPage: true });
    await page.close();
  });

  it('says what is wrong with a cron expression beside the Save button, in our words', async () => {
    const page = await session.newPage();
    await page.goto(`${session.origin}/#/producers`);
    await page.getByTestId('producers-page').waitFor();
    const name = uniqueName('e2e-cron');
    await page.getByRole('button', { name: 'New producer' }).click();
    await page.getByLabel('Producer name').fill(name);
    await page.getByLabel('Topic', { exact: true }).fill(name);
    await page.getByLabel('Trigger').selectOption('cron');
    await page.getByLabel('Cron', { exact: true }).fill('61 * * * *');
    await page.getByRole('button', { name: 'Save producer' }).click();
    const error = page.getByTestId('producer-save-error');
    await expect
      .poll(() => error.innerText(), { timeout: 10_000 })
      .toBe('Cron expression "61 * * * *" is not valid: a value in the minute (0–59) field is out of range');
    // Beside the Save button: the error ends at most a line above it, whatever the form's length.
    const [errorBox, saveBox] = await Promise.all([error.boundingBox(), page.getByRole('button', { name: 'Save producer' }).boundingBox()]);
    expect((saveBox?.y ?? 0) - ((errorBox?.y ?? 0) + (errorBox?.height ?? 0))).toBeLessThan(40);
    expect(await page.getByText('CronPattern').count()).toBe(0);
    await page.getByRole('button', { name: 'Save producer' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'producers-cron-error.png') });
    await page.close();
  });

  it('ran without CSP violations or console errors', () => {
    expect(session.problems).toEqual([]);
  });
});
