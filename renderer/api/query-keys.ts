import type { QueryKey } from '@tanstack/react-query';
import type { MethodInput, MethodName } from '../../shared/contract.js';

/** Queries are keyed `[method, input]`, so `[method]` invalidates every input of one method. */
export function methodKey<M extends MethodName>(method: M, input: MethodInput<M>): readonly [M, MethodInput<M> | null] {
  return [method, input ?? null] as const;
}

/** True for a query whose input names this connection (`{connectionId}`). */
export function isKeyForConnection(key: QueryKey, connectionId: string): boolean {
  const input: unknown = key[1];
  return typeof input === 'object' && input !== null && 'connectionId' in input && input.connectionId === connectionId;
}
