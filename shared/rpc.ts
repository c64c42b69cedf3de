import { z } from 'zod';
import {
  eventNames,
  methodNames,
  subscriptionProblem,
  type EventName,
  type EventPayload,
  type MethodInput,
  type MethodName,
  type MethodOutput,
  type Envelope,
} from './contract.js';
import { WorkbenchError, wireErrorSchema } from './errors.js';

/** What a transport must provide: one call primitive and one subscribe primitive (`key`: see `keyedEvents`). */
export interface Transport {
  invoke(method: MethodName, input: unknown): Promise<Envelope<unknown>>;
  subscribe(event: EventName, listener: (payload: unknown) => void, key?: string): () => void;
}

export const envelopeSchema = z.union([
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error: wireErrorSchema }),
]);

/** Wire messages of the `serve` WebSocket. */
export const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('call'), id: z.number().int(), method: z.string().max(100), input: z.unknown().optional() }),
  z.object({ type: z.literal('subscribe'), event: z.string().max(100), key: z.string().min(1).max(200).optional() }),
  z.object({ type: z.literal('unsubscribe'), event: z.string().max(100), key: z.string().min(1).max(200).optional() }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

export type ServerMessage =
  | { type: 'result'; id: number; envelope: Envelope<unknown> }
  /** `key`: the subscription it is for (absent for a subscription without a key). */
  | { type: 'event'; event: EventName; key?: string; payload: unknown }
  | { type: 'error'; error: { code: 'VALIDATION'; message: string } };

/**
 * Shape check of what the `serve` WebSocket sends. Envelopes and event payloads are checked against
 * the contract afterwards, per method and event.
 */
export const serverMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('result'), id: z.number().int(), envelope: z.unknown() }),
  z.object({ type: z.literal('event'), event: z.string(), key: z.string().optional(), payload: z.unknown() }),
  z.object({ type: z.literal('error'), error: z.object({ code: z.string(), message: z.string() }) }),
]);

/** A method `domain:verb` exposed as `client.domain.verb(input)`. */
type DomainOf<M extends string> = M extends `${infer D}:${string}` ? D : never;
type VerbOf<M extends string> = M extends `${string}:${infer V}` ? V : never;
type Call<M extends MethodName> =
  undefined extends MethodInput<M>
    ? (input?: MethodInput<M>) => Promise<MethodOutput<M>>
    : (input: MethodInput<M>) => Promise<MethodOutput<M>>;

export type WorkbenchApi = {
  [D in DomainOf<MethodName>]: { [M in MethodName as DomainOf<M> extends D ? VerbOf<M> : never]: Call<M> };
} & {
  /** `key`: only the events of that tail, scan, watch, pipeline or job (required for some: `keyedEvents`). */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void, key?: string): () => void;
};

export function unwrap<T>(envelope: Envelope<T>): T {
  if (envelope.ok) return envelope.data;
  throw WorkbenchError.fromWire(envelope.error);
}

/** Builds the grouped API (`api.topics.list(...)`) over any transport; envelopes become values or thrown errors. */
export function createWorkbenchApi(transport: Transport): WorkbenchApi {
  const api: Record<string, unknown> = {};
  for (const name of methodNames) {
    const [domain, verb] = name.split(':') as [string, string];
    const group = (api[domain] ??= {}) as Record<string, unknown>;
    group[verb] = async (input?: unknown) => unwrap(await transport.invoke(name, input));
  }
  api['on'] = (event: EventName, listener: (payload: unknown) => void, key?: string) => {
    if (!eventNames.includes(event)) throw new WorkbenchError('VALIDATION', `Unknown event ${String(event)}`);
    const problem = subscriptionProblem(event, key);
    if (problem !== null) throw new WorkbenchError('VALIDATION', problem);
    return transport.subscribe(event, listener, key);
  };
  return api as WorkbenchApi;
}
