import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueName } from '../helpers.js';
import { screenshots as shots, startServeSession, type ServeSession } from './serve-fixture.js';

const bootstrap = inject('kafkaBootstrap');
let session: ServeSession;
let page: Page;
const topic = uniqueName('e2e-topic');

beforeAll(async () => {
  session = await startServeSession();
  await session.connect('Suite cluster', bootstrap);
  page = await session.newPage();
  // A payload that would run if it were ever rendered as HTML.
  await page.exposeFunction('kwbXss', () => session.problems.push('XSS: injected script ran'));
  await page.locator('[data-testid="connection-status"][data-state="connected"]').waitFor({ timeout: 30_000 });
});

afterAll(async () => {
  await session?.close();
});

async function produce(key: string, value: string, encoder: string, headers = '') {
  const form = page.getByRole('form', { name: 'Produce message' });
  await form.getByLabel('Key', { exact: true }).fill(key);
  await form.getByLabel('Value encoder').selectOption(encoder);
  await form.getByLabel('Value', { exact: true }).fill(value);
  await form.getByLabel('Headers (name=value per line)').fill(headers);
  await form.getByRole('button', { name: 'Produce' }).click();
  await form.getByRole('status').waitFor();
}

describe('the topic browser in Chromium through serve', () => {
  it('creates a topic from the topics page', async () => {
    await page.goto(`${session.origin}/#/topics`);
    await page.getByRole('button', { name: 'Create topic' }).click();
    await page.getByLabel('Topic name').fill(topic);
    await page.getByLabel('Partitions').fill('2');
    await page.getByLabel('Configs (name=value per line)').fill('retention.ms=86400000');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByTestId('topic-detail').waitFor();
    await expect.poll(() => page.getByTestId('partition-row').count(), { timeout: 20_000 }).toBe(2);
    await page.getByRole('tab', { name: 'Configs' }).click();
    const retention = page.locator('[data-config="retention.ms"]');
    expect(await retention.getAttribute('class')).toContain('non-default');
    await page.screenshot({ path: join(shots, 'topics-configs.png'), fullPage: true });
  });

  it('produces a JSON message and shows it pretty-printed', async () => {
    await page.getByRole('tab', { name: 'Messages' }).click();
    await page.getByRole('button', { name: 'Produce…' }).click();
    await produce('sensor_3', '{"temperature":31.5,"unit":"C"}', 'json', 'source=e2e');
    await produce('sensor_1', '{"temperature":12,"unit":"C"}', 'json');
    await page.getByRole('button', { name: 'Load' }).click();
    await expect.poll(() => page.getByTestId('message-row').count(), { timeout: 20_000 }).toBe(2);
    await page.getByTestId('message-row').filter({ hasText: 'sensor_3' }).click();
    const value = await page.getByTestId('detail-value').innerText();
    expect(value).toBe('{\n  "temperature": 31.5,\n  "unit": "C"\n}');
    expect(await page.getByTestId('detail-headers').innerText()).toContain('e2e');
    await page.screenshot({ path: join(shots, 'topics-message-detail.png'), fullPage: true });
  });

  it('filters with a CEL expression and shows progress', async () => {
    await page.getByLabel('Filter expression (CEL)').fill('value.temperature > 30 && key == "sensor_3"');
    await page.getByRole('button', { name: 'Scan topic' }).click();
    await expect.poll(() => page.getByTestId('scan-progress').innerText(), { timeout: 20_000 }).toMatch(/done: scanned 2 of 2, matched 1/);
    await expect.poll(() => page.getByTestId('message-row').count()).toBe(1);
    expect(await page.getByTestId('message-row').first().innerText()).toContain('sensor_3');
    await page.screenshot({ path: join(shots, 'topics-filter.png'), fullPage: true });
    // A syntax error says where it is, and the last scan's matches do not stay under it.
    await page.getByLabel('Filter expression (CEL)').fill('value.temperature > > 30');
    await page.getByRole('button', { name: 'Scan topic' }).click();
    await expect
      .poll(() => page.getByRole('alert').filter({ hasText: 'Filter expression' }).innerText(), { timeout: 10_000 })
      .toBe('Filter expression: Unexpected token: GT at column 21: value.temperature > ‸> 30');
    expect(await page.getByTestId('message-row').count()).toBe(0);
    expect(await page.getByTestId('scan-progress').count()).toBe(0);
    await page.screenshot({ path: join(shots, 'topics-filter-syntax-error.png'), fullPage: true });
    await page.getByLabel('Filter expression (CEL)').fill('constructor.constructor("return process")()');
    await page.getByRole('button', { name: 'Scan topic' }).click();
    await page
      .getByText(/Filter expression:/)
      .first()
      .waitFor();
  });

  it('renders script and onerror payloads in key, value and headers as text', async () => {
    const evil = '<img src=x onerror="window.kwbXss()"><script>window.kwbXss()</script>';
    await produce(evil, evil, 'string', `x-evil=${evil}`);
    await page.getByRole('button', { name: 'Load' }).click();
    await expect.poll(() => page.getByTestId('message-row').count(), { timeout: 20_000 }).toBe(3);
    await page.getByTestId('message-row').filter({ hasText: '<script>' }).first().click();
    expect(await page.getByTestId('detail-value').innerText()).toBe(evil);
    expect(await page.getByTestId('detail-key').innerText()).toBe(evil);
    expect(await page.getByTestId('detail-headers').innerText()).toContain(evil);
    expect(await page.locator('[data-testid="messages-tab"] img, [data-testid="messages-tab"] script').count()).toBe(0);
    await page.screenshot({ path: join(shots, 'topics-xss.png'), fullPage: true });
    expect(session.problems.filter((p) => p.startsWith('XSS'))).toEqual([]);
  });

  it('deletes the topic after the name is typed', async () => {
    await page.getByRole('button', { name: 'Delete topic' }).click();
    const confirm = page.getByRole('button', { name: 'Delete for good' });
    expect(await confirm.isDisabled()).toBe(true);
    await page.getByLabel('Topic name to confirm').fill(topic);
    await page.screenshot({ path: join(shots, 'topics-delete.png'), fullPage: true });
    await confirm.click();
    await expect.poll(() => new URL(page.url()).hash).toBe('#/topics');
    await expect.poll(async () => (await page.getByTestId('topics-page').innerText()).includes(topic), { timeout: 20_000 }).toBe(false);
  });

  it('ran without console errors or injected scripts', () => {
    expect(session.problems).toEqual([]);
  });
});
