import { useState } from 'react';
import type { Connection, ConnectionTestResult } from '../../shared/connection.js';
import { useMethodMutation } from '../api/use-method-mutation.js';
import { ErrorMessage } from '../app/error-message.js';
import { CheckboxField, SelectField, TextField } from '../app/form-fields.js';
import {
  emptyConnectionForm,
  formFromConnection,
  formToInput,
  type ConnectionFormValues,
  type FieldErrors,
  type ParsedConnectionInput,
  type SaslChoice,
} from './connection-form-model.js';
import { TestResult } from './test-result.js';

const saslOptions: readonly { value: SaslChoice; label: string }[] = [
  { value: 'none', label: 'None' },
  { value: 'plain', label: 'PLAIN' },
  { value: 'scram-sha-256', label: 'SCRAM-SHA-256' },
  { value: 'scram-sha-512', label: 'SCRAM-SHA-512' },
];

interface ConnectionFormProps {
  /** The saved connection to edit; absent for a new one. */
  editing?: Connection;
  onSaved?: (connection: Connection) => void;
  onCancel?: () => void;
}

/** Add or edit a connection; validated with the shared schema before anything is sent. */
export function ConnectionForm({ editing, onSaved, onCancel }: ConnectionFormProps) {
  const [values, setValues] = useState<ConnectionFormValues>(() =>
    editing === undefined ? emptyConnectionForm : formFromConnection(editing),
  );
  const [errors, setErrors] = useState<FieldErrors>({});
  const [testResult, setTestResult] = useState<ConnectionTestResult | null>(null);
  const save = useMethodMutation('connections:save', {
    invalidates: ['connections:list', 'app:info'],
    onSuccess: (saved) => onSaved?.(saved),
  });
  const test = useMethodMutation('connections:test', { onSuccess: setTestResult });

  const set =
    <K extends keyof ConnectionFormValues>(key: K) =>
    (value: ConnectionFormValues[K]) => {
      setValues((current) => ({ ...current, [key]: value }));
    };
  const validated = (): ParsedConnectionInput | null => {
    const result = formToInput(values, editing);
    setErrors(result.ok ? {} : result.errors);
    return result.ok ? result.input : null;
  };

  return (
    <form
      className="form"
      noValidate
      aria-label={editing === undefined ? 'New connection' : `Edit connection ${editing.name}`}
      onSubmit={(event) => {
        event.preventDefault();
        const input = validated();
        if (input !== null) save.mutate(input);
      }}
    >
      <TextField label="Name" value={values.name} onChange={set('name')} error={errors.name} required />
      <TextField
        label="Bootstrap servers"
        value={values.bootstrapServers}
        onChange={set('bootstrapServers')}
        error={errors.bootstrapServers}
        placeholder="127.0.0.1:9092, broker2:9092"
        hint="host:port, separated by commas"
        required
      />
      <TextField
        label="Client id"
        value={values.clientId}
        onChange={set('clientId')}
        error={errors.clientId}
        placeholder="kafka-workbench"
      />

      <fieldset>
        <legend>SSL</legend>
        <CheckboxField label="Use SSL" checked={values.sslEnabled} onChange={set('sslEnabled')} />
        {values.sslEnabled && (
          <>
            <CheckboxField
              label="Verify the broker certificate"
              checked={values.sslRejectUnauthorized}
              onChange={set('sslRejectUnauthorized')}
            />
            <TextField
              label="CA certificate (PEM)"
              value={values.sslCa}
              onChange={set('sslCa')}
              error={errors.sslCa}
              multiline
              placeholder="-----BEGIN CERTIFICATE-----"
            />
          </>
        )}
      </fieldset>

      <fieldset>
        <legend>SASL</legend>
        <SelectField label="Mechanism" value={values.sasl} options={saslOptions} onChange={set('sasl')} />
        {values.sasl !== 'none' && (
          <>
            <TextField
              label="Username"
              value={values.saslUsername}
              onChange={set('saslUsername')}
              error={errors.saslUsername}
              autoComplete="username"
            />
            <TextField
              label="Password"
              type="password"
              value={values.password}
              onChange={set('password')}
              error={errors.password}
              autoComplete="new-password"
              hint={editing?.hasPassword === true ? 'Leave empty to keep the stored password' : undefined}
            />
            {editing?.hasPassword === true && (
              <CheckboxField label="Remove the stored password" checked={values.clearPassword} onChange={set('clearPassword')} />
            )}
          </>
        )}
      </fieldset>

      <TextField
        label="Schema Registry URL"
        type="url"
        value={values.schemaRegistryUrl}
        onChange={set('schemaRegistryUrl')}
        error={errors.schemaRegistryUrl}
        placeholder="http://localhost:8081 (optional)"
      />
      {values.schemaRegistryUrl.trim() !== '' && (
        <div className="inline-fields">
          <TextField
            label="Registry username (basic auth, optional)"
            value={values.schemaRegistryUsername}
            onChange={set('schemaRegistryUsername')}
            autoComplete="off"
          />
          {values.schemaRegistryUsername.trim() !== '' && (
            <TextField
              label="Registry password"
              type="password"
              value={values.schemaRegistryPassword}
              onChange={set('schemaRegistryPassword')}
              autoComplete="new-password"
              hint={editing?.hasSchemaRegistryPassword === true ? 'Leave empty to keep the stored password' : undefined}
            />
          )}
        </div>
      )}
      {errors.form !== undefined && (
        <p className="error" role="alert">
          {errors.form}
        </p>
      )}

      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save connection
        </button>
        <button
          type="button"
          disabled={test.isPending}
          onClick={() => {
            setTestResult(null);
            const input = validated();
            if (input !== null) test.mutate({ connection: input });
          }}
        >
          {test.isPending ? 'Testing…' : 'Test connection'}
        </button>
        {onCancel !== undefined && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
      {testResult !== null && <TestResult result={testResult} />}
      <ErrorMessage error={test.error} prefix="Test failed" />
      <ErrorMessage error={save.error} prefix="Could not save" />
    </form>
  );
}
