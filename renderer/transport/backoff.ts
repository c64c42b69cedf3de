export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Randomise each delay to 50–100 % of its value, so many tabs do not reconnect in lock-step. */
  jitter: boolean;
}

export const defaultBackoff: BackoffOptions = { initialMs: 250, maxMs: 10_000, jitter: true };

/** Delay before reconnect attempt `attempt` (0-based): exponential, capped. */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const base = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 30));
  return options.jitter ? Math.round(base * (0.5 + random() / 2)) : base;
}
