/**
 * A subscription's identity on a transport: the event, or the event and one key (`keyedEvents` in
 * contract.ts). Imports nothing, so the preload can use it without bundling the contract.
 */
export function subscriptionId(event: string, key: string | undefined): string {
  return key === undefined ? event : `${event} ${key}`;
}
