import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { S3Target } from '../../../shared/exports.js';
import { shownState, type Pipeline, type PipelineStatus } from '../../../shared/pipelines.js';
import { methodKey } from '../../api/query-keys.js';
import { useEvent } from '../../api/use-event.js';
import { useMethodMutation } from '../../api/use-method-mutation.js';
import { useMethodQuery } from '../../api/use-method-query.js';
import { ErrorMessage } from '../../app/error-message.js';
import { CheckboxField } from '../../app/form-fields.js';
import { emptyForm, pipelineToForm, sensorsPreset, wordCountPreset, type PipelineForm } from './pipeline-form-model.js';
import { PipelineFormView } from './pipeline-form.js';
import { PipelineStatusView, stateCountLabel } from './pipeline-status-view.js';
import { missingBucketTarget } from './missing-bucket.js';
import { ResultsTable, resultsCaption } from './results-table.js';
import { BatchReportPanel } from './batch-report-panel.js';
import { ConnectionRequired } from '../../app/connection-required.js';
import { PipelineRateCharts } from '../dashboard/live-rate-charts.js';
import { ClusterName } from '../cluster-name.js';

/** Each `pipelines:status` event replaces that pipeline's cached status; a results notice marks its pages stale. */
function useLivePipelines(): void {
  const queryClient = useQueryClient();
  useEvent('pipelines:status', (status: PipelineStatus) => {
    queryClient.setQueryData(methodKey('pipelines:status', { id: status.pipelineId }), status);
  });
  useEvent('pipelines:resultsChanged', (notice) => {
    void queryClient.invalidateQueries({
      predicate: (q) => q.queryKey[0] === 'pipelines:results' && (q.queryKey[1] as { id?: string } | null)?.id === notice.pipelineId,
    });
  });
}

const rate = (n: number) => `${n < 10 ? n.toFixed(1) : Math.round(n)}/s`;

/**
 * Delete asks inline. A scale-out pipeline's changelog topic (its window state and offsets) is
 * offered for deletion, on by default: left behind it would hold stale state that a new pipeline
 * with the same group id would resume from. The engine refuses while workers of the group still run.
 */
function DeleteConfirmation({
  pipeline,
  pending,
  onConfirm,
  onCancel,
}: {
  pipeline: Pipeline;
  pending: boolean;
  onConfirm: (deleteChangelog: boolean) => void;
  onCancel: () => void;
}) {
  const [withChangelog, setWithChangelog] = useState(true);
  return (
    <div className="panel" role="group" aria-label={`Delete ${pipeline.name}?`} data-testid="pipeline-delete-confirm">
      <p>
        Delete pipeline <strong>{pipeline.name}</strong> with its checkpoint and results in this app?
      </p>
      {pipeline.scaleOut && (
        <CheckboxField
          label={`also delete the state changelog topic (${pipeline.groupId}-state-changelog)`}
          checked={withChangelog}
          onChange={setWithChangelog}
        />
      )}
      <div className="actions compact">
        <button
          type="button"
          className="danger"
          disabled={pending}
          onClick={() => {
            onConfirm(pipeline.scaleOut && withChangelog);
          }}
        >
          Confirm delete
        </button>
        <button type="button" onClick={onCancel}>
          Keep
        </button>
      </div>
    </div>
  );
}

function PipelineRow({
  pipeline,
  selected,
  onSelect,
  onEdit,
}: {
  pipeline: Pipeline;
  selected: boolean;
  onSelect: () => void;
  onEdit: () => void;
}) {
  const id = pipeline.id;
  const status = useMethodQuery('pipelines:status', { id });
  const opts = { invalidates: ['pipelines:status'] as const };
  const start = useMethodMutation('pipelines:start', opts);
  const stop = useMethodMutation('pipelines:stop', opts);
  const remove = useMethodMutation('pipelines:remove', { invalidates: ['pipelines:list'] });
  const [confirming, setConfirming] = useState(false);
  const s = status.data;
  const state = s?.state ?? 'stopped';
  const shown = s ? shownState(s) : state;
  const active = state === 'running' || state === 'starting';
  const badTotal = s ? Object.values(s.badRecords).reduce((a, b) => a + b, 0) : 0;
  const lag = s ? s.lag.reduce((n, l) => n + l.lag, 0) : 0;
  const stateCount = stateCountLabel(pipeline.aggregation);
  return (
    <>
      <tr data-testid="pipeline-row" data-name={pipeline.name} data-state={state} className={selected ? 'selected' : undefined}>
        <td>
          <button type="button" className="link" onClick={onSelect} aria-pressed={selected}>
            {pipeline.name}
          </button>
        </td>
        <td className="mono">{pipeline.topics.join(', ')}</td>
        <td>
          <span
            className={`badge ${state === 'failed' ? 'badge-error' : shown === 'stalled' ? 'badge-stalled' : active ? 'badge-running' : ''}`}
            title={s?.error ?? undefined}
          >
            {shown}
          </span>
        </td>
        <td className="num" data-testid="pipeline-in">
          {s ? rate(s.recordsPerSecondIn) : '—'}
        </td>
        <td className="num">{s ? rate(s.rowsPerSecondOut) : '—'}</td>
        <td className="num" data-testid="pipeline-state-count" title={stateCount ?? 'No aggregation'}>
          {stateCount === null ? '—' : `${s?.openWindows ?? 0} ${stateCount === 'Groups' ? 'groups' : 'windows'}`}
        </td>
        <td className="num">{s?.lateRows ?? 0}</td>
        <td className="num">{badTotal}</td>
        <td className="num">{lag}</td>
        <td className="actions compact">
          {!active && (
            <button
              type="button"
              disabled={start.isPending}
              onClick={() => {
                start.mutate({ id });
              }}
              aria-label={`Start ${pipeline.name}`}
            >
              Start
            </button>
          )}
          {active && (
            <button
              type="button"
              disabled={stop.isPending}
              onClick={() => {
                stop.mutate({ id });
              }}
              aria-label={`Stop ${pipeline.name}`}
            >
              Stop
            </button>
          )}
          <button type="button" disabled={active} onClick={onEdit} aria-label={`Edit ${pipeline.name}`}>
            Edit
          </button>
          <button
            type="button"
            disabled={active || confirming}
            aria-label={`Delete ${pipeline.name}`}
            onClick={() => {
              setConfirming(true);
            }}
          >
            Delete
          </button>
        </td>
      </tr>
      {confirming && (
        <tr>
          <td colSpan={10}>
            <DeleteConfirmation
              pipeline={pipeline}
              pending={remove.isPending}
              onConfirm={(deleteChangelog) => {
                remove.mutate(
                  { id, deleteChangelog },
                  {
                    onSuccess: () => {
                      setConfirming(false);
                    },
                  },
                );
              }}
              onCancel={() => {
                setConfirming(false);
                remove.reset();
              }}
            />
          </td>
        </tr>
      )}
      {(start.error ?? stop.error ?? remove.error) && (
        <tr>
          <td colSpan={10}>
            <ErrorMessage error={start.error ?? stop.error ?? remove.error} />
          </td>
        </tr>
      )}
    </>
  );
}

/**
 * The button the stall message names ("create it (Create bucket)"): creates the missing bucket with the
 * sink's own endpoint and credentials; the sink's next retry (within 15 s) writes what waits.
 */
function CreateMissingBucket({ target }: { target: S3Target }) {
  const create = useMethodMutation('exports:createBucket');
  return (
    <div className="actions" data-testid="missing-bucket">
      <button
        type="button"
        disabled={create.isPending || create.isSuccess}
        onClick={() => {
          create.mutate(target);
        }}
      >
        Create bucket {target.bucket}
      </button>
      {create.isSuccess && (
        <p className="note" role="status">
          Bucket {target.bucket} {create.data.created ? 'created' : 'already exists'}; the waiting files are written at the next retry.
        </p>
      )}
      <ErrorMessage error={create.error} />
    </div>
  );
}

function PipelineDetail({ pipeline }: { pipeline: Pipeline }) {
  const status = useMethodQuery('pipelines:status', { id: pipeline.id });
  const missingBucket = missingBucketTarget(pipeline, status.data?.files);
  return (
    <section aria-label={`Pipeline ${pipeline.name}`}>
      <h2>{pipeline.name}</h2>
      {status.data && (
        <PipelineStatusView status={status.data} scaledOut={pipeline.scaleOut} aggregation={pipeline.aggregation}>
          {missingBucket !== null && <CreateMissingBucket key={missingBucket.bucket} target={missingBucket} />}
        </PipelineStatusView>
      )}
      <PipelineRateCharts connectionId={pipeline.connectionId} pipelineId={pipeline.id} />
      <ResultsTable
        pipelineId={pipeline.id}
        files={status.data?.files}
        caption={resultsCaption(pipeline.aggregation, pipeline.sinks.find((s) => s.kind === 'sqlite-table')?.table)}
      />
      <BatchReportPanel key={pipeline.id} pipeline={pipeline} />
    </section>
  );
}

function PipelineList({ connectionId, dataDir }: { connectionId: string; dataDir: string }) {
  useLivePipelines();
  const pipelines = useMethodQuery('pipelines:list', undefined);
  const [editing, setEditing] = useState<PipelineForm | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  if (editing !== null) {
    return (
      <PipelineFormView
        connectionId={connectionId}
        dataDir={dataDir}
        initial={editing}
        onDone={(id) => {
          setEditing(null);
          if (id !== null) setSelected(id);
        }}
      />
    );
  }
  const list = pipelines.data ?? [];
  const current = list.find((p) => p.id === selected) ?? null;
  return (
    <>
      <div className="toolbar">
        <button
          type="button"
          onClick={() => {
            setEditing(emptyForm());
          }}
        >
          New pipeline
        </button>
        <button
          type="button"
          onClick={() => {
            setEditing(sensorsPreset());
          }}
        >
          New from Sensor windows
        </button>
        <button
          type="button"
          onClick={() => {
            setEditing(wordCountPreset());
          }}
        >
          New from Word count
        </button>
      </div>
      <ErrorMessage error={pipelines.error} />
      {pipelines.isPending && <p className="note">Loading pipelines…</p>}
      <table className="table">
        <caption>{list.length} pipelines</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Topics</th>
            <th scope="col">State</th>
            <th scope="col" className="num">
              In
            </th>
            <th scope="col" className="num">
              Out
            </th>
            <th scope="col" className="num">
              Windows / groups
            </th>
            <th scope="col" className="num">
              Late
            </th>
            <th scope="col" className="num">
              Bad
            </th>
            <th scope="col" className="num">
              Lag
            </th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {list.length === 0 && (
            <tr>
              <td colSpan={10} className="empty">
                No pipelines yet: start from a preset or create one.
              </td>
            </tr>
          )}
          {list.map((p) => (
            <PipelineRow
              key={p.id}
              pipeline={p}
              selected={p.id === selected}
              onSelect={() => {
                setSelected(p.id);
              }}
              onEdit={() => {
                setEditing(pipelineToForm(p));
              }}
            />
          ))}
        </tbody>
      </table>
      {current !== null && <PipelineDetail key={current.id} pipeline={current} />}
    </>
  );
}

export function PipelinesPage({ activeConnectionId, dataDir }: { activeConnectionId: string | null; dataDir: string }) {
  return (
    <section className="page" data-testid="pipelines-page">
      <div className="page-header">
        <h1>Pipelines</h1>
        {activeConnectionId !== null && <ClusterName connectionId={activeConnectionId} />}
      </div>
      <ConnectionRequired connectionId={activeConnectionId}>
        {(id) => <PipelineList key={id} connectionId={id} dataDir={dataDir} />}
      </ConnectionRequired>
    </section>
  );
}
