import { isEventName, type Envelope, type EventName, type MethodName } from '../../shared/contract.js';
import { WorkbenchError } from '../../shared/errors.js';
import type { ClientMessage, Transport } from '../../shared/rpc.js';
import { backoffDelay, defaultBackoff, type BackoffOptions } from './backoff.js';
import { checkEnvelope, checkEventPayload } from './payload-checks.js';
import { parseServerMessage } from './server-message.js';
import { subscriptionId } from '../../shared/subscriptions.js';
import type { LinkState, ServerLink } from './server-link.js';

export const LOST_CONNECTION_MESSAGE = 'Lost connection to the Workbench server';

export interface WsTransportOptions {
  url: string;
  backoff?: Partial<BackoffOptions>;
  /** Told about messages that fail the wire or contract schemas (they are dropped). */
  onInvalidMessage?: (reason: string) => void;
}

interface PendingCall {
  method: MethodName;
  message: Extract<ClientMessage, { type: 'call' }>;
  sent: boolean;
  resolve: (envelope: Envelope<unknown>) => void;
  reject: (error: Error) => void;
}

type Listener = (payload: unknown) => void;

/**
 * The `serve` mode Transport: one WebSocket to `/ws`, calls matched to results by id. Calls made
 * while the socket is not open are queued and sent on open; when the socket drops, every call not
 * yet answered fails, and the socket is reopened with back-off and event subscriptions restored.
 * Auth rides on the HttpOnly cookie the server set, so nothing is added here.
 */
export class WsTransport implements Transport, ServerLink {
  readonly #url: string;
  readonly #backoff: BackoffOptions;
  readonly #report: (reason: string) => void;
  readonly #pending = new Map<number, PendingCall>();
  /** By `subscriptionId`: what to send to (re)subscribe, and who listens. */
  readonly #listeners = new Map<string, { message: { event: EventName; key?: string }; listeners: Set<Listener> }>();
  readonly #stateListeners = new Set<(state: LinkState) => void>();
  #socket: WebSocket | null = null;
  #state: LinkState = 'connecting';
  #nextId = 1;
  #attempt = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: WsTransportOptions) {
    this.#url = options.url;
    this.#backoff = { ...defaultBackoff, ...options.backoff };
    this.#report =
      options.onInvalidMessage ??
      ((reason) => {
        console.warn(reason);
      });
    this.#connect();
  }

  getState(): LinkState {
    return this.#state;
  }

  onStateChange(listener: (state: LinkState) => void): () => void {
    this.#stateListeners.add(listener);
    return () => {
      this.#stateListeners.delete(listener);
    };
  }

  invoke(method: MethodName, input: unknown): Promise<Envelope<unknown>> {
    if (this.#state === 'closed' || this.#state === 'signed-out') {
      return Promise.reject(new WorkbenchError('INTERNAL', LOST_CONNECTION_MESSAGE));
    }
    const id = this.#nextId++;
    const message: PendingCall['message'] = input === undefined ? { type: 'call', id, method } : { type: 'call', id, method, input };
    return new Promise<Envelope<unknown>>((resolve, reject) => {
      const call: PendingCall = { method, message, sent: false, resolve, reject };
      this.#pending.set(id, call);
      if (this.#state === 'open') this.#sendCall(call);
    });
  }

  subscribe(event: EventName, listener: Listener, key?: string): () => void {
    const id = subscriptionId(event, key);
    let subscription = this.#listeners.get(id);
    if (subscription === undefined) {
      subscription = { message: key === undefined ? { event } : { event, key }, listeners: new Set() };
      this.#listeners.set(id, subscription);
      this.#sendIfOpen({ type: 'subscribe', ...subscription.message });
    }
    const own = subscription;
    own.listeners.add(listener);
    return () => {
      if (!own.listeners.delete(listener) || own.listeners.size > 0) return;
      this.#listeners.delete(id);
      this.#sendIfOpen({ type: 'unsubscribe', ...own.message });
    };
  }

  /** Closes the socket for good: no reconnect, unanswered calls fail. */
  dispose(): void {
    clearTimeout(this.#reconnectTimer);
    const socket = this.#socket;
    this.#socket = null;
    this.#setState('closed');
    this.#failPending();
    socket?.close();
  }

  #connect(): void {
    const socket = new WebSocket(this.#url);
    this.#socket = socket;
    socket.addEventListener('open', () => {
      if (socket !== this.#socket) return;
      this.#attempt = 0;
      this.#setState('open');
      for (const { message } of this.#listeners.values()) this.#send({ type: 'subscribe', ...message });
      for (const call of this.#pending.values()) if (!call.sent) this.#sendCall(call);
    });
    socket.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (socket === this.#socket) this.#onMessage(event.data);
    });
    socket.addEventListener('close', () => {
      if (socket !== this.#socket) return;
      this.#socket = null;
      this.#failPending();
      this.#setState('reconnecting');
      this.#scheduleReconnect();
    });
    // An 'error' is always followed by 'close', which does the work.
  }

  #scheduleReconnect(): void {
    const delay = backoffDelay(this.#attempt++, this.#backoff);
    this.#reconnectTimer = setTimeout(() => {
      if (this.#state !== 'reconnecting') return;
      // A browser hides why an upgrade failed; a plain request to the same server tells "down"
      // (no answer) from "up, but this tab's token is refused" (401/403 from serve's auth).
      void this.#refusesUs().then((refused) => {
        if (this.#state !== 'reconnecting') return;
        if (refused) this.#setState('signed-out');
        else this.#connect();
      });
    }, delay);
  }

  /** True when the server at our address answers but refuses this tab's credentials. */
  async #refusesUs(): Promise<boolean> {
    const url = new URL(this.#url);
    url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
    url.pathname = '/';
    try {
      const response = await fetch(url, { cache: 'no-store', credentials: 'same-origin' });
      return response.status === 401 || response.status === 403;
    } catch {
      return false; // nothing answers: the server is down (or moved); keep trying
    }
  }

  #onMessage(data: unknown): void {
    const message = parseServerMessage(data);
    if (message === null) {
      this.#report('Ignored a malformed message from the Workbench server');
      return;
    }
    switch (message.type) {
      case 'result': {
        const call = this.#pending.get(message.id);
        if (call === undefined) return;
        this.#pending.delete(message.id);
        call.resolve(checkEnvelope(call.method, message.envelope));
        return;
      }
      case 'event': {
        if (!isEventName(message.event)) {
          this.#report(`Ignored unknown event ${message.event}`);
          return;
        }
        const checked = checkEventPayload(message.event, message.payload);
        if (!checked.ok) {
          this.#report(checked.reason);
          return;
        }
        for (const listener of [...(this.#listeners.get(subscriptionId(message.event, message.key))?.listeners ?? [])]) {
          try {
            listener(checked.payload);
          } catch (error) {
            console.error(error);
          }
        }
        return;
      }
      case 'error':
        // The server could not read one of our messages; it has no id to answer, so just report it.
        this.#report(`Workbench server rejected a message: ${message.error.message}`);
        return;
    }
  }

  #sendCall(call: PendingCall): void {
    call.sent = this.#send(call.message);
  }

  #sendIfOpen(message: ClientMessage): void {
    if (this.#state === 'open') this.#send(message);
  }

  #send(message: ClientMessage): boolean {
    const socket = this.#socket;
    if (socket === null || socket.readyState !== WebSocket.OPEN) return false;
    try {
      socket.send(JSON.stringify(message));
      return true;
    } catch {
      return false; // the socket is going down; its 'close' fails the call
    }
  }

  #failPending(): void {
    const calls = [...this.#pending.values()];
    this.#pending.clear();
    for (const call of calls) call.reject(new WorkbenchError('INTERNAL', LOST_CONNECTION_MESSAGE));
  }

  #setState(state: LinkState): void {
    if (state === this.#state) return;
    this.#state = state;
    for (const listener of [...this.#stateListeners]) listener(state);
  }
}
