import type { Broker } from '../../shared/cluster.js';
import { formatBytes } from '../../shared/format.js';
import type { BrokerDisk } from '../../shared/topic-browser.js';

/** `disk` (DescribeLogDirs) arrives separately; undefined while loading, null when it failed. */
export function BrokerTable({ brokers, disk }: { brokers: readonly Broker[]; disk?: readonly BrokerDisk[] | null }) {
  const diskOf = (nodeId: number) => disk?.find((d) => d.nodeId === nodeId);
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
          <th scope="col" className="num">
            Log dir size
          </th>
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
            <td
              className="num"
              data-col="log-dir-size"
              title={diskOf(broker.nodeId)
                ?.logDirs.map(
                  (d) =>
                    `${d.path}: ${formatBytes(d.sizeBytes)}${d.usableBytes === null ? '' : ` (volume ${formatBytes(d.usableBytes)} free of ${formatBytes(d.totalBytes ?? 0)})`}`,
                )
                .join('\n')}
            >
              {disk === undefined
                ? '…'
                : (() => {
                    const d = diskOf(broker.nodeId);
                    return d === undefined ? '—' : formatBytes(d.sizeBytes);
                  })()}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
