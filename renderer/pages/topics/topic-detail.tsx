import { useState } from 'react';
import { formatBytes } from '../../../shared/format.js';
import type { TopicDetail as Detail, TopicSize } from '../../../shared/topic-browser.js';
import { useMethodMutation } from '../../api/use-method-mutation.js';
import { useMethodQuery } from '../../api/use-method-query.js';
import { ErrorMessage } from '../../app/error-message.js';
import { TextField } from '../../app/form-fields.js';
import { ConsumersTab } from './consumers-tab.js';
import { MessagesTab } from './messages-tab.js';
import { topicHref } from './topic-route.js';

const tabs = ['Partitions', 'Configs', 'Messages', 'Consumers'] as const;
type Tab = (typeof tabs)[number];

function PartitionsTab({ detail, size }: { detail: Detail; size: TopicSize | undefined | null }) {
  const sizeOf = (partition: number) => size?.partitions.find((p) => p.partition === partition);
  return (
    <table className="table" data-testid="partitions-table">
      <caption>
        {detail.partitions.length} partitions · {detail.totalMessages} messages · {detail.underReplicated} under-replicated
      </caption>
      <thead>
        <tr>
          <th scope="col" className="num">
            Partition
          </th>
          <th scope="col" className="num">
            Leader
          </th>
          <th scope="col">Replicas</th>
          <th scope="col">In-sync replicas</th>
          <th scope="col" className="num">
            Low watermark
          </th>
          <th scope="col" className="num">
            High watermark
          </th>
          <th scope="col" className="num">
            Messages
          </th>
          <th scope="col" className="num">
            Size
          </th>
        </tr>
      </thead>
      <tbody>
        {detail.partitions.map((p) => (
          <tr key={p.partition} data-testid="partition-row" className={p.isr.length < p.replicas.length ? 'non-default' : undefined}>
            <td className="num">{p.partition}</td>
            <td className="num">{p.leader}</td>
            <td>{p.replicas.join(', ')}</td>
            <td>{p.isr.join(', ')}</td>
            <td className="num">{p.low}</td>
            <td className="num">{p.high}</td>
            <td className="num">{p.high - p.low}</td>
            <td
              className="num"
              data-col="size"
              title={
                sizeOf(p.partition)
                  ? `${sizeOf(p.partition)?.replicas ?? 0} replica(s), ${formatBytes(sizeOf(p.partition)?.allReplicasBytes ?? 0)} in all`
                  : undefined
              }
            >
              {size === undefined
                ? '…'
                : (() => {
                    const s = sizeOf(p.partition);
                    return s === undefined ? '—' : formatBytes(s.sizeBytes);
                  })()}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ConfigRow({ connectionId, topic, config }: { connectionId: string; topic: string; config: Detail['configs'][number] }) {
  const [editing, setEditing] = useState<string | null>(null);
  const alter = useMethodMutation('topics:alterConfig', {
    invalidates: ['topics:describe'],
    onSuccess: () => {
      setEditing(null);
    },
  });
  return (
    <tr className={config.isDefault ? undefined : 'non-default'} data-testid="config-row" data-config={config.name}>
      <td className="mono">{config.name}</td>
      <td className="mono">
        {editing === null ? (
          config.sensitive ? (
            '(hidden)'
          ) : (
            (config.value ?? '')
          )
        ) : (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              alter.mutate({ connectionId, topic, name: config.name, value: editing });
            }}
          >
            <input
              aria-label={`New value of ${config.name}`}
              value={editing}
              onChange={(event) => {
                setEditing(event.target.value);
              }}
            />
            <button type="submit" disabled={alter.isPending}>
              Save
            </button>
            <button
              type="button"
              onClick={() => {
                setEditing(null);
                alter.reset();
              }}
            >
              Cancel
            </button>
            <ErrorMessage error={alter.error} />
          </form>
        )}
      </td>
      <td>{config.isDefault ? 'default' : 'set on topic'}</td>
      <td>
        {!config.readOnly && !config.sensitive && editing === null && (
          <button
            type="button"
            onClick={() => {
              setEditing(config.value ?? '');
            }}
          >
            Edit
          </button>
        )}
        {!config.isDefault && !config.readOnly && editing === null && (
          <button
            type="button"
            onClick={() => {
              alter.mutate({ connectionId, topic, name: config.name, value: null });
            }}
          >
            Reset
          </button>
        )}
      </td>
    </tr>
  );
}

function ConfigsTab({ connectionId, detail }: { connectionId: string; detail: Detail }) {
  const overrides = detail.configs.filter((c) => !c.isDefault).length;
  return (
    <table className="table" data-testid="configs-table">
      <caption>
        {detail.configs.length} configs, {overrides} set on this topic (bold)
      </caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Value</th>
          <th scope="col">Source</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {detail.configs.map((c) => (
          <ConfigRow key={c.name} connectionId={connectionId} topic={detail.name} config={c} />
        ))}
      </tbody>
    </table>
  );
}

function DeleteTopic({ connectionId, topic }: { connectionId: string; topic: string }) {
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const remove = useMethodMutation('topics:delete', {
    invalidates: ['topics:list', 'topics:stats', 'cluster:overview'],
    onSuccess: () => {
      window.location.hash = topicHref(null);
    },
  });
  if (!open)
    return (
      <button
        type="button"
        className="danger"
        onClick={() => {
          setOpen(true);
        }}
      >
        Delete topic
      </button>
    );
  return (
    <form
      className="subpanel"
      aria-label="Delete topic"
      onSubmit={(event) => {
        event.preventDefault();
        if (typed === topic) remove.mutate({ connectionId, topic });
      }}
    >
      <p>
        Deleting removes every message of <strong className="mono">{topic}</strong>. Type the topic name to confirm.
      </p>
      <TextField label="Topic name to confirm" value={typed} onChange={setTyped} />
      <ErrorMessage error={remove.error} />
      <div className="actions">
        <button type="submit" className="danger" disabled={typed !== topic || remove.isPending}>
          Delete for good
        </button>
        <button
          type="button"
          onClick={() => {
            setOpen(false);
            setTyped('');
          }}
        >
          Cancel
        </button>
      </div>
    </form>
  );
}

function AddPartitions({ connectionId, detail }: { connectionId: string; detail: Detail }) {
  const [count, setCount] = useState('');
  const grow = useMethodMutation('topics:addPartitions', {
    invalidates: ['topics:describe', 'topics:list', 'topics:stats'],
    onSuccess: () => {
      setCount('');
    },
  });
  const n = Number(count);
  const error = count === '' || (Number.isInteger(n) && n > detail.partitions.length) ? undefined : `more than ${detail.partitions.length}`;
  return (
    <form
      className="inline-fields"
      aria-label="Add partitions"
      onSubmit={(event) => {
        event.preventDefault();
        if (count !== '' && error === undefined) grow.mutate({ connectionId, topic: detail.name, count: n });
      }}
    >
      <TextField label="New partition count" type="number" value={count} onChange={setCount} error={error} />
      <button type="submit" disabled={count === '' || error !== undefined || grow.isPending}>
        Add partitions
      </button>
      <ErrorMessage error={grow.error} />
    </form>
  );
}

export function TopicDetail({ connectionId, topic }: { connectionId: string; topic: string }) {
  const [tab, setTab] = useState<Tab>('Partitions');
  const detail = useMethodQuery('topics:describe', { connectionId, topic });
  const disk = useMethodQuery('cluster:diskUsage', { connectionId, topics: [topic] });
  const size = disk.isError ? null : disk.data === undefined ? undefined : (disk.data.topics.find((t) => t.topic === topic) ?? null);
  return (
    <div data-testid="topic-detail">
      <p>
        <a href={topicHref(null)}>← All topics</a>
      </p>
      <div className="page-header">
        <h2 className="mono">{topic}</h2>
        <button
          type="button"
          disabled={detail.isFetching}
          onClick={() => {
            void detail.refetch();
            void disk.refetch();
          }}
        >
          {detail.isFetching ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      <ErrorMessage error={detail.error} />
      {detail.data !== undefined && (
        <>
          <p className="note">
            {detail.data.partitions.length} partitions · replication factor {detail.data.replicationFactor} · {detail.data.totalMessages}{' '}
            messages
            {size ? ` · ${formatBytes(size.sizeBytes)} on disk (${formatBytes(size.allReplicasBytes)} with all replicas)` : ''}
          </p>
          <div className="toolbar">
            <AddPartitions connectionId={connectionId} detail={detail.data} />
            <DeleteTopic connectionId={connectionId} topic={topic} />
          </div>
          <div className="tabs" role="tablist">
            {tabs.map((t) => (
              <button
                key={t}
                type="button"
                role="tab"
                aria-selected={tab === t}
                onClick={() => {
                  setTab(t);
                }}
              >
                {t}
              </button>
            ))}
          </div>
          <div role="tabpanel" aria-label={tab}>
            {tab === 'Partitions' && <PartitionsTab detail={detail.data} size={size} />}
            {tab === 'Configs' && <ConfigsTab connectionId={connectionId} detail={detail.data} />}
            {tab === 'Messages' && <MessagesTab connectionId={connectionId} detail={detail.data} />}
            {tab === 'Consumers' && <ConsumersTab connectionId={connectionId} topic={topic} />}
          </div>
        </>
      )}
    </div>
  );
}
