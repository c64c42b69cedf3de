import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import WebSocket from 'ws';
import { findFreePortBlock } from '../../electron/engine/cluster/ports.js';
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
  /** serve's data folder (kept across `restart`). */
  dataDir: string;
  /** Resolves with the first match of `pattern` in what serve printed (e.g. that its local cluster started). */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /**
   * Stops serve as Ctrl+C does (its engine stops producers, pipelines and the local cluster it
   * started) and starts it again on the same data folder: a new port and token, so open pages must
   * go to the new `url`.
   */
  restart(): Promise<void>;
  /** Saves and activates a connection through the contract (the UI flow has its own test). */
  connect(name: string, bootstrap: string): Promise<string>;
  /** One contract call over the WebSocket, for setting up what a test does not drive through the UI. */
  call(method: string, input?: unknown): Promise<unknown>;
  close(): Promise<void>;
}

export interface ServeOptions {
  /** The serve process's environment (default: this process's), e.g. without AWS keys for the default chain. */
  env?: NodeJS.ProcessEnv;
  /**
   * Let serve start its own local cluster from the empty data folder, as `npm run serve` does for a
   * new user (on a free port block instead of 9092, so test files do not collide). Off by default:
   * most tests connect to the suite's broker.
   */
  localCluster?: boolean;
  /** Where to look for the local cluster's free port block, [min, max) (default 34000–36000). */
  localPorts?: readonly [number, number];
}

interface ServeProcess {
  child: ChildProcess;
  url: string;
  /** Everything serve printed on stdout so far. */
  stdout: () => string;
  /** And on stderr. */
  stderr: () => string;
}

async function spawnServe(dataDir: string, options: ServeOptions, localPort: number | null): Promise<ServeProcess> {
  const cluster = localPort === null ? ['--no-local-cluster'] : ['--local-port', String(localPort)];
  // tsx as a loader, not its CLI: the CLI runs serve in a child process and, when it is sent SIGTERM
  // itself, forwards it and SIGKILLs the child unless that child confirms within 30 ms. On a busy
  // machine it did not, so serve was killed instead of stopped (its local cluster left running, and
  // found "already running" by the next start). Here the signal reaches serve itself, like Ctrl+C.
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'electron/serve/cli.ts', '--port', '0', '--data-dir', dataDir, ...cluster],
    { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env },
  );
  let stderr = '';
  let stdout = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    child.stdout?.on('data', () => {
      const match = /serving on (http:\/\/\S+)/.exec(stdout);
      if (match?.[1]) resolveUrl(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  return { child, url, stdout: () => stdout, stderr: () => stderr };
}

async function stopServe(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  await exited;
}

export async function startServeSession(options: ServeOptions = {}): Promise<ServeSession> {
  mkdirSync(screenshots, { recursive: true });
  const dir = tempDir('e2e');
  const dataDir = join(dir.path, 'data');
  const [min, max] = options.localPorts ?? [34_000, 36_000];
  const localPort = options.localCluster ? await findFreePortBlock(2, min, max) : null;
  let serve = await spawnServe(dataDir, options, localPort);
  let token = new URL(serve.url).searchParams.get('token') ?? '';
  let origin = new URL(serve.url).origin;
  const previousOrigins: string[] = [];
  const browser = await chromium.launch({
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
  const problems: string[] = [];

  const call = async (method: string, input: unknown): Promise<unknown> => {
    const ws = new WebSocket(`${origin.replace('http', 'ws')}/ws`, { headers: { Authorization: `Bearer ${token}` } });
    await new Promise((ok, fail) => ws.once('open', ok).once('error', fail));
    ws.send(JSON.stringify({ type: 'call', id: 1, method, input }));
    const reply = await new Promise<{ envelope: { ok: boolean; data?: unknown; error?: { message: string } } }>((ok) =>
      ws.on('message', (raw: Buffer) => {
        const message = JSON.parse(raw.toString()) as {
          type: string;
          envelope: { ok: boolean; data?: unknown; error?: { message: string } };
        };
        if (message.type === 'result') ok(message);
      }),
    );
    ws.close();
    if (!reply.envelope.ok) throw new Error(`${method}: ${reply.envelope.error?.message}`);
    return reply.envelope.data;
  };

  const session: ServeSession = {
    get url() {
      return serve.url;
    },
    get origin() {
      return origin;
    },
    dataDir,
    browser,
    problems,
    async newPage() {
      const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
      page.on('console', (message) => {
        if (message.type() !== 'error') return;
        // A tab still on a serve stopped by `restart` cannot reach it; that is the restart, not a fault.
        const previousServe = previousOrigins.some(
          (o) => message.text().includes(o.replace('http', 'ws')) || message.location().url.startsWith(o),
        );
        if (previousServe && message.text().includes('ERR_CONNECTION_REFUSED')) return;
        problems.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
      await page.goto(serve.url);
      await page.getByTestId('app-loaded').waitFor();
      return page;
    },
    call,
    async connect(name, bootstrap) {
      const saved = (await call('connections:save', { name, bootstrapServers: bootstrap.split(',') })) as { id: string };
      await call('connections:activate', { id: saved.id });
      return saved.id;
    },
    async waitForOutput(pattern, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = pattern.exec(serve.stdout());
        if (match) return match[0];
        if (serve.child.exitCode !== null) throw new Error(`serve exited before printing ${pattern}`);
        if (Date.now() > deadline) {
          // What serve and its engine said meanwhile: the local cluster's lines go to the engine log.
          const log = join(dataDir, 'logs', 'engine.log');
          const engineLog = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-30).join('\n') : '(no engine log)';
          throw new Error(
            `serve did not print ${pattern} within ${timeoutMs} ms; it printed: ${serve.stdout()}\nstderr: ${serve.stderr()}\nengine log (last 30 lines):\n${engineLog}`,
          );
        }
        await new Promise((done) => setTimeout(done, 100));
      }
    },
    async restart() {
      previousOrigins.push(origin);
      await stopServe(serve.child);
      serve = await spawnServe(dataDir, options, localPort);
      token = new URL(serve.url).searchParams.get('token') ?? '';
      origin = new URL(serve.url).origin;
    },
    async close() {
      await browser.close();
      await stopServe(serve.child);
      dir.remove();
    },
  };
  return session;
}

/**
 * For one test file: a serve session started before its tests (saved and connected to `connect`, a
 * bootstrap list, as `connectionName`, default "suite", when given) and closed after them. The handle forwards to the session
 * once `beforeAll` has made it.
 */
export function useServeSession(options: ServeOptions & { connect?: string; connectionName?: string } = {}): ServeSession {
  let current: ServeSession | undefined;
  beforeAll(async () => {
    const { connect, connectionName = 'suite', ...serveOptions } = options;
    current = await startServeSession(serveOptions);
    if (connect !== undefined) await current.connect(connectionName, connect);
  });
  afterAll(async () => {
    await current?.close();
  });
  return new Proxy({} as ServeSession, {
    get(_target, property) {
      if (current === undefined) throw new Error('The serve session starts in beforeAll: use it inside a test or hook');
      const value: unknown = Reflect.get(current, property, current);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(current) : value;
    },
  });
}
