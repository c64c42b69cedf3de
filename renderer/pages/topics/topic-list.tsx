import { useDeferredValue, useMemo, useState } from 'react';
import { formatBytes } from '../../../shared/format.js';
import type { TopicSize, TopicStats } from '../../../shared/topic-browser.js';
import { useMethodQuery } from '../../api/use-method-query.js';
import { ErrorMessage } from '../../app/error-message.js';
import { CheckboxField, TextField } from '../../app/form-fields.js';
import { CreateTopicForm } from './create-topic-form.js';
import { topicHref } from './topic-route.js';

type SortKey = 'name' | 'partitions' | 'underReplicated' | 'messages' | 'size';
/** Rows rendered at once; the caption says when more match (filter to narrow). */
export const MAX_ROWS = 500;

interface Row {
  name: string;
  partitions: number;
  replicationFactor: number;
  internal: boolean;
  stats: TopicStats | undefined;
  size: TopicSize | undefined;
}

const sorters: Record<SortKey, (a: Row, b: Row) => number> = {
  name: (a, b) => a.name.localeCompare(b.name),
  partitions: (a, b) => a.partitions - b.partitions,
  underReplicated: (a, b) => (a.stats?.underReplicated ?? -1) - (b.stats?.underReplicated ?? -1),
  messages: (a, b) => (a.stats?.totalMessages ?? -1) - (b.stats?.totalMessages ?? -1),
  size: (a, b) => (a.size?.sizeBytes ?? -1) - (b.size?.sizeBytes ?? -1),
};

export function TopicList({ connectionId }: { connectionId: string }) {
  const [filter, setFilter] = useState('');
  const [showInternal, setShowInternal] = useState(false);
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'name', desc: false });
  const [creating, setCreating] = useState(false);
  // Names come from metadata (fast); counts need ListOffsets and arrive separately, so the list
  // shows at once and a refresh keeps the old rows on screen until the new ones are in.
  const topics = useMethodQuery('topics:list', { connectionId, includeInternal: showInternal });
  const stats = useMethodQuery('topics:stats', { connectionId, includeInternal: showInternal });
  // Size on disk (DescribeLogDirs, one request per broker) arrives on its own; the list never waits for it.
  const sizes = useMethodQuery('cluster:diskUsage', { connectionId });
  // Typing stays responsive with thousands of topics: the table follows a deferred copy of the filter.
  const needle = useDeferredValue(filter.trim().toLowerCase());
  const all = useMemo(() => {
    const byName = new Map((stats.data?.topics ?? []).map((s) => [s.name, s]));
    const sizeByName = new Map((sizes.data?.topics ?? []).map((s) => [s.topic, s]));
    return (topics.data ?? []).map((t): Row => ({ ...t, stats: byName.get(t.name), size: sizeByName.get(t.name) }));
  }, [topics.data, stats.data, sizes.data]);
  const shown = useMemo(() => {
    const sorter = sorters[sort.key];
    return all
      .filter((t) => t.name.toLowerCase().includes(needle))
      .sort((a, b) => sorter(a, b) * (sort.desc ? -1 : 1) || a.name.localeCompare(b.name));
  }, [all, needle, sort]);
  const refreshing = topics.isFetching || stats.isFetching || sizes.isFetching;
  const sortButton = (key: SortKey, label: string) => (
    <button
      type="button"
      className="link"
      onClick={() => {
        setSort((s) => ({ key, desc: s.key === key ? !s.desc : key !== 'name' }));
      }}
    >
      {label}
      {sort.key === key ? (sort.desc ? ' ▼' : ' ▲') : ''}
    </button>
  );

  return (
    <>
      <div className="toolbar">
        <TextField label="Filter by name" type="search" value={filter} onChange={setFilter} />
        <CheckboxField label="Show internal topics" checked={showInternal} onChange={setShowInternal} />
        <button
          type="button"
          disabled={refreshing}
          onClick={() => {
            void topics.refetch();
            void stats.refetch();
            void sizes.refetch();
          }}
        >
          {refreshing ? 'Refreshing…' : 'Refresh'}
        </button>
        <button
          type="button"
          onClick={() => {
            setCreating(true);
          }}
        >
          Create topic
        </button>
      </div>
      {creating && (
        <CreateTopicForm
          connectionId={connectionId}
          onClose={() => {
            setCreating(false);
          }}
        />
      )}
      <ErrorMessage error={topics.error ?? stats.error} />
      {stats.data?.offsetsError !== undefined && <p className="note warning">{stats.data.offsetsError}</p>}
      {topics.isPending && <p className="note">Loading topics…</p>}
      {topics.data !== undefined && (
        <table className="table" data-testid="topic-table" data-stats={stats.data === undefined ? 'loading' : 'ready'}>
          <caption>
            {shown.length === all.length ? `${all.length} topics` : `${shown.length} of ${all.length} topics`}
            {shown.length > MAX_ROWS ? ` (first ${MAX_ROWS} shown; narrow the filter)` : ''}
            {stats.data !== undefined ? ` · counts read in ${stats.data.tookMs} ms` : ' · reading counts…'}
            {sizes.isError
              ? ` · sizes unavailable: ${sizes.error.message}`
              : sizes.data === undefined
                ? ' · reading sizes…'
                : ' · size = one copy of each partition on disk'}
          </caption>
          <thead>
            <tr>
              <th scope="col">{sortButton('name', 'Name')}</th>
              <th scope="col" className="num">
                {sortButton('partitions', 'Partitions')}
              </th>
              <th scope="col" className="num">
                Replication factor
              </th>
              <th scope="col" className="num">
                {sortButton('underReplicated', 'Under-replicated')}
              </th>
              <th scope="col" className="num">
                In-sync replicas
              </th>
              <th scope="col" className="num">
                {sortButton('messages', 'Messages')}
              </th>
              <th scope="col" className="num">
                {sortButton('size', 'Size')}
              </th>
              <th scope="col">Internal</th>
            </tr>
          </thead>
          <tbody>
            {shown.length === 0 && (
              <tr>
                <td colSpan={8} className="empty">
                  {all.length === 0 ? 'This cluster has no topics yet.' : 'No topic matches the filter.'}
                </td>
              </tr>
            )}
            {shown.slice(0, MAX_ROWS).map((topic) => (
              <tr key={topic.name} data-testid="topic-row" data-topic={topic.name}>
                <td className="mono">
                  <a href={topicHref(topic.name)}>{topic.name}</a>
                </td>
                <td className="num">{topic.partitions}</td>
                <td className="num">{topic.replicationFactor}</td>
                <td className={`num${(topic.stats?.underReplicated ?? 0) > 0 ? ' topic-urp' : ''}`} data-col="urp">
                  {topic.stats?.underReplicated ?? '…'}
                </td>
                <td className="num" data-col="isr">
                  {topic.stats ? `${topic.stats.inSyncReplicas} / ${topic.stats.replicas}` : '…'}
                </td>
                <td className="num" data-col="messages">
                  {topic.stats ? (topic.stats.totalMessages?.toLocaleString('en-US') ?? '—') : '…'}
                </td>
                <td
                  className="num"
                  data-col="size"
                  title={topic.size ? `${topic.size.allReplicasBytes.toLocaleString('en-US')} bytes with all replicas` : undefined}
                >
                  {topic.size ? formatBytes(topic.size.sizeBytes) : sizes.data === undefined && !sizes.isError ? '…' : '—'}
                </td>
                <td>{topic.internal ? 'yes' : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
