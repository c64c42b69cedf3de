import type { MethodInput, MethodName, MethodOutput } from '../../shared/contract.js';
import { WorkbenchError } from '../../shared/errors.js';
import type { WorkbenchApi } from '../../shared/rpc.js';
import { splitMethod } from '../transport/payload-checks.js';

type LooseApi = Readonly<Record<string, Readonly<Record<string, ((input?: unknown) => Promise<unknown>) | undefined>> | undefined>>;

/** Calls `api.domain.verb(input)` by method name, so hooks can be generic over MethodName. */
export function callMethod<M extends MethodName>(api: WorkbenchApi, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const [domain, verb] = splitMethod(method);
  const group = (api as unknown as LooseApi)[domain];
  const call = group?.[verb];
  if (call === undefined) return Promise.reject(new WorkbenchError('UNKNOWN_METHOD', `No client method for ${method}`));
  return call(input) as Promise<MethodOutput<M>>;
}
