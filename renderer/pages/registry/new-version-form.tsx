import { useState } from 'react';
import type { CompatibilityCheck, RegisteredVersion, RegistrySchemaType, SubjectVersion } from '../../../shared/registry.js';
import { useMethodMutation } from '../../api/use-method-mutation.js';
import { ErrorMessage } from '../../app/error-message.js';
import { SelectField, TextField } from '../../app/form-fields.js';

const types: readonly { value: RegistrySchemaType; label: string }[] = [
  { value: 'AVRO', label: 'Avro' },
  { value: 'PROTOBUF', label: 'Protobuf' },
  { value: 'JSON', label: 'JSON Schema' },
];

/**
 * "Register a new version": the pasted schema is first checked against the subject's latest version
 * (the registry's compatibility check), and only a schema the registry called compatible can be
 * registered, so the user sees the answer before anything changes.
 */
export function NewVersionForm({
  connectionId,
  subject,
  base,
  onRegistered,
}: {
  connectionId: string;
  subject: string;
  base: SubjectVersion;
  onRegistered: (registered: RegisteredVersion) => void;
}) {
  const [schemaType, setSchemaType] = useState<RegistrySchemaType>(base.schemaType);
  const [schema, setSchema] = useState('');
  /** The answer, kept with the text and type it was given for: editing either asks again. */
  const [checked, setChecked] = useState<{ schema: string; schemaType: RegistrySchemaType; answer: CompatibilityCheck } | null>(null);
  const check = useMethodMutation('registry:checkCompatibility', {
    onSuccess: (answer, input) => {
      setChecked({ schema: input.schema, schemaType: input.schemaType, answer });
    },
  });
  const register = useMethodMutation('registry:register', {
    invalidates: ['registry:subjects', 'registry:versions', 'registry:version'],
    onSuccess: onRegistered,
  });
  const current = checked !== null && checked.schema === schema && checked.schemaType === schemaType ? checked.answer : null;
  const input = { connectionId, subject, schemaType, schema };
  return (
    <form
      className="form registry-new-version"
      aria-label="Register a new version"
      onSubmit={(event) => {
        event.preventDefault();
        check.reset();
        register.reset();
        check.mutate(input);
      }}
    >
      <fieldset>
        <legend>Register a new version</legend>
        <SelectField label="Schema type" value={schemaType} options={types} onChange={setSchemaType} />
        <TextField
          label="New schema"
          multiline
          wide
          value={schema}
          onChange={setSchema}
          placeholder={`Paste the new ${types.find((t) => t.value === schemaType)?.label ?? ''} schema`}
          hint="Checked against the latest version under the subject’s compatibility level before it can be registered."
        />
        <div className="actions">
          <button type="submit" disabled={schema.trim() === '' || check.isPending}>
            {check.isPending ? 'Checking…' : 'Check compatibility'}
          </button>
          <button
            type="button"
            disabled={current?.compatible !== true || register.isPending}
            onClick={() => {
              register.mutate(input);
            }}
          >
            {register.isPending ? 'Registering…' : 'Register'}
          </button>
        </div>
        {current !== null && !register.isSuccess && (
          <div role="status" data-testid="compatibility-answer" data-compatible={current.compatible}>
            {current.compatible ? (
              <p className="success">Compatible with the latest version: it can be registered.</p>
            ) : (
              <p className="error">Not compatible with the latest version under the subject’s compatibility level.</p>
            )}
            {current.messages.length > 0 && (
              <ul className="registry-messages" aria-label="The registry’s messages">
                {current.messages.map((message) => (
                  <li key={message}>{message}</li>
                ))}
              </ul>
            )}
          </div>
        )}
        <ErrorMessage error={check.error ?? register.error} />
        {register.data !== undefined && (
          <p className="success" role="status" data-testid="registered">
            Registered version {register.data.version} (schema id {register.data.id}).
          </p>
        )}
      </fieldset>
    </form>
  );
}
