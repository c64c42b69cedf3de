import { z } from 'zod';
import { isMethodName, methods, type Envelope, type MethodName, type MethodOutput, type MethodParsedInput } from '../../shared/contract.js';
import { WorkbenchError, describeZodError } from '../../shared/errors.js';
import { describeSystemError } from './system-errors.js';

export type Handlers = {
  [M in MethodName]: (input: MethodParsedInput<M>) => Promise<MethodOutput<M>> | MethodOutput<M>;
};

export type Dispatch = (method: unknown, input: unknown) => Promise<Envelope<unknown>>;

/**
 * The one gate every call from a transport goes through: unknown method → UNKNOWN_METHOD, payload
 * that fails the contract schema → VALIDATION, handler errors → data. It never throws.
 */
export function createDispatcher(handlers: Handlers, onInternalError?: (method: string, error: unknown) => void): Dispatch {
  return async (method, input) => {
    if (!isMethodName(method)) {
      return fail(new WorkbenchError('UNKNOWN_METHOD', `Unknown method ${JSON.stringify(String(method)).slice(0, 120)}`));
    }
    const spec = methods[method];
    const parsed = (spec.input as z.ZodType).safeParse(input);
    if (!parsed.success) {
      return fail(new WorkbenchError('VALIDATION', `Invalid input for ${method}: ${describeZodError(parsed.error)}`));
    }
    try {
      const handler = handlers[method] as (input: unknown) => unknown;
      const output = await handler(parsed.data);
      // Checking our own output keeps the contract honest: a drift shows up as a clear error, not a UI crash.
      const checked = (spec.output as z.ZodType).safeParse(output);
      if (!checked.success) {
        onInternalError?.(method, checked.error);
        return fail(
          new WorkbenchError(
            'INTERNAL',
            `The engine answered ${method} with data that does not match the contract`,
            describeZodError(checked.error),
          ),
        );
      }
      return { ok: true, data: checked.data };
    } catch (error) {
      if (error instanceof WorkbenchError) return fail(error);
      if (error instanceof z.ZodError) return fail(new WorkbenchError('VALIDATION', describeZodError(error)));
      const system = describeSystemError(error);
      if (system) return fail(system);
      onInternalError?.(method, error);
      const message = error instanceof Error ? error.message : String(error);
      return fail(new WorkbenchError('INTERNAL', `Unexpected error in ${method}: ${message}`));
    }
  };
}

function fail(error: WorkbenchError): Envelope<never> {
  return { ok: false, error: error.toWire() };
}
