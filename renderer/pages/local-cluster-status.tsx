import type { LocalClusterStatus } from '../../shared/local-cluster.js';

/** State, bootstrap servers, nodes and error of the local cluster. */
export function LocalClusterStatusView({ status }: { status: LocalClusterStatus }) {
  return (
    <div className="local-status" data-testid="local-status" data-state={status.state}>
      <dl className="facts">
        <div>
          <dt>State</dt>
          <dd>
            <span className={`badge badge-${status.state}`}>{status.state}</span>
          </dd>
        </div>
        <div>
          <dt>Kafka</dt>
          <dd>{status.kafkaVersion}</dd>
        </div>
        <div>
          <dt>Bootstrap servers</dt>
          <dd className="mono">{status.bootstrapServers.length > 0 ? status.bootstrapServers.join(', ') : '—'}</dd>
        </div>
      </dl>
      {status.download !== undefined && (
        <p data-testid="local-download">
          {status.download.what === 'java-runtime'
            ? 'Downloading the Java runtime: '
            : `Downloading Apache Kafka's jars (first start only): ${status.download.filesDone} of ${status.download.filesTotal} files, `}
          {(status.download.bytesDone / 1e6).toFixed(1)} of {(status.download.bytesTotal / 1e6).toFixed(1)} MB{' '}
          <progress max={status.download.bytesTotal} value={status.download.bytesDone} />
        </p>
      )}
      {status.error !== undefined && (
        <p className="error" role="alert">
          {status.error}
        </p>
      )}
      {status.nodes.length > 0 && (
        <table className="table">
          <caption>Nodes</caption>
          <thead>
            <tr>
              <th scope="col">Node</th>
              <th scope="col">Port</th>
              <th scope="col">Controller port</th>
              <th scope="col">PID</th>
              <th scope="col">Alive</th>
            </tr>
          </thead>
          <tbody>
            {status.nodes.map((node) => (
              <tr key={node.nodeId}>
                <td>{node.nodeId}</td>
                <td>{node.port}</td>
                <td>{node.controllerPort}</td>
                <td>{node.pid ?? '—'}</td>
                <td>{node.alive ? 'yes' : 'no'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
