import { events, type EventName, type EventPayload } from '../../shared/contract.js';

type Listener = (payload: unknown) => void;

/** Typed engine events; transports subscribe and forward. Payloads are checked against the contract. */
export class EventBus {
  private readonly listeners = new Map<EventName, Set<Listener>>();

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const checked = events[event].parse(payload);
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
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
