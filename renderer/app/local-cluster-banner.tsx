import { localOptionsOf } from '../../shared/local-cluster.js';
import { useMethodMutation } from '../api/use-method-mutation.js';
import { useMethodQuery } from '../api/use-method-query.js';
import { ErrorMessage } from './error-message.js';

/**
 * On every page: when the active connection is this app's own local cluster and its broker does
 * not answer, say so and offer to start it right here (on the ports it had), rather than only
 * under Settings → Local cluster.
 */
export function LocalClusterBanner({ connectionId }: { connectionId: string | null }) {
  const connections = useMethodQuery('connections:list', undefined);
  const state = useMethodQuery('connections:state', { connectionId: connectionId ?? '' }, { enabled: connectionId !== null });
  const start = useMethodMutation('local:start', { invalidates: ['connections:state', 'connections:list', 'local:status', 'app:info'] });
  const active = connections.data?.find((c) => c.id === connectionId);
  if (active === undefined || !active.local || state.data?.state !== 'unreachable') return null;
  return (
    <div className="banner banner-error" role="alert" data-testid="local-cluster-down">
      <p>
        The local cluster ({active.bootstrapServers.join(', ')}) is not answering: it is probably stopped.{' '}
        <button
          type="button"
          disabled={start.isPending}
          onClick={() => {
            start.mutate(localOptionsOf(active.bootstrapServers));
          }}
        >
          {start.isPending ? 'Starting local cluster…' : 'Start local cluster'}
        </button>
      </p>
      <ErrorMessage error={start.error} />
    </div>
  );
}
