import type { ConnectionState } from '../../shared/connection.js';
import { useMethodQuery } from '../api/use-method-query.js';

function describe(state: ConnectionState | undefined, loading: boolean): { key: string; text: string } {
  if (state === undefined) return loading ? { key: 'connecting', text: 'Connecting…' } : { key: 'unknown', text: 'Unknown' };
  switch (state.state) {
    case 'connected':
      return { key: 'connected', text: 'Connected' };
    case 'connecting':
      return { key: 'connecting', text: 'Connecting…' };
    case 'unreachable':
      return { key: 'unreachable', text: state.error === undefined ? 'Unreachable' : `Unreachable: ${state.error}` };
    case 'unknown':
      return { key: 'unknown', text: 'Not checked yet' };
  }
}

/** Reachability of the active connection, kept live by `connection:state` events. */
export function ConnectionStatus({ connectionId }: { connectionId: string | null }) {
  const query = useMethodQuery('connections:state', { connectionId: connectionId ?? '' }, { enabled: connectionId !== null });
  const { key, text } =
    connectionId === null
      ? { key: 'none', text: 'No connection' }
      : query.isError
        ? { key: 'unknown', text: `Status unavailable: ${query.error.message}` }
        : describe(query.data, query.isPending);
  return (
    <span className={`status status-${key}`} data-testid="connection-status" data-state={key} role="status">
      <span className="status-dot" aria-hidden="true" />
      {text}
    </span>
  );
}
