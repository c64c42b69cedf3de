import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { WorkbenchError } from '../../shared/errors.js';
import { createWorkbenchApi, type ClientMessage, type ServerMessage } from '../../shared/rpc.js';
import type { LinkState } from './server-link.js';
import { LOST_CONNECTION_MESSAGE, WsTransport } from './ws-transport.js';

/** A tiny stand-in for the `serve` WebSocket endpoint that records what clients send. */
class FakeServer {
  readonly wss: WebSocketServer;
  readonly received: ClientMessage[] = [];
  readonly sockets: ServerSocket[] = [];
  onCall: (message: Extract<ClientMessage, { type: 'call' }>, socket: ServerSocket) => void = () => undefined;

  private constructor(wss: WebSocketServer) {
    this.wss = wss;
    wss.on('connection', (socket) => {
      this.sockets.push(socket);
      socket.on('message', (data) => {
        const message = JSON.parse((data as Buffer).toString('utf8')) as ClientMessage;
        this.received.push(message);
        if (message.type === 'call') this.onCall(message, socket);
      });
    });
  }

  static async start(): Promise<FakeServer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) =>
      wss.once('listening', () => {
        resolve();
      }),
    );
    return new FakeServer(wss);
  }

  get url(): string {
    const address = this.wss.address();
    if (address === null || typeof address !== 'object') throw new Error('server is not listening on a port');
    return `ws://127.0.0.1:${String(address.port)}/ws`;
  }

  get latest(): ServerSocket {
    const socket = this.sockets.at(-1);
    if (socket === undefined) throw new Error('no client connected');
    return socket;
  }

  push(message: ServerMessage, socket = this.latest): void {
    socket.send(JSON.stringify(message));
  }

  async close(): Promise<void> {
    for (const socket of this.wss.clients) socket.terminate();
    await new Promise<void>((resolve) => {
      this.wss.close(() => {
        resolve();
      });
    });
  }
}

/** Polls until `check` holds; no fixed sleeps. */
// Generous: the suite runs next to a broker and a browser on 2 cores.
async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const localStatus = {
  state: 'running',
  kafkaVersion: '4.1.0',
  bootstrapServers: ['127.0.0.1:9092'],
  nodes: [{ nodeId: 1, port: 9092, controllerPort: 9093, pid: 42, alive: true }],
  logFile: null,
} as const;

const appInfo = {
  version: '0.1.0',
  transport: 'serve',
  dataDir: '/tmp/wb',
  activeConnectionId: null,
  secretStorage: { backend: 'key-file', secure: false, description: 'key file' },
  javaAvailable: true,
  pid: 4242,
} as const;

describe('WsTransport', () => {
  let server: FakeServer;
  let transport: WsTransport | undefined;

  const connect = (): WsTransport => {
    transport = new WsTransport({
      url: server.url,
      backoff: { initialMs: 10, maxMs: 40, jitter: false },
      onInvalidMessage: () => undefined,
    });
    return transport;
  };

  beforeEach(async () => {
    server = await FakeServer.start();
  });

  afterEach(async () => {
    transport?.dispose();
    transport = undefined;
    await server.close();
  });

  it('sends calls made before the socket opens once it opens, and resolves each by its id', async () => {
    const answers: Record<string, unknown> = { 'app:info': appInfo, 'local:status': localStatus };
    server.onCall = (message, socket) => {
      // Answer the first call last, so matching by order would give the wrong result.
      const reply = () => {
        server.push({ type: 'result', id: message.id, envelope: { ok: true, data: answers[message.method] } }, socket);
      };
      if (message.method === 'app:info') setTimeout(reply, 30);
      else reply();
    };
    const api = createWorkbenchApi(connect());
    expect(transport?.getState()).toBe('connecting');

    const [info, status] = await Promise.all([api.app.info(), api.local.status()]);

    expect(info).toEqual(appInfo);
    expect(status).toEqual(localStatus);
    expect(server.received.map((message) => message.type === 'call' && message.method)).toEqual(['app:info', 'local:status']);
  });

  it('rethrows an error envelope as a WorkbenchError with its code and message', async () => {
    server.onCall = (message) => {
      server.push({
        type: 'result',
        id: message.id,
        envelope: { ok: false, error: { code: 'BROKER_UNREACHABLE', message: 'Broker 127.0.0.1:9092 refused the connection' } },
      });
    };
    const api = createWorkbenchApi(connect());

    const error: unknown = await api.cluster.overview({ connectionId: 'c1' }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(WorkbenchError);
    expect(error).toMatchObject({ code: 'BROKER_UNREACHABLE', message: 'Broker 127.0.0.1:9092 refused the connection' });
  });

  it('turns a reply that does not match the output schema into an INTERNAL error', async () => {
    server.onCall = (message) => {
      server.push({ type: 'result', id: message.id, envelope: { ok: true, data: { version: 3 } } });
    };
    const api = createWorkbenchApi(connect());

    await expect(api.app.info()).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringContaining('Unexpected reply to app:info') as unknown,
    });
  });

  it('dispatches events that match the contract and drops those that do not', async () => {
    const api = createWorkbenchApi(connect());
    const seen: unknown[] = [];
    api.on('local:status', (status) => seen.push(status));
    await until(() => server.received.some((message) => message.type === 'subscribe'), 'the subscribe message');
    expect(server.received).toContainEqual({ type: 'subscribe', event: 'local:status' });

    server.push({ type: 'event', event: 'local:status', payload: { state: 'exploded' } });
    server.push({ type: 'event', event: 'local:status', payload: localStatus });
    await until(() => seen.length > 0, 'the event');

    expect(seen).toEqual([localStatus]);
  });

  it('sends unsubscribe when the last listener of an event leaves', async () => {
    const api = createWorkbenchApi(connect());
    const first = api.on('connection:state', () => undefined);
    const second = api.on('connection:state', () => undefined);
    await until(() => transport?.getState() === 'open', 'the socket to open');
    first();
    second();
    await until(() => server.received.some((message) => message.type === 'unsubscribe'), 'the unsubscribe message');

    expect(server.received.filter((message) => message.type === 'subscribe')).toHaveLength(1);
    expect(server.received.at(-1)).toEqual({ type: 'unsubscribe', event: 'connection:state' });
  });

  it('fails calls still waiting for an answer when the socket drops', async () => {
    server.onCall = () => undefined; // never answers
    const api = createWorkbenchApi(connect());
    const pending = api.app.info();
    await until(() => server.received.length === 1, 'the call to reach the server');

    server.latest.terminate();

    await expect(pending).rejects.toSatisfy(
      (error: unknown) => error instanceof WorkbenchError && error.code === 'INTERNAL' && error.message === LOST_CONNECTION_MESSAGE,
    );
  });

  it('reconnects after the socket drops, reports the link state and subscribes again', async () => {
    const client = connect();
    const states: LinkState[] = [];
    client.onStateChange((state) => states.push(state));
    const api = createWorkbenchApi(client);
    const seen: unknown[] = [];
    api.on('local:status', (status) => seen.push(status));
    await until(() => server.sockets.length === 1 && client.getState() === 'open', 'the first connection');
    // The subscribe goes out on open; cut the socket only once the server has it (a loaded CI machine
    // once cut it before the server read it, so only one subscribe ever arrived).
    await until(() => server.received.some((message) => message.type === 'subscribe'), 'the first subscribe');

    server.latest.terminate();
    await until(() => server.sockets.length === 2 && client.getState() === 'open', 'the reconnection');
    await until(() => server.received.filter((message) => message.type === 'subscribe').length === 2, 'the second subscribe');
    server.push({ type: 'event', event: 'local:status', payload: localStatus });
    await until(() => seen.length === 1, 'an event over the new socket');

    expect(states).toEqual(['open', 'reconnecting', 'open']);
  });

  it('rejects calls after dispose without reconnecting', async () => {
    const client = connect();
    await until(() => client.getState() === 'open', 'the socket to open');

    client.dispose();

    expect(client.getState()).toBe('closed');
    await expect(client.invoke('app:info', undefined)).rejects.toBeInstanceOf(WorkbenchError);
  });
});
