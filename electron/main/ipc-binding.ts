import { eventNames, isEventName, methodNames, subscriptionProblem } from '../../shared/contract.js';
import { subscriptionId } from '../../shared/subscriptions.js';
import { WorkbenchError } from '../../shared/errors.js';
import type { Dispatch } from '../engine/dispatch.js';
import type { EventBus } from '../engine/event-bus.js';

/** Channel names on the Electron side; the preload uses the same ones. */
export const CHANNEL_PREFIX = 'wb:';
export const SUBSCRIBE_CHANNEL = 'wb:subscribe';
export const UNSUBSCRIBE_CHANNEL = 'wb:unsubscribe';
export const EVENT_CHANNEL = 'wb:event';

export interface SenderLike {
  id: number;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): unknown;
}
export interface IpcEventLike {
  sender: SenderLike;
  senderFrame: { url: string } | null;
}
/** The part of Electron's ipcMain we use, so the binding is tested under plain Node. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  on(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): unknown;
  removeHandler(channel: string): void;
  removeAllListeners(channel: string): unknown;
}

/**
 * Binds every contract method to `ipcMain.handle` through one gate: frames that are not ours get an
 * error and nothing runs; payloads are validated by the dispatcher against the shared schemas.
 */
export function bindContract(
  ipc: IpcMainLike,
  dispatch: Dispatch,
  events: EventBus,
  isTrustedFrame: (frame: { url: string } | null) => boolean,
): () => void {
  const denied = () => ({ ok: false, error: new WorkbenchError('VALIDATION', 'Request from an untrusted frame was refused').toWire() });
  for (const method of methodNames) {
    ipc.handle(CHANNEL_PREFIX + method, (event, input) => (isTrustedFrame(event.senderFrame) ? dispatch(method, input) : denied()));
  }
  // Per window: subscriptions by `subscriptionId` (an event, or an event and one key).
  const subscriptions = new Map<number, Map<string, () => void>>();
  const keyOf = (key: unknown): string | undefined | null =>
    key === undefined || key === null ? undefined : typeof key === 'string' && key.length > 0 && key.length <= 200 ? key : null;
  ipc.on(SUBSCRIBE_CHANNEL, (event, name, rawKey) => {
    const key = keyOf(rawKey);
    if (!isTrustedFrame(event.senderFrame) || !isEventName(name) || key === null || subscriptionProblem(name, key) !== null) return;
    let forSender = subscriptions.get(event.sender.id);
    if (!forSender) {
      forSender = new Map();
      subscriptions.set(event.sender.id, forSender);
      const senderId = event.sender.id;
      event.sender.once('destroyed', () => {
        for (const off of subscriptions.get(senderId)?.values() ?? []) off();
        subscriptions.delete(senderId);
      });
    }
    const id = subscriptionId(name, key);
    if (forSender.has(id)) return;
    const sender = event.sender;
    forSender.set(
      id,
      events.on(
        name,
        (payload) => {
          if (sender.isDestroyed()) return;
          if (key === undefined) sender.send(EVENT_CHANNEL, name, payload);
          else sender.send(EVENT_CHANNEL, name, payload, key);
        },
        key,
      ),
    );
  });
  ipc.on(UNSUBSCRIBE_CHANNEL, (event, name, rawKey) => {
    const key = keyOf(rawKey);
    if (!isEventName(name) || key === null) return;
    const id = subscriptionId(name, key);
    subscriptions.get(event.sender.id)?.get(id)?.();
    subscriptions.get(event.sender.id)?.delete(id);
  });
  return () => {
    for (const method of methodNames) ipc.removeHandler(CHANNEL_PREFIX + method);
    ipc.removeAllListeners(SUBSCRIBE_CHANNEL);
    ipc.removeAllListeners(UNSUBSCRIBE_CHANNEL);
    for (const forSender of subscriptions.values()) for (const off of forSender.values()) off();
    subscriptions.clear();
  };
}

export { eventNames };
