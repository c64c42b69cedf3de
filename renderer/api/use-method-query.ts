import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import type { MethodInput, MethodName, MethodOutput } from '../../shared/contract.js';
import { callMethod } from './call-method.js';
import { methodKey } from './query-keys.js';
import { useWorkbench } from './workbench-context.js';

export interface MethodQueryOptions {
  enabled?: boolean;
  refetchInterval?: number | false;
}

/** `useMethodQuery('cluster:overview', {connectionId})`: a React Query over one contract method. */
export function useMethodQuery<M extends MethodName>(
  method: M,
  input: MethodInput<M>,
  options: MethodQueryOptions = {},
): UseQueryResult<MethodOutput<M>> {
  const api = useWorkbench();
  return useQuery({
    queryKey: methodKey(method, input),
    queryFn: () => callMethod(api, method, input),
    ...options,
  });
}
