import { z } from 'zod';

/** One contract entry: input and output schemas plus a one-line summary. */
export function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string) {
  return { input, output, summary } as const;
}

/** Most methods act on one saved connection. */
export const connectionRef = z.object({ connectionId: z.string().min(1).max(64) });
export const none = z.undefined();
