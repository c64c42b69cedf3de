import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { tempDir, uniqueName } from '../helpers.js';

const bootstrap = inject('kafkaBootstrap');
const shots = resolve('test-output', 'e2e');
const dir = tempDir('e2e-topics');
let serve: ChildProcess;
let url: string;
let browser: Browser;
let page: Page;
const problems: string[] = [];
const topic = uniqueName('e2e-topic');

async function startServe(): Promise<string> {
  serve = spawn(process.execPath, [resolve('node_modules/tsx/dist/cli.mjs'), 'electron/serve/cli.ts', '--port', '0', '--data-dir', join(dir.path, 'data'), '--no-local-cluster'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  serve.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolveUrl, reject) => {
    let stdout = '';
    serve.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /serving on (http:\/\/\S+)/.exec(stdout);
      if (match?.[1]) resolveUrl(match[1]);
    });
    serve.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  url = await startServe();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  // A payload that would run if it were ever rendered as HTML.
  await page.exposeFunction('kwbXss', () => problems.push('XSS: injected script ran'));
  await page.goto(url);
  await page.getByTestId('app-loaded').waitFor();
  await page.getByLabel('Name').fill('Suite cluster');
  await page.getByLabel('Bootstrap servers').fill(bootstrap);
  await page.getByRole('button', { name: 'Save connection' }).click();
  await page.locator('[data-testid="connection-status"][data-state="connected"]').waitFor({ timeout: 30_000 });
});

afterAll(async () => {
  await browser?.close();
  serve?.kill('SIGTERM');
  await new Promise((done) => serve?.once('exit', done));
  dir.remove();
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
    await page.goto(`${new URL(url).origin}/#/topics`);
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
    await page.getByLabel('Filter expression (CEL)').fill('constructor.constructor("return process")()');
    await page.getByRole('button', { name: 'Scan topic' }).click();
    await page.getByText(/Filter expression:/).first().waitFor();
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
    expect(problems.filter((p) => p.startsWith('XSS'))).toEqual([]);
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
    expect(problems).toEqual([]);
  });
});
