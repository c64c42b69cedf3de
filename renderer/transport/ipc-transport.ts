import type { Envelope, EventName, MethodName } from '../../shared/contract.js';
import type { Transport } from '../../shared/rpc.js';
import { checkEnvelope, checkEventPayload, splitMethod } from './payload-checks.js';
import type { Domain, PreloadApi } from './preload-api.js';

export interface IpcTransportOptions {
  /** Told about event payloads that fail the contract schema (they are dropped). */
  onInvalidMessage?: (reason: string) => void;
}

/** A Transport over the Electron preload bridge (`window.workbench`). */
export function createIpcTransport(bridge: PreloadApi, options: IpcTransportOptions = {}): Transport {
  const report =
    options.onInvalidMessage ??
    ((reason: string) => {
      console.warn(reason);
    });
  return {
    async invoke(method: MethodName, input: unknown): Promise<Envelope<unknown>> {
      const [domain, verb] = splitMethod(method);
      // The bridge is typed from the contract, but a stale preload may lack a domain or verb.
      const group: unknown = bridge[domain as Domain];
      const call = typeof group === 'object' && group !== null ? (group as Readonly<Record<string, unknown>>)[verb] : undefined;
      if (typeof call !== 'function') {
        return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `The desktop bridge does not expose ${method}` } };
      }
      const raw: unknown = await (call as (input?: unknown) => Promise<unknown>)(input);
      return checkEnvelope(method, raw);
    },
    subscribe(event: EventName, listener: (payload: unknown) => void, key?: string): () => void {
      const forward = (payload: unknown) => {
        const checked = checkEventPayload(event, payload);
        if (checked.ok) listener(checked.payload);
        else report(checked.reason);
      };
      return key === undefined ? bridge.on(event, forward) : bridge.on(event, forward, key);
    },
  };
}
