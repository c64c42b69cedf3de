import type { z } from 'zod';
import { serverMessageSchema } from '../../shared/rpc.js';

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
