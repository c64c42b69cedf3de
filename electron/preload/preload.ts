import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { EventName, MethodName } from '../../shared/contract.js';
import { subscriptionId } from '../../shared/subscriptions.js';

// The contract's names, written in by scripts/build-electron.mjs: importing shared/contract.ts would
// bundle every schema into the preload. Channel names mirror electron/main/ipc-binding.ts (not
// imported, for the same reason).
declare const KWB_METHOD_NAMES: readonly MethodName[];
declare const KWB_EVENT_NAMES: readonly EventName[];
const methodNames = KWB_METHOD_NAMES;
const eventNames = KWB_EVENT_NAMES;
const eventSet: ReadonlySet<string> = new Set(eventNames);
const isEventName = (name: unknown): name is EventName => typeof name === 'string' && eventSet.has(name);
const CHANNEL_PREFIX = 'wb:';

/**
 * Exposes exactly the contract on `window.workbench`, grouped by domain
 * (`workbench.topics.list(input)`), plus `workbench.on(event, cb)`. Never raw ipcRenderer.
 */
const api: Record<string, unknown> = {};
for (const method of methodNames) {
  const [domain, verb] = method.split(':') as [string, string];
  const group = (api[domain] ??= {}) as Record<string, unknown>;
  group[verb] = (input?: unknown) => ipcRenderer.invoke(CHANNEL_PREFIX + method, input);
}

// By subscription: the event, or the event and its key (a tail, scan or watch id), as main sends it.
const listeners = new Map<string, Set<(payload: unknown) => void>>();
ipcRenderer.on('wb:event', (_event: IpcRendererEvent, name: unknown, payload: unknown, key: unknown) => {
  if (!isEventName(name) || (key !== undefined && typeof key !== 'string')) return;
  for (const listener of listeners.get(subscriptionId(name, key)) ?? []) listener(payload);
});

api['on'] = (name: unknown, listener: unknown, key?: unknown): (() => void) => {
  if (!isEventName(name) || typeof listener !== 'function') throw new Error(`Unknown event ${String(name)}`);
  if (key !== undefined && (typeof key !== 'string' || key.length === 0)) throw new Error(`The key of ${name} must be a non-empty string`);
  const id = subscriptionId(name, key);
  let set = listeners.get(id);
  if (!set) {
    listeners.set(id, (set = new Set()));
    ipcRenderer.send('wb:subscribe', name, key);
  }
  const typed = listener as (payload: unknown) => void;
  set.add(typed);
  return () => {
    set.delete(typed);
    if (set.size === 0) {
      listeners.delete(id);
      ipcRenderer.send('wb:unsubscribe', name, key);
    }
  };
};
api['events'] = [...eventNames];

contextBridge.exposeInMainWorld('workbench', api);
