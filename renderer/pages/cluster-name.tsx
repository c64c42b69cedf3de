import { useMethodQuery } from '../api/use-method-query.js';

/**
 * "on <connection name> (bootstrap)" for a page header: with several saved connections, every view
 * says which cluster it shows (several clusters can be saved).
 */
export function ClusterName({ connectionId }: { connectionId: string }) {
  const connections = useMethodQuery('connections:list', undefined);
  const connection = connections.data?.find((c) => c.id === connectionId);
  if (connection === undefined) return null;
  return (
    <span className="page-cluster note" data-testid="page-cluster" title={connection.bootstrapServers.join(', ')}>
      on <strong>{connection.name}</strong>{' '}
      <span className="mono">
        ({connection.bootstrapServers[0] ?? ''}
        {connection.bootstrapServers.length > 1 ? ', …' : ''})
      </span>
    </span>
  );
}
