import { useId, useState } from 'react';
import { useMethodQuery } from '../api/use-method-query.js';
import { ErrorMessage } from '../app/error-message.js';
import { CheckboxField } from '../app/form-fields.js';

function TopicTable({ connectionId }: { connectionId: string }) {
  const [filter, setFilter] = useState('');
  const [showInternal, setShowInternal] = useState(false);
  const filterId = useId();
  const topics = useMethodQuery('topics:list', { connectionId, includeInternal: showInternal });
  const needle = filter.trim().toLowerCase();
  const all = topics.data ?? [];
  const shown = all.filter((topic) => topic.name.toLowerCase().includes(needle)).sort((a, b) => a.name.localeCompare(b.name));

  return (
    <>
      <div className="toolbar">
        <div className="field">
          <label htmlFor={filterId}>Filter by name</label>
          <input id={filterId} type="search" value={filter} onChange={(event) => { setFilter(event.target.value); }} />
        </div>
        <CheckboxField label="Show internal topics" checked={showInternal} onChange={setShowInternal} />
        <button type="button" disabled={topics.isFetching} onClick={() => void topics.refetch()}>
          {topics.isFetching ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      <ErrorMessage error={topics.error} />
      {topics.isPending && <p className="note">Loading topics…</p>}
      {topics.data !== undefined && (
        <table className="table">
          <caption>
            {shown.length === all.length ? `${all.length} topics` : `${shown.length} of ${all.length} topics`}
          </caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col" className="num">Partitions</th>
              <th scope="col" className="num">Replication factor</th>
              <th scope="col">Internal</th>
            </tr>
          </thead>
          <tbody>
            {shown.length === 0 && (
              <tr>
                <td colSpan={4} className="empty">
                  {all.length === 0 ? 'This cluster has no topics yet.' : 'No topic matches the filter.'}
                </td>
              </tr>
            )}
            {shown.map((topic) => (
              <tr key={topic.name} data-testid="topic-row">
                <td className="mono">{topic.name}</td>
                <td className="num">{topic.partitions}</td>
                <td className="num">{topic.replicationFactor}</td>
                <td>{topic.internal ? 'yes' : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export function TopicsPage({ activeConnectionId }: { activeConnectionId: string | null }) {
  return (
    <section className="page" data-testid="topics-page">
      <h1>Topics</h1>
      {activeConnectionId === null ? (
        <p className="note">
          No active connection. Choose one in the top bar, or set one up on the <a href="#/cluster">Cluster</a> page.
        </p>
      ) : (
        <TopicTable key={activeConnectionId} connectionId={activeConnectionId} />
      )}
    </section>
  );
}
