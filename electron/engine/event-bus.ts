import { eventKey, events, type EventName, type EventPayload } from '../../shared/contract.js';
import { subscriptionId } from '../../shared/subscriptions.js';

type Listener = (payload: unknown) => void;

/**
 * Typed engine events; transports subscribe and forward. Payloads are checked against the contract
 * once, here. A listener with a key gets only the events whose payload carries that key
 * (`keyedEvents`), so a tail's records reach the window that started it and no other.
 */
export class EventBus {
  private readonly listeners = new Map<string, Set<Listener>>();

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void, key?: string): () => void {
    const id = subscriptionId(event, key);
    let set = this.listeners.get(id);
    if (!set) this.listeners.set(id, (set = new Set()));
    set.add(listener as Listener);
    return () => {
      set.delete(listener as Listener);
      if (set.size === 0 && this.listeners.get(id) === set) this.listeners.delete(id);
    };
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const checked = events[event].parse(payload);
    const key = eventKey(event, checked);
    const all = this.listeners.get(event) ?? [];
    const keyed = key === undefined ? [] : (this.listeners.get(subscriptionId(event, key)) ?? []);
    for (const listener of [...all, ...keyed]) {
      try {
        listener(checked);
      } catch {
        // One broken subscriber must not stop the others.
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
