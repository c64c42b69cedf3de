import { useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import type { MetricsSnapshot } from '../../../shared/metrics.js';
import { useEvent } from '../../api/use-event.js';
import { useMethodQuery } from '../../api/use-method-query.js';

/**
 * The throughput and lag series (`metrics:snapshot`), refreshed on each `metrics:tick`. A hidden
 * window only marks them stale (React Query refetches on focus), so nothing re-renders unseen.
 */
export function useMetricsSnapshot(connectionId: string | null): UseQueryResult<MetricsSnapshot> {
  const queryClient = useQueryClient();
  const snapshot = useMethodQuery('metrics:snapshot', { connectionId: connectionId ?? '' }, { enabled: connectionId !== null });
  useEvent('metrics:tick', () => {
    void queryClient.invalidateQueries({
      queryKey: ['metrics:snapshot'],
      refetchType: document.visibilityState === 'hidden' ? 'none' : 'active',
    });
  });
  return snapshot;
}
