import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { screenshots, useServeSession } from './serve-fixture.js';

const session = useServeSession();

describe('Settings → Local cluster in Chromium', () => {
  it('saves "keep running" and a Maven mirror, refuses a URL that is not http(s), and shows them after a reload', async () => {
    const page = await session.newPage();
    await page.goto(`${session.origin}/#/settings`);
    const form = page.getByTestId('local-cluster-settings');
    await form.waitFor();
    const keep = form.getByLabel('Keep the local cluster running after quitting');
    const mirror = form.getByLabel("Maven mirror for Kafka's jars");
    expect(await keep.isChecked()).toBe(false);

    await mirror.fill('ftp://nexus.example/maven2');
    await form.getByRole('button', { name: 'Save local cluster settings' }).click();
    await form.getByText('must be an http(s) URL').waitFor();

    await keep.check();
    await mirror.fill('https://nexus.example/repository/maven-central/');
    await form.getByRole('button', { name: 'Save local cluster settings' }).click();
    await expect.poll(() => form.getByText('must be an http(s) URL').count()).toBe(0);
    await form.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'local-cluster-settings.png'), fullPage: true });

    await page.reload();
    await form.waitFor();
    await expect.poll(() => mirror.inputValue()).toBe('https://nexus.example/repository/maven-central/');
    expect(await keep.isChecked()).toBe(true);
    await page.close();
  });

  it('ran without CSP violations or console errors', () => {
    expect(session.problems).toEqual([]);
  });
});
