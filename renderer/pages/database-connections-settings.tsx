import { useState } from 'react';
import {
  DEFAULT_DATABASE_PORT,
  type DatabaseConnection,
  type DatabaseConnectionInput,
  type DatabaseEngine,
  type DatabaseTestResult,
} from '../../shared/databases.js';
import { useMethodMutation } from '../api/use-method-mutation.js';
import { useMethodQuery } from '../api/use-method-query.js';
import { ErrorMessage } from '../app/error-message.js';
import { CheckboxField, SelectField, TextField } from '../app/form-fields.js';

interface Values {
  name: string;
  engine: DatabaseEngine;
  host: string;
  port: string;
  database: string;
  user: string;
  password: string;
  tls: boolean;
  /** Cassandra only. */
  localDataCenter: string;
}

const ENGINES: readonly { value: DatabaseEngine; label: string }[] = [
  { value: 'postgres', label: 'PostgreSQL' },
  { value: 'cassandra', label: 'Cassandra' },
];

const empty: Values = {
  name: '',
  engine: 'postgres',
  host: '127.0.0.1',
  port: '5432',
  database: '',
  user: '',
  password: '',
  tls: false,
  localDataCenter: 'datacenter1',
};

function toValues(c: DatabaseConnection): Values {
  return {
    name: c.name,
    engine: c.engine,
    host: c.host,
    port: String(c.port),
    database: c.database,
    user: c.user,
    password: '',
    tls: c.tls.enabled,
    localDataCenter: c.localDataCenter ?? 'datacenter1',
  };
}

/** The form's values as the contract's input; an untouched password field keeps the stored one. */
function toInput(v: Values, editing: DatabaseConnection | undefined): DatabaseConnectionInput {
  return {
    ...(editing ? { id: editing.id } : {}),
    name: v.name,
    engine: v.engine,
    host: v.host,
    port: Number(v.port),
    database: v.database,
    user: v.user,
    tls: { enabled: v.tls, rejectUnauthorized: true },
    ...(v.engine === 'cassandra' ? { localDataCenter: v.localDataCenter } : {}),
    ...(v.password !== '' || !editing ? { password: v.password === '' ? null : v.password } : {}),
  };
}

function DatabaseTestOutcome({ result }: { result: DatabaseTestResult }) {
  return result.ok ? (
    <p className="success" role="status">
      Connected in {Math.round(result.latencyMs)} ms — {result.serverVersion}
    </p>
  ) : (
    <p className="error" role="alert">
      Cannot connect: {result.error ?? 'unknown error'}
    </p>
  );
}

function DatabaseConnectionForm({ editing, onDone }: { editing?: DatabaseConnection; onDone: () => void }) {
  const [values, setValues] = useState<Values>(() => (editing ? toValues(editing) : empty));
  const [result, setResult] = useState<DatabaseTestResult | null>(null);
  const save = useMethodMutation('databases:save', { invalidates: ['databases:list'], onSuccess: onDone });
  const test = useMethodMutation('databases:test', { onSuccess: setResult });
  const set =
    <K extends keyof Values>(key: K) =>
    (value: Values[K]) => {
      setValues((current) => ({ ...current, [key]: value }));
    };
  return (
    <form
      className="form"
      noValidate
      aria-label={editing ? `Edit database connection ${editing.name}` : 'New database connection'}
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate(toInput(values, editing));
      }}
    >
      <div className="inline-fields">
        <TextField label="Name" value={values.name} onChange={set('name')} required />
        <SelectField
          label="Database"
          value={values.engine}
          options={ENGINES}
          onChange={(engine) => {
            setValues((current) => ({ ...current, engine, port: String(DEFAULT_DATABASE_PORT[engine]) }));
          }}
        />
      </div>
      <div className="inline-fields">
        <TextField label="Host" value={values.host} onChange={set('host')} required />
        <TextField label="Port" type="number" value={values.port} onChange={set('port')} required />
        <TextField
          label={values.engine === 'cassandra' ? 'Keyspace' : 'Database name'}
          value={values.database}
          onChange={set('database')}
          required
        />
        {values.engine === 'cassandra' && (
          <TextField
            label="Local data centre"
            value={values.localDataCenter}
            onChange={set('localDataCenter')}
            hint="As nodetool status names it"
            required
          />
        )}
      </div>
      <div className="inline-fields">
        <TextField label="User" value={values.user} onChange={set('user')} required />
        <TextField
          label="Password"
          type="password"
          value={values.password}
          onChange={set('password')}
          {...(editing?.hasPassword === true ? { hint: 'Stored sealed; leave empty to keep it' } : {})}
        />
      </div>
      <CheckboxField label="TLS" checked={values.tls} onChange={set('tls')} />
      {result && <DatabaseTestOutcome result={result} />}
      <ErrorMessage error={test.error} prefix="Test failed" />
      <ErrorMessage error={save.error} prefix="Could not save" />
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save
        </button>
        <button
          type="button"
          disabled={test.isPending}
          onClick={() => {
            setResult(null);
            test.mutate({ connection: toInput(values, editing) });
          }}
        >
          {test.isPending ? 'Testing…' : 'Test connection'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Saved database connections of pipeline sinks (PostgreSQL, Cassandra): add, edit, test, remove. */
export function DatabaseConnectionsSettings() {
  const list = useMethodQuery('databases:list', undefined);
  const remove = useMethodMutation('databases:remove', { invalidates: ['databases:list'] });
  const [editor, setEditor] = useState<{ kind: 'closed' } | { kind: 'new' } | { kind: 'edit'; connection: DatabaseConnection }>({
    kind: 'closed',
  });
  return (
    <div className="connections" data-testid="database-connections">
      <ErrorMessage error={list.error} />
      {list.data?.length === 0 && <p className="note">No saved database connections yet.</p>}
      {list.data !== undefined && list.data.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Database</th>
              <th scope="col">Address</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((c) => (
              <tr key={c.id} data-testid="database-connection-row">
                <td>{c.name}</td>
                <td>{ENGINES.find((e) => e.value === c.engine)?.label}</td>
                <td className="mono">
                  {c.user}@{c.host}:{c.port}/{c.database}
                  {c.tls.enabled ? ' (TLS)' : ''}
                </td>
                <td>
                  <div className="actions compact">
                    <button
                      type="button"
                      onClick={() => {
                        setEditor({ kind: 'edit', connection: c });
                      }}
                    >
                      Edit
                    </button>
                    <button
                      type="button"
                      onClick={() => {
                        remove.mutate({ id: c.id });
                      }}
                    >
                      Remove
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ErrorMessage error={remove.error} prefix="Could not remove" />
      {editor.kind === 'closed' ? (
        <div className="actions">
          <button
            type="button"
            onClick={() => {
              setEditor({ kind: 'new' });
            }}
          >
            Add database connection
          </button>
        </div>
      ) : (
        <div className="panel inset">
          <h3>{editor.kind === 'new' ? 'New database connection' : `Edit ${editor.connection.name}`}</h3>
          <DatabaseConnectionForm
            key={editor.kind === 'new' ? 'new' : editor.connection.id}
            {...(editor.kind === 'edit' ? { editing: editor.connection } : {})}
            onDone={() => {
              setEditor({ kind: 'closed' });
            }}
          />
        </div>
      )}
    </div>
  );
}
