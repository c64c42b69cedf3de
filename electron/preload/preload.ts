import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { eventNames, isEventName, methodNames, type EventName } from '../../shared/contract.js';

// Channel names mirror electron/main/ipc-binding.ts (not imported: the preload bundle stays tiny).
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
