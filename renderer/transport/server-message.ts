import { z } from 'zod';

/**
 * Shape check of what the `serve` WebSocket sends (see `ServerMessage` in shared/rpc.ts). Envelopes
 * and event payloads are checked against the contract afterwards, per method and event.
 */
export const serverMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('result'), id: z.number().int(), envelope: z.unknown() }),
  z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() }),
  z.object({ type: z.literal('error'), error: z.object({ code: z.string(), message: z.string() }) }),
]);
export type ParsedServerMessage = z.infer<typeof serverMessageSchema>;

export function parseServerMessage(data: unknown): ParsedServerMessage | null {
  if (typeof data !== 'string') return null;
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return null;
  }
  const parsed = serverMessageSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}
