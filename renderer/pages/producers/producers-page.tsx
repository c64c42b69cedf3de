import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { formatBytes } from '../../../shared/format.js';
import type { ProducerStatus, ProducerView, Recipe } from '../../../shared/producers.js';
import { methodKey } from '../../api/query-keys.js';
import { useEvent } from '../../api/use-event.js';
import { useMethodMutation } from '../../api/use-method-mutation.js';
import { useMethodQuery } from '../../api/use-method-query.js';
import { ErrorMessage } from '../../app/error-message.js';
import { ProducerFormView } from './producer-form.js';
import { ConnectionRequired } from '../../app/connection-required.js';
import { ProducerRateCharts } from '../dashboard/live-rate-charts.js';
import { ClusterName } from '../cluster-name.js';

const recipes: readonly { recipe: Recipe; label: string }[] = [
  { recipe: 'sensors', label: 'Sensor simulator' },
  { recipe: 'iss', label: 'ISS tracker' },
  { recipe: 'randomUsers', label: 'Random users' },
];

/** Live status: each `producers:status` event replaces that producer's status in the cached list. */
function useLiveProducerStatus(): void {
  const queryClient = useQueryClient();
  useEvent('producers:status', (status: ProducerStatus) => {
    queryClient.setQueryData<ProducerView[]>(methodKey('producers:list', undefined), (list) =>
      list?.map((view) => (view.definition.id === status.id ? { ...view, status } : view)),
    );
  });
}

function ProducerRow({ view, onEdit }: { view: ProducerView; onEdit: () => void }) {
  const [showErrors, setShowErrors] = useState(false);
  const { definition, status } = view;
  const id = definition.id;
  const opts = { invalidates: ['producers:list'] as const };
  const start = useMethodMutation('producers:start', opts);
  const pause = useMethodMutation('producers:pause', opts);
  const stop = useMethodMutation('producers:stop', opts);
  const remove = useMethodMutation('producers:remove', opts);
  const active = status.state === 'running' || status.state === 'starting' || status.state === 'waiting' || status.state === 'paused';
  const badge = status.state === 'failed' ? 'badge-error' : active ? 'badge-running' : '';
  return (
    <>
      <tr data-testid="producer-row" data-name={definition.name} data-state={status.state}>
        <td>{definition.name}</td>
        <td className="mono">{definition.topic}</td>
        <td>{definition.source.kind}</td>
        <td>
          <span className={`badge ${badge}`} data-testid="producer-state">
            {status.state}
          </span>
        </td>
        <td className="num" data-testid="producer-sent">
          {status.sent}
        </td>
        <td className="num">{formatBytes(status.bytes)}</td>
        <td className="num">{status.rate}/s</td>
        <td className="num">
          {status.errors > 0 ? (
            <button
              type="button"
              className="link"
              onClick={() => {
                setShowErrors(!showErrors);
              }}
              aria-expanded={showErrors}
            >
              {status.errors}
            </button>
          ) : (
            0
          )}
        </td>
        <td className="actions">
          {status.state !== 'running' && status.state !== 'starting' && status.state !== 'waiting' && (
            <button
              type="button"
              onClick={() => {
                start.mutate({ id });
              }}
              aria-label={`Start ${definition.name}`}
            >
              {status.state === 'paused' ? 'Resume' : 'Start'}
            </button>
          )}
          {(status.state === 'running' || status.state === 'waiting') && (
            <button
              type="button"
              onClick={() => {
                pause.mutate({ id });
              }}
              aria-label={`Pause ${definition.name}`}
            >
              Pause
            </button>
          )}
          {active && (
            <button
              type="button"
              disabled={stop.isPending}
              onClick={() => {
                stop.mutate({ id });
              }}
              aria-label={`Stop ${definition.name}`}
            >
              {stop.isPending ? 'Stopping…' : 'Stop'}
            </button>
          )}
          <button type="button" onClick={onEdit} aria-label={`Edit ${definition.name}`}>
            Edit
          </button>
          <button
            type="button"
            disabled={active}
            onClick={() => {
              if (window.confirm(`Delete producer ${definition.name}?`)) remove.mutate({ id });
            }}
            aria-label={`Delete ${definition.name}`}
          >
            Delete
          </button>
        </td>
      </tr>
      {(status.lastError !== null || status.lastRecord !== null || start.error || stop.error) && (
        <tr className="producer-detail">
          <td colSpan={9}>
            <ErrorMessage error={start.error ?? pause.error ?? stop.error ?? remove.error} />
            {status.lastError !== null && (
              <p className="error" data-testid="producer-last-error">
                Last error: {status.lastError}
              </p>
            )}
            {status.lastRecord !== null && (
              <p className="note">
                Last record: <code className="mono">{status.lastRecord}</code>
              </p>
            )}
            {showErrors && (
              <ul className="delivery-errors" aria-label={`Delivery errors of ${definition.name}`}>
                {status.deliveryErrors.map((e) => (
                  <li key={`${e.at}-${e.message}`}>
                    <time dateTime={new Date(e.at).toISOString()}>{new Date(e.at).toLocaleTimeString()}</time> {e.message}
                  </li>
                ))}
              </ul>
            )}
          </td>
        </tr>
      )}
    </>
  );
}

function ProducerList({ connectionId }: { connectionId: string }) {
  useLiveProducerStatus();
  const producers = useMethodQuery('producers:list', undefined);
  const [editing, setEditing] = useState<ProducerView | 'new' | null>(null);
  const recipe = useMethodMutation('producers:recipe', { invalidates: ['producers:list', 'topics:list'] });

  if (editing !== null) {
    return (
      <ProducerFormView
        connectionId={connectionId}
        editing={editing === 'new' ? undefined : editing}
        onDone={() => {
          setEditing(null);
        }}
      />
    );
  }
  const list = producers.data ?? [];
  return (
    <>
      <div className="toolbar" aria-label="Recipes">
        <button
          type="button"
          onClick={() => {
            setEditing('new');
          }}
        >
          New producer
        </button>
        {recipes.map((r) => (
          <button
            key={r.recipe}
            type="button"
            disabled={recipe.isPending}
            onClick={() => {
              recipe.mutate({ connectionId, recipe: r.recipe });
            }}
          >
            {r.label}
          </button>
        ))}
      </div>
      <p className="hint">A recipe creates its scenario’s topic (with its partition count) and producer; start it from the list.</p>
      <ErrorMessage error={recipe.error ?? producers.error} />
      {producers.isPending && <p className="note">Loading producers…</p>}
      {producers.data !== undefined && (
        <table className="table">
          <caption>{list.length} producers</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Topic</th>
              <th scope="col">Source</th>
              <th scope="col">State</th>
              <th scope="col" className="num">
                Sent
              </th>
              <th scope="col" className="num">
                Bytes
              </th>
              <th scope="col" className="num">
                Rate
              </th>
              <th scope="col" className="num">
                Errors
              </th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {list.length === 0 && (
              <tr>
                <td colSpan={9} className="empty">
                  No producers yet: start from a recipe or create one.
                </td>
              </tr>
            )}
            {list.map((view) => (
              <ProducerRow
                key={view.definition.id}
                view={view}
                onEdit={() => {
                  setEditing(view);
                }}
              />
            ))}
          </tbody>
        </table>
      )}
      <ProducerRateCharts connectionId={connectionId} names={new Map(list.map((v) => [v.definition.id, v.definition.name]))} />
    </>
  );
}

export function ProducersPage({ activeConnectionId }: { activeConnectionId: string | null }) {
  return (
    <section className="page" data-testid="producers-page">
      <div className="page-header">
        <h1>Producers</h1>
        {activeConnectionId !== null && <ClusterName connectionId={activeConnectionId} />}
      </div>
      <ConnectionRequired connectionId={activeConnectionId}>{(id) => <ProducerList key={id} connectionId={id} />}</ConnectionRequired>
    </section>
  );
}
