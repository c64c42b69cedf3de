import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { findFreePortBlock } from '../../electron/engine/cluster/ports.js';
import { tempDir } from '../helpers.js';
import { screenshots } from './serve-fixture.js';

// An open tab when `serve` restarts: the new run has a new token (SECURITY.md), so the tab's cookie
// is refused for good. Before, the tab said "Server disconnected — reconnecting…" forever (this
// test waited for another message and timed out); now it says the server was restarted and where
// to go.
const dir = tempDir('serve-restart');
const children: ChildProcess[] = [];
let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
  for (const child of children) child.kill('SIGTERM');
  dir.remove();
});

/** `serve` on `port` with its own data folder; resolves with the URL it prints. */
async function serve(port: number): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      resolve('node_modules/tsx/dist/cli.mjs'),
      'electron/serve/cli.ts',
      '--port',
      String(port),
      '--data-dir',
      join(dir.path, 'data'),
      '--no-local-cluster',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((ok, fail) => {
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /serving on (http:\/\/\S+)/.exec(stdout);
      if (match?.[1]) ok(match[1]);
    });
    child.once('exit', (code) => fail(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  return { url, child };
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  await exited;
}

describe('an open tab across a restart of serve', () => {
  it('says the server was restarted and how to reopen it, instead of reconnecting forever', async () => {
    const [port] = [await findFreePortBlock(1, 33_000, 34_000)];
    const first = await serve(port);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    await page.goto(first.url);
    await page.getByTestId('app-loaded').waitFor();

    await stop(first.child);
    const banner = page.getByTestId('server-status');
    await expect.poll(() => banner.getAttribute('data-state'), { timeout: 30_000 }).toBe('reconnecting');
    await page.screenshot({ path: join(screenshots, 'serve-down-reconnecting.png'), fullPage: true });

    const second = await serve(port);
    expect(new URL(second.url).searchParams.get('token')).not.toBe(new URL(first.url).searchParams.get('token'));
    await expect.poll(() => banner.getAttribute('data-state'), { timeout: 30_000 }).toBe('signed-out');
    expect(await banner.textContent()).toContain('The Workbench server was restarted');
    await page.screenshot({ path: join(screenshots, 'serve-restarted-signed-out.png'), fullPage: true });

    // The printed address works in the same tab.
    await page.goto(second.url);
    await page.getByTestId('app-loaded').waitFor();
    expect(await page.getByTestId('server-status').count()).toBe(0);
    expect(problems).toEqual([]);
  }, 120_000);
});
