import type { z } from 'zod';
import { events, methods, type Envelope, type EventName, type MethodName } from '../../shared/contract.js';
import { describeZodError } from '../../shared/errors.js';
import { envelopeSchema } from '../../shared/rpc.js';

function internal(message: string): Envelope<unknown> {
  return { ok: false, error: { code: 'INTERNAL', message } };
}

/**
 * Checks a raw reply against the contract: a well-formed envelope whose data matches the method's
 * output schema. Anything else becomes an INTERNAL error envelope, so callers see a readable error
 * instead of a half-shaped object deep in the UI.
 */
export function checkEnvelope(method: MethodName, raw: unknown): Envelope<unknown> {
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success) return internal(`Malformed reply to ${method}`);
  if (!envelope.data.ok) return { ok: false, error: envelope.data.error };
  const schema: z.ZodType = methods[method].output;
  const output = schema.safeParse(envelope.data.data);
  if (!output.success) return internal(`Unexpected reply to ${method}: ${describeZodError(output.error)}`);
  return { ok: true, data: output.data };
}

export type EventCheck = { ok: true; payload: unknown } | { ok: false; reason: string };

/** Validates an event payload with the contract's event schema. */
export function checkEventPayload(event: EventName, payload: unknown): EventCheck {
  const schema: z.ZodType = events[event];
  const result = schema.safeParse(payload);
  return result.success
    ? { ok: true, payload: result.data }
    : { ok: false, reason: `Invalid ${event} payload: ${describeZodError(result.error)}` };
}

/** `topics:list` → `['topics', 'list']`. */
export function splitMethod(method: MethodName): [domain: string, verb: string] {
  const colon = method.indexOf(':');
  return [method.slice(0, colon), method.slice(colon + 1)];
}
