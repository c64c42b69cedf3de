import { useMethodQuery } from '../../api/use-method-query.js';
import { CheckboxField, SelectField, TextField } from '../../app/form-fields.js';
import type { DatabaseSinkForm } from './pipeline-form-database-model.js';

/** The database sink: a saved PostgreSQL or Cassandra connection (Settings → Database connections), a table, its primary key. */
export function DatabaseSinkFields({
  value,
  onChange,
  error,
  aggregate,
}: {
  value: DatabaseSinkForm;
  onChange: (value: DatabaseSinkForm) => void;
  error: string | undefined;
  aggregate: boolean;
}) {
  const saved = useMethodQuery('databases:list', undefined);
  const set =
    <K extends keyof DatabaseSinkForm>(key: K) =>
    (v: DatabaseSinkForm[K]) => {
      onChange({ ...value, [key]: v });
    };
  const options = [
    { value: '', label: 'None' },
    ...(saved.data ?? []).map((c) => ({ value: c.id, label: `${c.name} (${c.engine === 'postgres' ? 'PostgreSQL' : 'Cassandra'})` })),
    ...(value.connectionId !== '' && !(saved.data ?? []).some((c) => c.id === value.connectionId)
      ? [{ value: value.connectionId, label: saved.data === undefined ? 'Saved connection…' : 'Removed connection: choose another' }]
      : []),
  ];
  return (
    <fieldset aria-label="Database">
      <legend>Database table</legend>
      <div className="inline-fields">
        <SelectField
          label="Database connection"
          value={value.connectionId}
          options={options}
          onChange={(connectionId) => {
            const engine = saved.data?.find((c) => c.id === connectionId)?.engine ?? value.engine;
            onChange({ ...value, connectionId, engine });
          }}
          hint="Saved under Settings → Database connections"
        />
        {value.connectionId !== '' && (
          <>
            <TextField label="Table" value={value.table} onChange={set('table')} />
            <TextField
              label="Primary key"
              value={value.primaryKey}
              onChange={set('primaryKey')}
              hint={aggregate ? 'Empty = window and group columns' : 'Column(s) whose value is unique; rows upsert by it'}
            />
          </>
        )}
      </div>
      {value.connectionId !== '' && (
        <CheckboxField
          label="Create the table from the projection if it does not exist"
          checked={value.createTable}
          onChange={set('createTable')}
        />
      )}
      {value.connectionId !== '' && (
        <p className="hint">
          {value.engine === 'cassandra'
            ? 'Effectively once for keyed tables: rows upsert by the primary key, and the offsets are stored after Cassandra acknowledged the rows, so a replay rewrites the same rows.'
            : 'Exactly once: the rows and the source offsets are written in one transaction.'}
        </p>
      )}
      {error !== undefined && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
