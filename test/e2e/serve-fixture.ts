import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import WebSocket from 'ws';
import { tempDir } from '../helpers.js';

export const screenshots = resolve('test-output', 'e2e');

/** `serve` as `npm run serve` starts it (minus the build), on a free port and its own data folder, plus Chromium. */
export interface ServeSession {
  url: string;
  origin: string;
  browser: Browser;
  /** Console errors, page errors and CSP violations seen by any page opened with `newPage`. */
  problems: string[];
  newPage(): Promise<Page>;
  /** Saves and activates a connection through the contract (the UI flow has its own test). */
  connect(name: string, bootstrap: string): Promise<string>;
  /** One contract call over the WebSocket, for setting up what a test does not drive through the UI. */
  call(method: string, input?: unknown): Promise<unknown>;
  close(): Promise<void>;
}

/** `env`: the serve process's environment (default: this process's), e.g. without AWS keys for the default chain. */
export async function startServeSession(options: { env?: NodeJS.ProcessEnv } = {}): Promise<ServeSession> {
  mkdirSync(screenshots, { recursive: true });
  const dir = tempDir('e2e');
  const child: ChildProcess = spawn(
    process.execPath,
    [resolve('node_modules/tsx/dist/cli.mjs'), 'electron/serve/cli.ts', '--port', '0', '--data-dir', join(dir.path, 'data'), '--no-local-cluster'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /serving on (http:\/\/\S+)/.exec(stdout);
      if (match?.[1]) resolveUrl(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  const origin = new URL(url).origin;
  const token = new URL(url).searchParams.get('token') ?? '';
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const problems: string[] = [];

  const call = async (method: string, input: unknown): Promise<unknown> => {
    const ws = new WebSocket(`${origin.replace('http', 'ws')}/ws`, { headers: { Authorization: `Bearer ${token}` } });
    await new Promise((ok, fail) => ws.once('open', ok).once('error', fail));
    ws.send(JSON.stringify({ type: 'call', id: 1, method, input }));
    const reply = await new Promise<{ envelope: { ok: boolean; data?: unknown; error?: { message: string } } }>((ok) =>
      ws.on('message', (raw: Buffer) => {
        const message = JSON.parse(raw.toString()) as { type: string; envelope: { ok: boolean; data?: unknown; error?: { message: string } } };
        if (message.type === 'result') ok(message);
      }),
    );
    ws.close();
    if (!reply.envelope.ok) throw new Error(`${method}: ${reply.envelope.error?.message}`);
    return reply.envelope.data;
  };

  return {
    url,
    origin,
    browser,
    problems,
    async newPage() {
      const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
      await page.goto(url);
      await page.getByTestId('app-loaded').waitFor();
      return page;
    },
    call,
    async connect(name, bootstrap) {
      const saved = (await call('connections:save', { name, bootstrapServers: bootstrap.split(',') })) as { id: string };
      await call('connections:activate', { id: saved.id });
      return saved.id;
    },
    async close() {
      await browser.close();
      child.kill('SIGTERM');
      await new Promise((done) => child.once('exit', done));
      dir.remove();
    },
  };
}
