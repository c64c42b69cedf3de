import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { isEventName, subscriptionProblem } from '../../shared/contract.js';
import { describeZodError } from '../../shared/errors.js';
import { cspTileOrigin } from '../../shared/map-tiles.js';
import { clientMessageSchema, type ClientMessage, type ServerMessage } from '../../shared/rpc.js';
import { subscriptionId } from '../../shared/subscriptions.js';
import type { Dispatch } from '../engine/dispatch.js';
import type { EventBus } from '../engine/event-bus.js';
import type { Logger } from '../engine/logger.js';
import { allowedHostsFor, authorize, cookieName, newToken, sameServerLocation } from './auth.js';
import { securityHeaders, serveStatic } from './static-files.js';

export interface ServeOptions {
  dispatch: Dispatch;
  events: EventBus;
  staticDir: string;
  host?: string;
  port?: number;
  token?: string;
  log?: Logger;
  /** How long a WebSocket client may hold unsent data over the high-water mark before it is dropped (default WS_DRAIN_TIMEOUT_MS). */
  wsDrainTimeoutMs?: number;
}

export interface RunningServer {
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * The `serve` transport: the same contract as Electron IPC, over one WebSocket (`/ws`), plus the
 * static renderer. Every request needs the token; Host and Origin are checked.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? newToken();
  const staticDir = resolve(options.staticDir);
  const log = options.log ?? (() => undefined);
  let allowedHosts = new Set<string>();
  let port = 0;

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  // The map's optional tile layer widens img-src to its origin; read now and on every change.
  let tileOrigin: string | null = null;
  const useTiles = (layer: unknown) => {
    tileOrigin = cspTileOrigin(layer);
  };
  const offTiles = options.events.on('geo:tiles', useTiles);
  await options
    .dispatch('geo:tiles', undefined)
    .then((reply) => reply.ok && useTiles(reply.data))
    .catch(() => undefined);
  const server: Server = createServer((req, res) => {
    securityHeaders(res, tileOrigin);
    const auth = authorize(req, token, allowedHosts, port);
    if (!auth.ok) {
      res.writeHead(auth.status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(auth.reason + '\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://placeholder');
    if (auth.via === 'query') {
      // Trade the token in the URL for an HttpOnly cookie, then drop it from the address bar.
      url.searchParams.delete('token');
      res.setHeader('Set-Cookie', `${cookieName(port)}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`);
      res.writeHead(302, { Location: sameServerLocation(url) }).end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (!existsSync(join(staticDir, 'index.html'))) {
      res.writeHead(503, { 'Content-Type': 'text/plain' }).end('The renderer is not built: run `npm run build:renderer`.\n');
      return;
    }
    serveStatic(staticDir, url.pathname, res, tileOrigin).catch((error: unknown) => {
      log('error', `static file ${url.pathname}: ${String(error)}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const auth = authorize(req, token, allowedHosts, port);
    const path = new URL(req.url ?? '/', 'http://placeholder').pathname;
    if (!auth.ok || path !== '/ws') {
      const status = !auth.ok ? auth.status : 404;
      const text = !auth.ok ? auth.reason : 'Not found';
      socket.end(
        `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Not Found'}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${text}\n`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => handleSocket(ws, options, log));
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  port = (server.address() as AddressInfo).port;
  allowedHosts = allowedHostsFor(host, port);
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const origin = `http://${shownHost}:${port}`;

  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    close: async () => {
      offTiles();
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** Over this much unsent data the socket stops reading the client's requests. */
export const WS_HIGH_WATER_BYTES = 8 * 1024 * 1024;
/** Reading resumes once the unsent data is below this. */
const WS_LOW_WATER_BYTES = 1024 * 1024;
/** A client whose unsent data passes this, or that has not drained for WS_DRAIN_TIMEOUT_MS, is dropped. */
export const WS_MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
export const WS_DRAIN_TIMEOUT_MS = 30_000;
/** Calls of one client in progress at once; past it, its next requests wait (see WS_MAX_WAITING_CALLS). */
const WS_MAX_CALLS_IN_FLIGHT = 16;
/**
 * Requests already read when the socket was paused. `ws.pause()` stops the socket, but frames
 * already received are still emitted (ws's README: "some events can still be emitted after this is
 * called, until all buffered data is consumed"), so one TCP read can carry hundreds of calls. They
 * wait here, parsed and small, and a client that piles up more than this is dropped (a safety net:
 * one socket read of 64 KB carries about a thousand calls at most, and the paused socket reads no more).
 */
const WS_MAX_WAITING_CALLS = 1024;
/** Subscriptions one socket may hold (each event, plus one per tail, scan or watch it follows). */
const MAX_SUBSCRIPTIONS = 256;

type CallMessage = Extract<ClientMessage, { type: 'call' }>;

function handleSocket(ws: WebSocket, options: ServeOptions, log: Logger): void {
  /** By `subscriptionId`: an event, or an event and one key. */
  const subscriptions = new Map<string, () => void>();
  let inFlight = 0;
  const waiting: CallMessage[] = [];
  let blockedSince: number | null = null;
  let watcher: NodeJS.Timeout | null = null;
  // Backpressure: a client that does not read its answers must not grow the server. Reading its
  // requests stops while its unsent data is over the high-water mark or too many of its calls are
  // in progress, resumes when both are low, and a client that does not drain is dropped.
  const congested = () => ws.bufferedAmount > WS_HIGH_WATER_BYTES || inFlight >= WS_MAX_CALLS_IN_FLIGHT;
  const watch = () => {
    if (ws.readyState !== ws.OPEN) return;
    if (
      ws.bufferedAmount > WS_MAX_BUFFERED_BYTES ||
      (blockedSince !== null && Date.now() - blockedSince > (options.wsDrainTimeoutMs ?? WS_DRAIN_TIMEOUT_MS))
    ) {
      log('warn', `websocket: dropping a client that does not read (${Math.round(ws.bufferedAmount / 1e6)} MB unsent)`);
      ws.terminate();
      return;
    }
    if (waiting.length > WS_MAX_WAITING_CALLS) {
      log('warn', `websocket: dropping a client with ${waiting.length} calls waiting`);
      ws.terminate();
      return;
    }
    while (waiting.length > 0 && !congested()) start(waiting.shift() as CallMessage);
    if (congested() || waiting.length > 0) {
      if (!ws.isPaused) ws.pause();
      if (ws.bufferedAmount > WS_HIGH_WATER_BYTES) blockedSince ??= Date.now();
      watcher ??= setInterval(watch, 50);
      return;
    }
    if (ws.bufferedAmount <= WS_LOW_WATER_BYTES) {
      blockedSince = null;
      if (watcher !== null) clearInterval(watcher);
      watcher = null;
      if (ws.isPaused) ws.resume();
    }
  };
  const send = (message: ServerMessage) => {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(JSON.stringify(message));
    watch();
  };
  const reject = (message: string) => send({ type: 'error', error: { code: 'VALIDATION', message } });
  const start = (message: CallMessage) => {
    inFlight++;
    void options.dispatch(message.method, message.input).then((envelope) => {
      inFlight--;
      send({ type: 'result', id: message.id, envelope });
    });
  };

  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) return reject('Binary frames are not part of the protocol');
    let json: unknown;
    try {
      json = JSON.parse(rawToString(data));
    } catch {
      return reject('Message is not valid JSON');
    }
    const parsed = clientMessageSchema.safeParse(json);
    if (!parsed.success) return reject(`Invalid message: ${describeZodError(parsed.error)}`);
    const message = parsed.data;
    switch (message.type) {
      case 'call':
        waiting.push(message);
        watch();
        return;
      case 'subscribe': {
        if (!isEventName(message.event)) return reject(`Unknown event ${message.event}`);
        const { event, key } = message;
        const problem = subscriptionProblem(event, key);
        if (problem !== null) return reject(problem);
        const id = subscriptionId(event, key);
        if (!subscriptions.has(id)) {
          if (subscriptions.size >= MAX_SUBSCRIPTIONS) return reject(`At most ${MAX_SUBSCRIPTIONS} subscriptions per connection`);
          const forward = (payload: unknown) =>
            send(key === undefined ? { type: 'event', event, payload } : { type: 'event', event, key, payload });
          subscriptions.set(id, options.events.on(event, forward, key));
        }
        return;
      }
      case 'unsubscribe': {
        if (!isEventName(message.event)) return reject(`Unknown event ${message.event}`);
        const id = subscriptionId(message.event, message.key);
        subscriptions.get(id)?.();
        subscriptions.delete(id);
        return;
      }
    }
  });
  ws.on('error', (error) => log('warn', `websocket: ${error.message}`));
  ws.on('close', () => {
    if (watcher !== null) clearInterval(watcher);
    waiting.length = 0;
    for (const unsubscribe of subscriptions.values()) unsubscribe();
    subscriptions.clear();
  });
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}
