import './registry.css';
import { useDeferredValue, useMemo, useState } from 'react';
import type { CompatibilityLevel } from '../../../shared/registry.js';
import { compatibilityLevelSchema } from '../../../shared/registry.js';
import { useMethodMutation } from '../../api/use-method-mutation.js';
import { useMethodQuery } from '../../api/use-method-query.js';
import { ConnectionRequired } from '../../app/connection-required.js';
import { ErrorMessage } from '../../app/error-message.js';
import { SelectField, TextField } from '../../app/form-fields.js';
import { ClusterName } from '../cluster-name.js';
import { NewVersionForm } from './new-version-form.js';

const levels = compatibilityLevelSchema.options.map((level) => ({ value: level, label: level }));

/** A compatibility level with a select to change it (global, or a subject's own). */
function CompatibilityControl({
  connectionId,
  subject,
  current,
  inherited,
  label,
}: {
  connectionId: string;
  subject?: string;
  /** The level set here; null when a subject has none of its own and follows `inherited`. */
  current: CompatibilityLevel | null;
  inherited: CompatibilityLevel;
  label: string;
}) {
  const set = useMethodMutation('registry:setCompatibility', { invalidates: ['registry:compatibility'] });
  return (
    <div className="toolbar registry-compat">
      <SelectField
        label={label}
        value={current ?? inherited}
        options={levels}
        onChange={(level) => {
          set.mutate(subject === undefined ? { connectionId, level } : { connectionId, subject, level });
        }}
        hint={set.isPending ? 'Saving…' : current === null ? 'Follows the global level' : undefined}
      />
      <ErrorMessage error={set.error} />
    </div>
  );
}

function SubjectList({
  connectionId,
  selected,
  onSelect,
}: {
  connectionId: string;
  selected: string | null;
  onSelect: (subject: string) => void;
}) {
  const [filter, setFilter] = useState('');
  const subjects = useMethodQuery('registry:subjects', { connectionId });
  const needle = useDeferredValue(filter.trim().toLowerCase());
  const shown = useMemo(() => (subjects.data ?? []).filter((s) => s.toLowerCase().includes(needle)), [subjects.data, needle]);
  return (
    <div className="panel" data-testid="registry-subjects">
      <div className="toolbar">
        <TextField label="Filter subjects" type="search" value={filter} onChange={setFilter} />
        <button type="button" onClick={() => void subjects.refetch()} disabled={subjects.isFetching}>
          {subjects.isFetching ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      <ErrorMessage error={subjects.error} />
      {subjects.isPending && !subjects.isError && <p className="note">Loading subjects…</p>}
      {subjects.data !== undefined && (
        <table className="table">
          <caption>
            {shown.length === subjects.data.length
              ? `${subjects.data.length} subjects`
              : `${shown.length} of ${subjects.data.length} subjects`}
          </caption>
          <thead>
            <tr>
              <th scope="col">Subject</th>
            </tr>
          </thead>
          <tbody>
            {shown.length === 0 && (
              <tr>
                <td className="empty">
                  {subjects.data.length === 0 ? 'The registry has no subjects yet.' : 'No subject matches the filter.'}
                </td>
              </tr>
            )}
            {shown.map((subject) => (
              <tr key={subject} data-testid="subject-row" data-subject={subject}>
                <td className="mono registry-subject">
                  <button
                    type="button"
                    className="link"
                    aria-current={subject === selected ? 'true' : undefined}
                    onClick={() => {
                      onSelect(subject);
                    }}
                  >
                    {subject}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function SubjectDetail({ connectionId, subject }: { connectionId: string; subject: string }) {
  const [chosen, setChosen] = useState<number | 'latest'>('latest');
  const versions = useMethodQuery('registry:versions', { connectionId, subject });
  const version = useMethodQuery('registry:version', { connectionId, subject, version: chosen });
  const compatibility = useMethodQuery('registry:compatibility', { connectionId, subject });
  const shown = version.data;
  return (
    <div className="panel" data-testid="registry-subject" data-subject={subject}>
      <h2 className="mono registry-title">{subject}</h2>
      <ErrorMessage error={versions.error ?? compatibility.error} />
      {compatibility.data !== undefined && (
        <CompatibilityControl
          connectionId={connectionId}
          subject={subject}
          current={compatibility.data.subject}
          inherited={compatibility.data.global}
          label="Subject compatibility"
        />
      )}
      {versions.data !== undefined && (
        <div className="toolbar registry-versions" role="group" aria-label="Versions">
          {versions.data.map((v) => (
            <button
              key={v}
              type="button"
              aria-pressed={shown?.version === v}
              onClick={() => {
                setChosen(v);
              }}
            >
              Version {v}
            </button>
          ))}
        </div>
      )}
      <ErrorMessage error={version.error} />
      {shown !== undefined && (
        <>
          <dl className="facts" data-testid="version-facts">
            <div className="fact">
              <dt>Version</dt>
              <dd data-testid="version-number">{shown.version}</dd>
            </div>
            <div className="fact">
              <dt>Schema id</dt>
              <dd data-testid="version-id">{shown.id}</dd>
            </div>
            <div className="fact">
              <dt>Type</dt>
              <dd>
                <span className="badge" data-testid="version-type">
                  {shown.schemaType}
                </span>
              </dd>
            </div>
            <div className="fact">
              <dt>References</dt>
              <dd data-testid="version-references">
                {shown.references.length === 0 ? 'none' : shown.references.map((r) => `${r.name} → ${r.subject} v${r.version}`).join(', ')}
              </dd>
            </div>
          </dl>
          <pre className="log-text registry-schema" data-testid="version-schema">
            {prettySchema(shown.schemaType, shown.schema)}
          </pre>
          <NewVersionForm
            key={`${subject}-${shown.id}`}
            connectionId={connectionId}
            subject={subject}
            base={shown}
            onRegistered={(registered) => {
              setChosen(registered.version);
            }}
          />
        </>
      )}
    </div>
  );
}

/** Avro and JSON Schema are JSON: shown indented; Protobuf as the registry stores it. */
export function prettySchema(type: string, schema: string): string {
  if (type === 'PROTOBUF') return schema;
  try {
    return JSON.stringify(JSON.parse(schema), null, 2);
  } catch {
    return schema;
  }
}

function RegistryBrowser({ connectionId }: { connectionId: string }) {
  const [selected, setSelected] = useState<string | null>(null);
  const compatibility = useMethodQuery('registry:compatibility', { connectionId });
  return (
    <>
      {compatibility.data !== undefined && (
        <CompatibilityControl
          connectionId={connectionId}
          current={compatibility.data.global}
          inherited={compatibility.data.global}
          label="Global compatibility"
        />
      )}
      <div className="columns registry-columns">
        <SubjectList connectionId={connectionId} selected={selected} onSelect={setSelected} />
        {selected === null ? (
          <p className="note">Choose a subject to see its versions and schemas.</p>
        ) : (
          <SubjectDetail key={selected} connectionId={connectionId} subject={selected} />
        )}
      </div>
    </>
  );
}

export function RegistryPage({ activeConnectionId }: { activeConnectionId: string | null }) {
  return (
    <section className="page" data-testid="registry-page">
      <div className="page-header">
        <h1>Schema registry</h1>
        {activeConnectionId !== null && <ClusterName connectionId={activeConnectionId} />}
      </div>
      <ConnectionRequired connectionId={activeConnectionId}>{(id) => <RegistryBrowser key={id} connectionId={id} />}</ConnectionRequired>
    </section>
  );
}
