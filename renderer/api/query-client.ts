import { QueryClient } from '@tanstack/react-query';
import { WorkbenchError } from '../../shared/errors.js';
import { LOST_CONNECTION_MESSAGE } from '../transport/ws-transport.js';

/** Retry only a dropped server link; a broker or validation error will not fix itself in 1 s. */
function shouldRetry(failureCount: number, error: Error): boolean {
  return failureCount < 3 && error instanceof WorkbenchError && error.message === LOST_CONNECTION_MESSAGE;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: shouldRetry, staleTime: 5_000, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
}
