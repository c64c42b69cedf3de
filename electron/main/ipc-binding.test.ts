import { describe, expect, it } from 'vitest';
import { methodNames } from '../../shared/contract.js';
import { createDispatcher, type Handlers } from '../engine/dispatch.js';
import { EventBus } from '../engine/event-bus.js';
import { bindContract, EVENT_CHANNEL, SUBSCRIBE_CHANNEL, type IpcEventLike, type IpcMainLike } from './ipc-binding.js';

type Listener = (event: IpcEventLike, ...args: unknown[]) => unknown;

/** A stand-in for Electron's ipcMain with the same shape; the binding under test is real. */
class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Listener>();
  readonly listeners = new Map<string, Listener[]>();
  handle(channel: string, listener: Listener) {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  on(channel: string, listener: Listener) {
    this.listeners.set(channel, [...(this.listeners.get(channel) ?? []), listener]);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  removeAllListeners(channel: string) {
    this.listeners.delete(channel);
  }
}

const appUrl = 'file:///app/dist/renderer/index.html';
function sender(id = 1) {
  const sent: unknown[][] = [];
  return { sent, sender: { id, send: (...args: unknown[]) => sent.push(args), isDestroyed: () => false, once: () => undefined } };
}

const dispatch = createDispatcher({ 'connections:list': () => [] } as unknown as Handlers);

describe('bindContract', () => {
  it('registers one handler per contract method', () => {
    const ipc = new FakeIpcMain();
    bindContract(ipc, dispatch, new EventBus(), () => true);
    expect([...ipc.handlers.keys()].sort()).toEqual(methodNames.map((m) => `wb:${m}`).sort());
  });

  it('runs calls from our own frame and refuses other frames', async () => {
    const ipc = new FakeIpcMain();
    bindContract(ipc, dispatch, new EventBus(), (frame) => frame?.url === appUrl);
    const handler = ipc.handlers.get('wb:connections:list');
    const { sender: s } = sender();
    expect(await handler?.({ sender: s, senderFrame: { url: appUrl } })).toEqual({ ok: true, data: [] });
    expect(await handler?.({ sender: s, senderFrame: { url: 'https://evil.example/' } })).toMatchObject({
      ok: false,
      error: { message: 'Request from an untrusted frame was refused' },
    });
    expect(await handler?.({ sender: s, senderFrame: null })).toMatchObject({ ok: false });
  });

  it('forwards subscribed events to the subscribing window only', () => {
    const ipc = new FakeIpcMain();
    const events = new EventBus();
    bindContract(ipc, dispatch, events, (frame) => frame?.url === appUrl);
    const a = sender(1);
    const b = sender(2);
    ipc.listeners.get(SUBSCRIBE_CHANNEL)?.[0]?.({ sender: a.sender, senderFrame: { url: appUrl } }, 'connection:state');
    ipc.listeners.get(SUBSCRIBE_CHANNEL)?.[0]?.({ sender: b.sender, senderFrame: { url: 'https://evil.example/' } }, 'connection:state');
    const state = { connectionId: 'c', state: 'connected' as const, checkedAt: 1 };
    events.emit('connection:state', state);
    expect(a.sent).toEqual([[EVENT_CHANNEL, 'connection:state', state]]);
    expect(b.sent).toEqual([]);
  });

  it("gives a window that subscribed with a key only that key's events, and ignores a tail subscription without one", () => {
    const ipc = new FakeIpcMain();
    const events = new EventBus();
    bindContract(ipc, dispatch, events, (frame) => frame?.url === appUrl);
    const a = sender(1);
    const b = sender(2);
    const subscribe = (s: ReturnType<typeof sender>, ...args: unknown[]) =>
      ipc.listeners.get(SUBSCRIBE_CHANNEL)?.[0]?.({ sender: s.sender, senderFrame: { url: appUrl } }, ...args);
    subscribe(a, 'messages:tail', 't1');
    subscribe(b, 'messages:tail');
    events.emit('messages:tail', { tailId: 't1', messages: [] });
    events.emit('messages:tail', { tailId: 't2', messages: [] });
    expect(a.sent).toEqual([[EVENT_CHANNEL, 'messages:tail', { tailId: 't1', messages: [] }, 't1']]);
    expect(b.sent).toEqual([]);
  });
});
