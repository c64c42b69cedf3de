import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { screenshots, useServeSession } from './serve-fixture.js';

// Issue 7: the online tile layer is off by default; turned on, the CSP (header and index.html's meta
// tag) allows images from exactly its origin and nothing else changes; an invalid template is refused.
const session = useServeSession();

async function policies(): Promise<{ header: string; meta: string }> {
  const token = new URL(session.url).searchParams.get('token') ?? '';
  const response = await fetch(`${session.origin}/`, { headers: { Authorization: `Bearer ${token}` } });
  const html = await response.text();
  return {
    header: response.headers.get('content-security-policy') ?? '',
    meta: /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '',
  };
}

describe('map tile layer setting', () => {
  it('is off by default and keeps the CSP strict', async () => {
    expect(await session.call('geo:tiles')).toEqual({ enabled: false, urlTemplate: '', attribution: '' });
    const { header, meta } = await policies();
    expect(header).toContain("img-src 'self' data: blob:;");
    expect(meta).toContain("img-src 'self' data: blob:;");
  });

  it('refuses an invalid template in the settings form with a message saying what to fix', async () => {
    const page = await session.newPage();
    await page.goto(`${session.origin}/#/settings`);
    const form = page.getByTestId('tile-settings');
    await form.getByLabel('Online tile layer').check();
    await form.getByLabel('URL template').fill('http://tile.openstreetmap.org/{z}/{x}/{y}.png');
    await form.getByRole('button', { name: 'Save map tiles' }).click();
    await expect.poll(() => form.getByRole('alert').innerText()).toMatch(/must start with https:\/\//);
    await form.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'map-tiles-invalid.png') });
    expect(await session.call('geo:tiles')).toMatchObject({ enabled: false });
    await expect(
      session.call('geo:saveTiles', { enabled: true, urlTemplate: 'https://{s}.{s}.example.org/{z}/{x}/{y}.png' }),
    ).rejects.toThrow(/only as the first part/);
    await page.close();
  });

  it('allows exactly the tile origin once enabled, and only img-src changes', async () => {
    const before = await policies();
    await session.call('geo:saveTiles', {
      enabled: true,
      urlTemplate: 'https://{s}.tile.example.org/{z}/{x}/{y}.png',
      attribution: '<b>Example</b> tiles',
    });
    const on = await policies();
    expect(on.header).toContain("img-src 'self' data: blob: https://*.tile.example.org;");
    expect(on.meta).toContain("img-src 'self' data: blob: https://*.tile.example.org;");
    expect(on.header.replace(' https://*.tile.example.org', '')).toBe(before.header);
    expect(on.meta.replace(' https://*.tile.example.org', '')).toBe(before.meta);

    // The map adds the layer; the attribution is shown as text, not HTML.
    const page = await session.newPage();
    await page.goto(`${session.origin}/#/map`);
    await page.getByTestId('map-page').waitFor();
    await expect.poll(() => page.locator('.leaflet-control-attribution').innerText()).toContain('<b>Example</b> tiles');
    expect(await page.locator('.leaflet-tile-pane img').count()).toBeGreaterThan(0);
    await page.close();

    await session.call('geo:saveTiles', { enabled: false, urlTemplate: 'https://{s}.tile.example.org/{z}/{x}/{y}.png', attribution: '' });
    expect((await policies()).header).toBe(before.header);
  });
});
