import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { screenshots, useServeSession } from './serve-fixture.js';

const bootstrap = inject('kafkaBootstrap');
const session = useServeSession();

describe('the app in Chromium through serve', () => {
  it('prints a loopback URL with a token and refuses a wrong token with 401', async () => {
    expect(session.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43}$/);
    const wrong = session.url.replace(/token=[\w-]+/, 'token=wrong');
    expect((await fetch(wrong)).status).toBe(401);
  });

  it('connects to the suite’s broker from the connection form and lists it on the cluster page', async () => {
    const page = await session.newPage();
    await expect.poll(() => page.getByTestId('connection-status').getAttribute('data-state')).toBe('none');
    await page.screenshot({ path: join(screenshots, 'first-run.png') });

    await page.getByLabel('Name').fill('Suite cluster');
    await page.getByLabel('Bootstrap servers').fill(bootstrap);
    await page.getByRole('button', { name: 'Save connection' }).click();

    await expect.poll(() => page.getByTestId('connection-status').getAttribute('data-state'), { timeout: 30_000 }).toBe('connected');
    const row = page.getByTestId('broker-row');
    await row.first().waitFor({ timeout: 30_000 });
    expect(await row.count()).toBe(1);
    const port = bootstrap.split(',')[0]?.split(':')[1] ?? '';
    expect(await row.first().innerText()).toContain(port);
    await page.screenshot({ path: join(screenshots, 'cluster.png'), fullPage: true });
    await page.close();
  });

  it('shows an unreachable broker’s error instead of failing', async () => {
    const page = await session.newPage();
    await page.goto(`${session.origin}/#/settings`);
    await page.getByTestId('settings-page').waitFor();
    await page.getByRole('button', { name: 'Add connection' }).click();
    await page.getByLabel('Name').fill('Nowhere');
    await page.getByLabel('Bootstrap servers').fill('127.0.0.1:1');
    await page.getByRole('button', { name: 'Test connection' }).click();
    const error = page.getByText('Broker 127.0.0.1:1 refused the connection').first();
    await error.waitFor({ timeout: 20_000 });
    await error.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'unreachable.png') });
    await page.close();
  });

  it('ran without CSP violations or console errors', () => {
    expect(session.problems).toEqual([]);
  });
});
