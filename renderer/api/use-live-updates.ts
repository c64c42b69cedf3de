import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { LocalClusterStatus } from '../../shared/local-cluster.js';
import type { ConnectionState } from '../../shared/connection.js';
import { isKeyForConnection, methodKey } from './query-keys.js';
import { useEvent } from './use-event.js';
import { useServerLinkState } from './workbench-context.js';

/**
 * Keeps cached snapshots in step with what the engine pushes: event payloads replace the matching
 * query data, and state transitions mark dependent queries stale. Mount once, near the root.
 */
export function useLiveUpdates(): void {
  const queryClient = useQueryClient();

  const lastLocalState = useRef<LocalClusterStatus['state'] | null>(null);
  useEvent('local:status', (status) => {
    queryClient.setQueryData(methodKey('local:status', undefined), status);
    if (status.state === lastLocalState.current) return;
    lastLocalState.current = status.state;
    // Starting or stopping the local cluster may add or activate its connection.
    void queryClient.invalidateQueries({ queryKey: ['connections:list'] });
    void queryClient.invalidateQueries({ queryKey: ['app:info'] });
  });

  useEvent('connection:state', (state) => {
    const key = methodKey('connections:state', { connectionId: state.connectionId });
    const previous = queryClient.getQueryData<ConnectionState>(key);
    queryClient.setQueryData(key, state);
    if (state.state === 'connected' && previous?.state !== 'connected') {
      void queryClient.invalidateQueries({
        predicate: (query) => query.queryKey[0] !== 'connections:state' && isKeyForConnection(query.queryKey, state.connectionId),
      });
    }
  });

  // After the server link comes back, every snapshot may be stale.
  const link = useServerLinkState();
  const wasDown = useRef(false);
  useEffect(() => {
    if (link === 'reconnecting') wasDown.current = true;
    if (link === 'open' && wasDown.current) {
      wasDown.current = false;
      void queryClient.invalidateQueries();
    }
  }, [link, queryClient]);
}
