import { useState } from 'react';
import { useMethodMutation } from '../../api/use-method-mutation.js';
import { useMethodQuery } from '../../api/use-method-query.js';
import { ErrorMessage } from '../../app/error-message.js';
import { SelectField, TextField } from '../../app/form-fields.js';

type ResetKind = 'earliest' | 'latest' | 'timestamp' | 'offset';
const resetOptions = [
  { value: 'earliest', label: 'Earliest' },
  { value: 'latest', label: 'Latest' },
  { value: 'timestamp', label: 'Timestamp' },
  { value: 'offset', label: 'Offset' },
] as const;

function GroupDetail({ connectionId, groupId, topic }: { connectionId: string; groupId: string; topic: string }) {
  const detail = useMethodQuery('groups:describe', { connectionId, groupId }, { refetchInterval: 5_000 });
  const [kind, setKind] = useState<ResetKind>('earliest');
  const [value, setValue] = useState('');
  const reset = useMethodMutation('groups:resetOffsets', { invalidates: ['groups:describe'] });
  const remove = useMethodMutation('groups:delete', { invalidates: ['groups:list'] });
  const to =
    kind === 'timestamp'
      ? { kind, timestamp: Date.parse(value) }
      : kind === 'offset'
        ? { kind, offset: Number(value), partition: null }
        : { kind };
  const valueError =
    (kind === 'timestamp' && Number.isNaN(Date.parse(value))) || (kind === 'offset' && !/^\d+$/.test(value.trim()))
      ? 'required'
      : undefined;
  const rows = (detail.data?.offsets ?? []).filter((o) => o.topic === topic);
  return (
    <div className="subpanel" data-testid="group-detail">
      <h3 className="mono">{groupId}</h3>
      <ErrorMessage error={detail.error} />
      {detail.data !== undefined && (
        <>
          <p className="note">
            State {detail.data.state} · {detail.data.members.length} member(s) · protocol {detail.data.protocol || '—'} · total lag on this
            topic <strong data-testid="group-lag">{rows.reduce((s, o) => s + (o.lag ?? 0), 0)}</strong>
          </p>
          <table className="table">
            <thead>
              <tr>
                <th scope="col" className="num">
                  Partition
                </th>
                <th scope="col" className="num">
                  Committed
                </th>
                <th scope="col" className="num">
                  Log end
                </th>
                <th scope="col" className="num">
                  Lag
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((o) => (
                <tr key={o.partition} data-testid="group-offset-row">
                  <td className="num">{o.partition}</td>
                  <td className="num">{o.committed ?? '—'}</td>
                  <td className="num">{o.logEnd}</td>
                  <td className="num">{o.lag ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {detail.data.members.length > 0 && (
            <ul>
              {detail.data.members.map((m) => (
                <li key={m.memberId} className="mono">
                  {m.clientId} @ {m.host}: {m.assignments.map((a) => `${a.topic}[${a.partitions.join(',')}]`).join(' ')}
                </li>
              ))}
            </ul>
          )}
          {detail.data.pipelines.map((p) => (
            // docs/GUARANTEES.md (Pipelines): a pipeline resumes from its own stored offsets.
            <p key={p.id} className="note" data-testid="group-pipeline">
              {p.followsReset ? (
                <>
                  This group belongs to the pipeline <strong>{p.name}</strong>. It resumes from its own checkpoint, not from the offsets
                  above; a reset here moves its checkpoint too (stop the pipeline first).
                </>
              ) : (
                <>
                  This group belongs to the scale-out pipeline <strong>{p.name}</strong>. Its changelog topic is where it resumes: a reset
                  here does not move it.
                </>
              )}
            </p>
          ))}
        </>
      )}
      <form
        className="inline-fields"
        aria-label="Reset offsets"
        onSubmit={(event) => {
          event.preventDefault();
          if (valueError === undefined) reset.mutate({ connectionId, groupId, topic, to });
        }}
      >
        <SelectField label="Reset offsets to" value={kind} options={resetOptions} onChange={setKind} />
        {kind === 'timestamp' && <TextField label="Time (e.g. 2024-01-01T00:00:00Z)" value={value} onChange={setValue} />}
        {kind === 'offset' && <TextField label="Offset (all partitions)" type="number" value={value} onChange={setValue} />}
        <button type="submit" disabled={valueError !== undefined || reset.isPending}>
          Reset offsets
        </button>
        <button
          type="button"
          className="danger"
          onClick={() => {
            remove.mutate({ connectionId, groupId });
          }}
        >
          Delete group
        </button>
      </form>
      {reset.isSuccess && (
        <p className="success" role="status">
          Offsets reset on {reset.data.partitions} partition(s).
          {reset.data.pipelines.length > 0 && (
            <> The checkpoint of the pipeline {reset.data.pipelines.join(', ')} moved with them: it reads from there at its next start.</>
          )}
        </p>
      )}
      <ErrorMessage error={reset.error} />
      <ErrorMessage error={remove.error} />
    </div>
  );
}

export function ConsumersTab({ connectionId, topic }: { connectionId: string; topic: string }) {
  const groups = useMethodQuery('groups:list', { connectionId, topic });
  const [open, setOpen] = useState<string | null>(null);
  return (
    <div data-testid="consumers-tab">
      <ErrorMessage error={groups.error} />
      {groups.data?.length === 0 && <p className="note">No consumer group has read this topic.</p>}
      <ul>
        {(groups.data ?? []).map((g) => (
          <li key={g.groupId}>
            <button
              type="button"
              className="link mono"
              onClick={() => {
                setOpen(open === g.groupId ? null : g.groupId);
              }}
            >
              {g.groupId}
            </button>{' '}
            <span className="badge">{g.state}</span>
          </li>
        ))}
      </ul>
      {open !== null && <GroupDetail key={open} connectionId={connectionId} groupId={open} topic={topic} />}
    </div>
  );
}
