import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { EventName, MethodName } from '../../shared/contract.js';

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

const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
ipcRenderer.on('wb:event', (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
  if (!isEventName(name)) return;
  for (const listener of listeners.get(name) ?? []) listener(payload);
});

api['on'] = (name: unknown, listener: unknown): (() => void) => {
  if (!isEventName(name) || typeof listener !== 'function') throw new Error(`Unknown event ${String(name)}`);
  let set = listeners.get(name);
  if (!set) {
    listeners.set(name, (set = new Set()));
    ipcRenderer.send('wb:subscribe', name);
  }
  const typed = listener as (payload: unknown) => void;
  set.add(typed);
  return () => {
    set.delete(typed);
    if (set.size === 0) {
      listeners.delete(name);
      ipcRenderer.send('wb:unsubscribe', name);
    }
  };
};
api['events'] = [...eventNames];

contextBridge.exposeInMainWorld('workbench', api);
