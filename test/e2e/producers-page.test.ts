import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { tempDir, uniqueName } from '../helpers.js';
import { topicCount } from '../integration/producers-helpers.js';

const bootstrap = inject('kafkaBootstrap');
const shots = resolve('test-output', 'e2e');
const dir = tempDir('e2e-producers');
let serve: ChildProcess;
let url: string;
let browser: Browser;
const problems: string[] = [];

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
});

afterAll(async () => {
  await browser?.close();
  serve?.kill('SIGTERM');
  await new Promise((done) => serve?.once('exit', done));
  dir.remove();
});

async function sentOf(page: Page, name: string): Promise<number> {
  return Number(await page.locator(`[data-testid="producer-row"][data-name="${name}"] [data-testid="producer-sent"]`).innerText());
}

describe('the producers page in Chromium through serve', () => {
  it('creates a sensor producer, starts it, sees the count grow, stops it and sees it stop', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    await page.goto(url);
    await page.getByTestId('app-loaded').waitFor();
    await page.getByLabel('Name').fill('Suite cluster');
    await page.getByLabel('Bootstrap servers').fill(bootstrap);
    await page.getByRole('button', { name: 'Save connection' }).click();
    await expect.poll(() => page.getByTestId('connection-status').getAttribute('data-state'), { timeout: 30_000 }).toBe('connected');

    await page.goto(`${new URL(url).origin}/#/producers`);
    await page.getByTestId('producers-page').waitFor();
    await page.getByRole('button', { name: 'Sensors (S3)' }).click();
    await page.locator('[data-testid="producer-row"][data-name="Sensors (S3)"]').waitFor({ timeout: 30_000 });

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
    await new Promise((r) => setTimeout(r, 1500));
    expect(await sentOf(page, name)).toBe(stopped);
    // Flushed on stop: the topic holds exactly what the UI counted.
    expect(await topicCount(bootstrap, name)).toBe(stopped);
    await page.screenshot({ path: join(shots, 'producers-stopped.png'), fullPage: true });
    await page.close();
  });

  it('ran without CSP violations or console errors', () => {
    expect(problems).toEqual([]);
  });
});
