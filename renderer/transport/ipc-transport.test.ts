import { describe, expect, it } from 'vitest';
import { methodNames, type EventName } from '../../shared/contract.js';
import { WorkbenchError } from '../../shared/errors.js';
import { createWorkbenchApi } from '../../shared/rpc.js';
import { createIpcTransport } from './ipc-transport.js';
import type { Domain, PreloadApi, PreloadCall } from './preload-api.js';

function fakeBridge(calls: unknown[][], listeners: Map<EventName, (payload: unknown) => void>): PreloadApi {
  const reply = (data: unknown) => (input?: unknown) => {
    calls.push([input]);
    return Promise.resolve(data);
  };
  // Every domain of the contract starts empty (a method the bridge lacks), then the test fills a few.
  const domains = Object.fromEntries(methodNames.map((name) => [name.split(':')[0], {}])) as Record<Domain, Record<string, PreloadCall>>;
  const bridge: PreloadApi = {
    ...domains,
    connections: { list: reply({ ok: true, data: [] }) },
    cluster: {
      overview: reply({ ok: false, error: { code: 'BROKER_UNREACHABLE', message: 'Broker 127.0.0.1:9092 refused the connection' } }),
    },
    local: { status: reply({ ok: true, data: 'not a status' }) },
    on(event: EventName, listener: (payload: unknown) => void) {
      listeners.set(event, listener);
      return () => listeners.delete(event);
    },
  };
  return bridge;
}

describe('createIpcTransport', () => {
  it('calls the preload function of the method, passing the input through', async () => {
    const calls: unknown[][] = [];
    const api = createWorkbenchApi(createIpcTransport(fakeBridge(calls, new Map())));

    await expect(api.connections.list()).resolves.toEqual([]);
    await expect(api.cluster.overview({ connectionId: 'c1' })).rejects.toMatchObject({
      code: 'BROKER_UNREACHABLE',
      message: 'Broker 127.0.0.1:9092 refused the connection',
    });
    expect(calls).toEqual([[undefined], [{ connectionId: 'c1' }]]);
  });

  it('reports a method the bridge lacks as UNKNOWN_METHOD and a malformed reply as INTERNAL', async () => {
    const api = createWorkbenchApi(createIpcTransport(fakeBridge([], new Map())));

    await expect(api.app.info()).rejects.toMatchObject({ code: 'UNKNOWN_METHOD' });
    await expect(api.local.status()).rejects.toSatisfy((error: unknown) => error instanceof WorkbenchError && error.code === 'INTERNAL');
  });

  it('passes on valid event payloads only, and unsubscribes through the bridge', () => {
    const listeners = new Map<EventName, (payload: unknown) => void>();
    const problems: string[] = [];
    const api = createWorkbenchApi(createIpcTransport(fakeBridge([], listeners), { onInvalidMessage: (reason) => problems.push(reason) }));
    const seen: unknown[] = [];
    const unsubscribe = api.on('connection:state', (state) => seen.push(state));
    const emit = listeners.get('connection:state');

    emit?.({ connectionId: 'c1', state: 'sideways', checkedAt: 1 });
    emit?.({ connectionId: 'c1', state: 'connected', checkedAt: 1 });
    unsubscribe();

    expect(seen).toEqual([{ connectionId: 'c1', state: 'connected', checkedAt: 1 }]);
    expect(problems).toHaveLength(1);
    expect(listeners.has('connection:state')).toBe(false);
  });
});
