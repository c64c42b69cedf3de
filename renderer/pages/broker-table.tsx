import type { Broker } from '../../shared/cluster.js';

export function BrokerTable({ brokers }: { brokers: readonly Broker[] }) {
  const sorted = [...brokers].sort((a, b) => a.nodeId - b.nodeId);
  return (
    <table className="table">
      <caption>Brokers</caption>
      <thead>
        <tr>
          <th scope="col">Node id</th>
          <th scope="col">Host</th>
          <th scope="col">Port</th>
          <th scope="col">Rack</th>
          <th scope="col">Controller</th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((broker) => (
          <tr key={broker.nodeId} data-testid="broker-row">
            <td>{broker.nodeId}</td>
            <td className="mono">{broker.host}</td>
            <td>{broker.port}</td>
            <td>{broker.rack ?? '—'}</td>
            <td>{broker.isController ? <span className="badge badge-running">controller</span> : ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
