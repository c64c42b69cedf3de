import { useMethodQuery } from '../../api/use-method-query.js';
import { ErrorMessage } from '../../app/error-message.js';
import { formatBytes } from '../../../shared/format.js';
import { formatDuration } from './format.js';

/** Past exports from SQLite: target, rows, size, duration, status, error. */
export function ExportHistoryTable() {
  const history = useMethodQuery('exports:history', { limit: 100 });
  const list = history.data ?? [];
  return (
    <section aria-label="Export history">
      <h2>History</h2>
      <ErrorMessage error={history.error} />
      <table className="table" data-testid="export-history">
        <caption>{list.length} exports</caption>
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">Source</th>
            <th scope="col">Format</th>
            <th scope="col">Written to</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Rows
            </th>
            <th scope="col" className="num">
              Size
            </th>
            <th scope="col" className="num">
              Duration
            </th>
          </tr>
        </thead>
        <tbody>
          {list.length === 0 && (
            <tr>
              <td colSpan={8} className="empty">
                No exports yet.
              </td>
            </tr>
          )}
          {list.map((h) => (
            <tr key={h.id} data-testid="export-history-row" data-status={h.status}>
              <td>
                <time dateTime={new Date(h.startedAt).toISOString()}>{new Date(h.startedAt).toLocaleString()}</time>
              </td>
              <td>{h.source}</td>
              <td>{h.format}</td>
              <td className="mono" title={h.target}>
                {h.location}
                {h.error !== null && <div className="error">{h.error}</div>}
              </td>
              <td>
                <span className={`badge ${h.status === 'failed' ? 'badge-error' : h.status === 'running' ? 'badge-running' : ''}`}>
                  {h.status}
                </span>
              </td>
              <td className="num">{h.rows.toLocaleString()}</td>
              <td className="num">{formatBytes(h.bytes)}</td>
              <td className="num">{formatDuration(h.durationMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
