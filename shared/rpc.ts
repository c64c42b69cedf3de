import { z } from 'zod';
import { eventNames, methodNames, type EventName, type EventPayload, type MethodInput, type MethodName, type MethodOutput, type Envelope } from './contract.js';
import { WorkbenchError, wireErrorSchema } from './errors.js';

/** What a transport must provide: one call primitive and one subscribe primitive. */
export interface Transport {
  invoke(method: MethodName, input: unknown): Promise<Envelope<unknown>>;
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
}

export const envelopeSchema = z.union([
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error: wireErrorSchema }),
]);

/** Wire messages of the `serve` WebSocket. */
export const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('call'), id: z.number().int(), method: z.string().max(100), input: z.unknown().optional() }),
  z.object({ type: z.literal('subscribe'), event: z.string().max(100) }),
  z.object({ type: z.literal('unsubscribe'), event: z.string().max(100) }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

export type ServerMessage =
  | { type: 'result'; id: number; envelope: Envelope<unknown> }
  | { type: 'event'; event: EventName; payload: unknown }
  | { type: 'error'; error: { code: 'VALIDATION'; message: string } };

/**
 * Shape check of what the `serve` WebSocket sends. Envelopes and event payloads are checked against
 * the contract afterwards, per method and event.
 */
export const serverMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('result'), id: z.number().int(), envelope: z.unknown() }),
  z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() }),
  z.object({ type: z.literal('error'), error: z.object({ code: z.string(), message: z.string() }) }),
]);

/** A method `domain:verb` exposed as `client.domain.verb(input)`. */
type DomainOf<M extends string> = M extends `${infer D}:${string}` ? D : never;
type VerbOf<M extends string> = M extends `${string}:${infer V}` ? V : never;
type Call<M extends MethodName> = undefined extends MethodInput<M>
  ? (input?: MethodInput<M>) => Promise<MethodOutput<M>>
  : (input: MethodInput<M>) => Promise<MethodOutput<M>>;

export type WorkbenchApi = {
  [D in DomainOf<MethodName>]: { [M in MethodName as DomainOf<M> extends D ? VerbOf<M> : never]: Call<M> };
} & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
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
  api['on'] = (event: EventName, listener: (payload: unknown) => void) => {
    if (!eventNames.includes(event)) throw new WorkbenchError('VALIDATION', `Unknown event ${String(event)}`);
    return transport.subscribe(event, listener);
  };
  return api as WorkbenchApi;
}
