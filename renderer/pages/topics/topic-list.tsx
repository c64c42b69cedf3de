import { useDeferredValue, useId, useState } from 'react';
import { useMethodQuery } from '../../api/use-method-query.js';
import { ErrorMessage } from '../../app/error-message.js';
import { CheckboxField } from '../../app/form-fields.js';
import { CreateTopicForm } from './create-topic-form.js';
import { topicHref } from './topic-route.js';

type SortKey = 'name' | 'partitions';
const MAX_ROWS = 500;

export function TopicList({ connectionId }: { connectionId: string }) {
  const [filter, setFilter] = useState('');
  const [showInternal, setShowInternal] = useState(false);
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'name', desc: false });
  const [creating, setCreating] = useState(false);
  const filterId = useId();
  const topics = useMethodQuery('topics:list', { connectionId, includeInternal: showInternal });
  // Typing stays responsive with thousands of topics: the table follows a deferred copy of the filter.
  const needle = useDeferredValue(filter.trim().toLowerCase());
  const all = topics.data ?? [];
  const shown = all
    .filter((topic) => topic.name.toLowerCase().includes(needle))
    .sort((a, b) => (sort.key === 'name' ? a.name.localeCompare(b.name) : a.partitions - b.partitions) * (sort.desc ? -1 : 1));
  const sortButton = (key: SortKey, label: string) => (
    <button type="button" className="link" onClick={() => { setSort((s) => ({ key, desc: s.key === key ? !s.desc : false })); }}>
      {label}{sort.key === key ? (sort.desc ? ' ▼' : ' ▲') : ''}
    </button>
  );

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
        <button type="button" onClick={() => { setCreating(true); }}>Create topic</button>
      </div>
      {creating && <CreateTopicForm connectionId={connectionId} onClose={() => { setCreating(false); }} />}
      <ErrorMessage error={topics.error} />
      {topics.isPending && <p className="note">Loading topics…</p>}
      {topics.data !== undefined && (
        <table className="table">
          <caption>
            {shown.length === all.length ? `${all.length} topics` : `${shown.length} of ${all.length} topics`}
            {shown.length > MAX_ROWS ? ` (first ${MAX_ROWS} shown; narrow the filter)` : ''}
          </caption>
          <thead>
            <tr>
              <th scope="col">{sortButton('name', 'Name')}</th>
              <th scope="col" className="num">{sortButton('partitions', 'Partitions')}</th>
              <th scope="col" className="num">Replication factor</th>
              <th scope="col">Internal</th>
            </tr>
          </thead>
          <tbody>
            {shown.length === 0 && (
              <tr>
                <td colSpan={4} className="empty">{all.length === 0 ? 'This cluster has no topics yet.' : 'No topic matches the filter.'}</td>
              </tr>
            )}
            {shown.slice(0, MAX_ROWS).map((topic) => (
              <tr key={topic.name} data-testid="topic-row">
                <td className="mono"><a href={topicHref(topic.name)}>{topic.name}</a></td>
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
