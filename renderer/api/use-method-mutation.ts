import { useMutation, useQueryClient, type UseMutationResult } from '@tanstack/react-query';
import type { MethodInput, MethodName, MethodOutput } from '../../shared/contract.js';
import { callMethod } from './call-method.js';
import { useWorkbench } from './workbench-context.js';

export interface MethodMutationOptions<M extends MethodName> {
  /** Methods whose queries (any input) are stale once this call succeeds. */
  invalidates?: readonly MethodName[];
  onSuccess?: (data: MethodOutput<M>, input: MethodInput<M>) => void;
}

/** A React Query mutation over one contract method. */
export function useMethodMutation<M extends MethodName>(
  method: M,
  options: MethodMutationOptions<M> = {},
): UseMutationResult<MethodOutput<M>, Error, MethodInput<M>> {
  const api = useWorkbench();
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: [method],
    mutationFn: (input: MethodInput<M>) => callMethod(api, method, input),
    onSuccess: (data, input) => {
      for (const stale of options.invalidates ?? []) void queryClient.invalidateQueries({ queryKey: [stale] });
      options.onSuccess?.(data, input);
    },
  });
}
