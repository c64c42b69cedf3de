import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { methodKey } from '../api/query-keys.js';
import { useMethodMutation } from '../api/use-method-mutation.js';
import { useMethodQuery } from '../api/use-method-query.js';
import { ErrorMessage } from '../app/error-message.js';
import { ConnectionForm } from './connection-form.js';
import { LocalClusterPanel } from './local-cluster-panel.js';

/** First-run panel: start the managed local cluster, or describe an existing one. */
export function NoConnectionPanel({ javaAvailable }: { javaAvailable: boolean }) {
  const queryClient = useQueryClient();
  const connections = useMethodQuery('connections:list', undefined);
  const localStatus = useMethodQuery('local:status', undefined);
  const activate = useMethodMutation('connections:activate', {
    invalidates: ['app:info'],
    onSuccess: (state) => queryClient.setQueryData(methodKey('connections:state', { connectionId: state.connectionId }), state),
  });
  const { mutate: activateConnection } = activate;
  // After "Start local cluster", switch to its connection once it runs (unless the engine already did).
  const [useLocalWhenRunning, setUseLocalWhenRunning] = useState(false);

  const localConnection = connections.data?.find((connection) => connection.local);
  const running = localStatus.data?.state === 'running';

  useEffect(() => {
    if (!useLocalWhenRunning || !running || localConnection === undefined) return;
    setUseLocalWhenRunning(false);
    activateConnection({ id: localConnection.id });
  }, [useLocalWhenRunning, running, localConnection, activateConnection]);

  return (
    <>
      <h1>No active connection</h1>
      <p className="note">Start a Kafka cluster on this machine, or connect to an existing one.</p>
      <div className="columns">
        <section className="panel" aria-labelledby="local-title">
          <h2 id="local-title">Local cluster</h2>
          <p className="hint">Apache Kafka in KRaft mode on 127.0.0.1, managed by the Workbench.</p>
          <LocalClusterPanel
            javaAvailable={javaAvailable}
            onStartRequested={() => {
              setUseLocalWhenRunning(true);
            }}
          />
          {running && localConnection !== undefined && (
            <button
              type="button"
              className="primary"
              disabled={activate.isPending}
              onClick={() => {
                activateConnection({ id: localConnection.id });
              }}
            >
              Use local cluster
            </button>
          )}
          <ErrorMessage error={activate.error} prefix="Could not activate" />
        </section>
        <section className="panel" aria-labelledby="connect-title">
          <h2 id="connect-title">Connect to a cluster</h2>
          <ConnectionForm
            onSaved={(saved) => {
              activateConnection({ id: saved.id });
            }}
          />
        </section>
      </div>
    </>
  );
}
