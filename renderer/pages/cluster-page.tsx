import type { AppInfo } from '../../shared/app.js';
import { useMethodQuery } from '../api/use-method-query.js';
import { ErrorMessage } from '../app/error-message.js';
import { BrokerConfigs } from './broker-configs.js';
import { BrokerTable } from './broker-table.js';
import { ClusterName } from './cluster-name.js';
import { NoConnectionPanel } from './no-connection-panel.js';

function ClusterOverview({ connectionId }: { connectionId: string }) {
  const overview = useMethodQuery('cluster:overview', { connectionId });
  // The live connection state often knows the broker is unreachable before the overview call gives up.
  const state = useMethodQuery('connections:state', { connectionId });
  // Sizes (DescribeLogDirs) and the inferred version come from the second client; the page does not wait for them.
  const disk = useMethodQuery('cluster:diskUsage', { connectionId });
  const version = useMethodQuery('cluster:kafkaVersion', { connectionId });
  const unreachable = state.data?.state === 'unreachable' && overview.data === undefined && !overview.isError ? state.data : null;
  return (
    <>
      <div className="page-header">
        <h1>Cluster</h1>
        <ClusterName connectionId={connectionId} />
        <button type="button" disabled={overview.isFetching} onClick={() => void overview.refetch()}>
          {overview.isFetching ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      {unreachable !== null && (
        <p className="error" role="alert">
          {unreachable.error ?? 'The cluster is unreachable'}
        </p>
      )}
      {overview.isPending && unreachable === null && <p className="note">Loading cluster overview…</p>}
      <ErrorMessage error={overview.error} />
      {overview.data !== undefined && (
        <>
          <dl className="facts cards">
            <div>
              <dt>Cluster id</dt>
              <dd className="mono" data-testid="cluster-id">
                {overview.data.clusterId}
              </dd>
            </div>
            <div>
              <dt>Controller</dt>
              <dd data-testid="controller-id">{overview.data.controllerId ?? '—'}</dd>
            </div>
            <div>
              <dt>Brokers</dt>
              <dd>{overview.data.brokers.length}</dd>
            </div>
            <div>
              <dt>Kafka version</dt>
              <dd data-testid="kafka-version" title={version.data?.basis ?? version.error?.message ?? ''}>
                {version.data === undefined ? (version.isError ? 'unknown' : '…') : (version.data.version ?? 'unknown')}
                {version.data !== undefined && <span className="note"> (inferred)</span>}
              </dd>
            </div>
            <div>
              <dt>Topics</dt>
              <dd data-testid="topic-count">
                <a href="#/topics">{overview.data.topicCount}</a>
              </dd>
            </div>
          </dl>
          {version.data !== undefined && (
            <p className="note" data-testid="kafka-version-basis">
              {version.data.basis}
            </p>
          )}
          <BrokerTable brokers={overview.data.brokers} disk={disk.isError ? null : disk.data?.brokers} />
          {disk.isError && <p className="note warning">Log dir sizes unavailable: {disk.error.message}</p>}
          {overview.data.brokers.length > 0 && <BrokerConfigs connectionId={connectionId} brokers={overview.data.brokers} />}
        </>
      )}
    </>
  );
}

/** Overview of the active cluster, or the ways to get one when none is active. */
export function ClusterPage({ info }: { info: AppInfo }) {
  return (
    <section className="page" data-testid="cluster-page">
      {info.activeConnectionId === null ? (
        <NoConnectionPanel javaAvailable={info.javaAvailable} />
      ) : (
        <ClusterOverview key={info.activeConnectionId} connectionId={info.activeConnectionId} />
      )}
    </section>
  );
}
