import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import type { Engine } from '../../electron/engine/engine.js';
import { startServer, type RunningServer } from '../../electron/serve/server.js';
import type { ServerMessage } from '../../shared/rpc.js';
import { tempDir, testEngine } from '../helpers.js';

const bootstrap = inject('kafkaBootstrap');
const dir = tempDir('serve');
let engine: Engine;
let server: RunningServer;

beforeAll(async () => {
  const staticDir = join(dir.path, 'static');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>t</title><p>renderer</p>');
  engine = testEngine(join(dir.path, 'data'));
  server = await startServer({ dispatch: engine.dispatch, events: engine.events, staticDir, port: 0 });
});
afterAll(async () => {
  await server.close();
  await engine.dispose();
  dir.remove();
});

/** A WebSocket client that collects every server message. */
async function openSocket(headers: Record<string, string> = {}): Promise<{ ws: WebSocket; next: () => Promise<ServerMessage> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, { headers });
  const queue: ServerMessage[] = [];
  const waiters: ((m: ServerMessage) => void)[] = [];
  ws.on('message', (raw: Buffer) => {
    const message = JSON.parse(raw.toString('utf8')) as ServerMessage;
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else queue.push(message);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  const next = () => {
    const queued = queue.shift();
    return queued ? Promise.resolve(queued) : new Promise<ServerMessage>((resolve) => waiters.push(resolve));
  };
  return { ws, next };
}

describe('serve mode', () => {
  it('binds to 127.0.0.1 by default and prints a URL that carries the token', () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[A-Za-z0-9_-]{43}$`));
  });

  it('refuses HTTP requests with no token or a wrong one with 401', async () => {
    expect((await fetch(`${server.origin}/`)).status).toBe(401);
    expect((await fetch(`${server.origin}/?token=wrong`)).status).toBe(401);
    expect((await fetch(`${server.origin}/`, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
  });

  it('trades the URL token for an HttpOnly cookie, then serves the page with a strict CSP', async () => {
    const first = await fetch(server.url, { redirect: 'manual' });
    expect(first.status).toBe(302);
    expect(first.headers.get('location')).toBe('/');
    const cookie = first.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await fetch(`${server.origin}/`, { headers: { Cookie: cookie.split(';')[0] ?? '' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('renderer');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('refuses a foreign Origin or Host with 403 even with the right token', async () => {
    const auth = { Authorization: `Bearer ${server.token}` };
    expect((await fetch(`${server.origin}/`, { headers: { ...auth, Origin: 'http://evil.example' } })).status).toBe(403);
    expect((await fetch(`${server.origin}/`, { headers: { ...auth, Origin: server.origin } })).status).toBe(200);
    await expect(openSocket({ ...auth, Origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
  });

  it('refuses WebSocket upgrades without the right token with 401', async () => {
    await expect(openSocket()).rejects.toThrow('HTTP 401');
    await expect(openSocket({ Authorization: 'Bearer nope' })).rejects.toThrow('HTTP 401');
  });

  it('answers malformed WebSocket messages with a validation error and keeps serving', async () => {
    const { ws, next } = await openSocket({ Authorization: `Bearer ${server.token}` });
    ws.send('{not json');
    expect(await next()).toEqual({ type: 'error', error: { code: 'VALIDATION', message: 'Message is not valid JSON' } });
    ws.send(JSON.stringify({ type: 'call', id: 'x' }));
    expect(await next()).toMatchObject({ type: 'error', error: { code: 'VALIDATION' } });
    ws.send(JSON.stringify({ type: 'call', id: 1, method: 'cluster:overview', input: { connectionId: 42 } }));
    expect(await next()).toMatchObject({ type: 'result', id: 1, envelope: { ok: false, error: { code: 'VALIDATION' } } });
    ws.send(JSON.stringify({ type: 'call', id: 2, method: 'app:info' }));
    expect(await next()).toMatchObject({ type: 'result', id: 2, envelope: { ok: true, data: { transport: 'serve' } } });
    ws.close();
  });

  it('calls the engine over the socket and pushes connection events to subscribers', async () => {
    const { ws, next } = await openSocket({ Authorization: `Bearer ${server.token}` });
    ws.send(JSON.stringify({ type: 'subscribe', event: 'connection:state' }));
    ws.send(
      JSON.stringify({ type: 'call', id: 1, method: 'connections:save', input: { name: 'ws', bootstrapServers: bootstrap.split(',') } }),
    );
    const saved = await next();
    if (saved.type !== 'result' || !saved.envelope.ok) throw new Error(`save failed: ${JSON.stringify(saved)}`);
    const id = (saved.envelope.data as { id: string }).id;
    ws.send(JSON.stringify({ type: 'call', id: 2, method: 'connections:activate', input: { id } }));
    const seen: ServerMessage[] = [];
    while (!seen.some((m) => m.type === 'result')) seen.push(await next());
    const event = seen.find(
      (m) => m.type === 'event' && m.event === 'connection:state' && (m.payload as { state?: string }).state === 'connected',
    );
    expect(event).toMatchObject({ payload: { connectionId: id, state: 'connected' } });
    expect(seen.find((m) => m.type === 'result')).toMatchObject({ id: 2, envelope: { ok: true } });
    ws.close();
  });

  it('delivers a keyed event only to the sockets subscribed to its key, and refuses a tail subscription without one', async () => {
    const auth = { Authorization: `Bearer ${server.token}` };
    const a = await openSocket(auth);
    const b = await openSocket(auth);
    const all = await openSocket(auth);
    const [tailA, tailB] = [crypto.randomUUID(), crypto.randomUUID()];
    a.ws.send(JSON.stringify({ type: 'subscribe', event: 'messages:tail', key: tailA }));
    b.ws.send(JSON.stringify({ type: 'subscribe', event: 'messages:tail', key: tailB }));
    all.ws.send(JSON.stringify({ type: 'subscribe', event: 'messages:tail' }));
    expect(await all.next()).toEqual({
      type: 'error',
      error: { code: 'VALIDATION', message: 'messages:tail is delivered per tailId: subscribe with the tailId you started' },
    });
    // A round trip on each socket, so both subscriptions are in place before the events.
    for (const [socket, id] of [
      [a, 1],
      [b, 2],
    ] as const) {
      socket.ws.send(JSON.stringify({ type: 'call', id, method: 'app:info' }));
      expect(await socket.next()).toMatchObject({ type: 'result', id });
    }
    engine.events.emit('messages:tail', { tailId: tailA, messages: [] });
    engine.events.emit('messages:tail', { tailId: tailB, messages: [] });
    // Each socket's first event is its own tail's: the other tail's never reached it.
    expect(await a.next()).toEqual({ type: 'event', event: 'messages:tail', key: tailA, payload: { tailId: tailA, messages: [] } });
    expect(await b.next()).toEqual({ type: 'event', event: 'messages:tail', key: tailB, payload: { tailId: tailB, messages: [] } });
    // Status events still go to a subscriber without a key.
    all.ws.send(JSON.stringify({ type: 'subscribe', event: 'pipelines:resultsChanged' }));
    a.ws.send(JSON.stringify({ type: 'subscribe', event: 'pipelines:resultsChanged', key: 'p1' }));
    for (const [socket, id] of [
      [all, 3],
      [a, 4],
    ] as const) {
      socket.ws.send(JSON.stringify({ type: 'call', id, method: 'app:info' }));
      expect(await socket.next()).toMatchObject({ type: 'result', id });
    }
    engine.events.emit('pipelines:resultsChanged', { pipelineId: 'p2', batch: 1, changedRows: 1 });
    engine.events.emit('pipelines:resultsChanged', { pipelineId: 'p1', batch: 2, changedRows: 1 });
    expect(await all.next()).toMatchObject({ type: 'event', payload: { pipelineId: 'p2' } });
    expect(await all.next()).toMatchObject({ type: 'event', payload: { pipelineId: 'p1' } });
    expect(await a.next()).toEqual({
      type: 'event',
      event: 'pipelines:resultsChanged',
      key: 'p1',
      payload: { pipelineId: 'p1', batch: 2, changedRows: 1 },
    });
    for (const socket of [a, b, all]) socket.ws.close();
  });
});
