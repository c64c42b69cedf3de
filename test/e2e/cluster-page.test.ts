import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { tempDir } from '../helpers.js';

const bootstrap = inject('kafkaBootstrap');
const shots = resolve('test-output', 'e2e');
const dir = tempDir('e2e');
let serve: ChildProcess;
let url: string;
let browser: Browser;
const problems: string[] = [];

/** Starts `serve` exactly as `npm run serve` does (minus the build), on a free port and its own data folder. */
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

async function newPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  return page;
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

describe('the app in Chromium through serve', () => {
  it('prints a loopback URL with a token and refuses a wrong token with 401', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43}$/);
    const wrong = url.replace(/token=[\w-]+/, 'token=wrong');
    expect((await fetch(wrong)).status).toBe(401);
  });

  it('connects to the suite’s broker from the connection form and lists it on the cluster page', async () => {
    const page = await newPage();
    await page.goto(url);
    await page.getByTestId('app-loaded').waitFor();
    await expect.poll(() => page.getByTestId('connection-status').getAttribute('data-state')).toBe('none');
    await page.screenshot({ path: join(shots, 'first-run.png') });

    await page.getByLabel('Name').fill('Suite cluster');
    await page.getByLabel('Bootstrap servers').fill(bootstrap);
    await page.getByRole('button', { name: 'Save connection' }).click();

    await expect.poll(() => page.getByTestId('connection-status').getAttribute('data-state'), { timeout: 30_000 }).toBe('connected');
    const row = page.getByTestId('broker-row');
    await row.first().waitFor({ timeout: 30_000 });
    expect(await row.count()).toBe(1);
    const port = bootstrap.split(',')[0]?.split(':')[1] ?? '';
    expect(await row.first().innerText()).toContain(port);
    await page.screenshot({ path: join(shots, 'cluster.png'), fullPage: true });
    await page.close();
  });

  it('shows an unreachable broker’s error instead of failing', async () => {
    const page = await newPage();
    await page.goto(url);
    await page.getByTestId('app-loaded').waitFor();
    await page.goto(`${new URL(url).origin}/#/settings`);
    await page.getByTestId('settings-page').waitFor();
    await page.getByRole('button', { name: 'Add connection' }).click();
    await page.getByLabel('Name').fill('Nowhere');
    await page.getByLabel('Bootstrap servers').fill('127.0.0.1:1');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText('Broker 127.0.0.1:1 refused the connection').first().waitFor({ timeout: 20_000 });
    await page.screenshot({ path: join(shots, 'unreachable.png'), fullPage: true });
    await page.close();
  });

  it('ran without CSP violations or console errors', () => {
    expect(problems).toEqual([]);
  });
});
