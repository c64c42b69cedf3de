import { useState } from 'react';
import type { AppInfo } from '../../../shared/app.js';
import { useMethodMutation } from '../../api/use-method-mutation.js';
import { useMethodQuery } from '../../api/use-method-query.js';
import { ErrorMessage } from '../../app/error-message.js';
import { TextField } from '../../app/form-fields.js';

const blank = { name: '', accessKeyId: '', secretAccessKey: '', sessionToken: '' };

/**
 * Saved S3 credentials: stored encrypted by the engine (safeStorage, or the key file in serve mode);
 * the page only ever sees a name and a masked access key id.
 */
export function S3CredentialsPanel({ info }: { info: AppInfo }) {
  const list = useMethodQuery('exports:listCredentials', undefined);
  const save = useMethodMutation('exports:saveCredentials', {
    invalidates: ['exports:listCredentials'],
    onSuccess: () => {
      setForm(blank);
    },
  });
  const remove = useMethodMutation('exports:removeCredentials', { invalidates: ['exports:listCredentials'] });
  const [form, setForm] = useState(blank);
  const saved = list.data ?? [];
  return (
    <section aria-label="S3 credentials">
      <h2>S3 credentials</h2>
      <p className="note">{info.secretStorage.description}</p>
      <ErrorMessage error={list.error} />
      <table className="table" data-testid="s3-credentials">
        <caption>{saved.length} saved</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Access key id</th>
            <th scope="col">Session token</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {saved.length === 0 && (
            <tr>
              <td colSpan={4} className="empty">
                None saved; exports and pipelines use the default AWS chain.
              </td>
            </tr>
          )}
          {saved.map((c) => (
            <tr key={c.id}>
              <td>{c.name}</td>
              <td>{c.accessKeyHint}</td>
              <td>{c.hasSessionToken ? 'yes' : 'no'}</td>
              <td>
                <button
                  type="button"
                  disabled={remove.isPending}
                  onClick={() => {
                    remove.mutate({ id: c.id });
                  }}
                >
                  Forget
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ErrorMessage error={remove.error} />
      <form
        className="form"
        aria-label="Save S3 credentials"
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate({
            name: form.name,
            accessKeyId: form.accessKeyId,
            secretAccessKey: form.secretAccessKey,
            ...(form.sessionToken !== '' ? { sessionToken: form.sessionToken } : {}),
          });
        }}
      >
        <TextField
          label="Name"
          value={form.name}
          onChange={(v) => {
            setForm((f) => ({ ...f, name: v }));
          }}
          placeholder="e.g. MinIO on the lab server"
        />
        <TextField
          label="Access key id"
          value={form.accessKeyId}
          onChange={(v) => {
            setForm((f) => ({ ...f, accessKeyId: v }));
          }}
          autoComplete="off"
        />
        <TextField
          label="Secret access key"
          type="password"
          value={form.secretAccessKey}
          onChange={(v) => {
            setForm((f) => ({ ...f, secretAccessKey: v }));
          }}
          autoComplete="off"
        />
        <TextField
          label="Session token"
          type="password"
          value={form.sessionToken}
          onChange={(v) => {
            setForm((f) => ({ ...f, sessionToken: v }));
          }}
          hint="Only for temporary (STS) credentials."
          autoComplete="off"
        />
        <ErrorMessage error={save.error} />
        <div className="actions">
          <button type="submit" disabled={save.isPending || form.name === '' || form.accessKeyId === '' || form.secretAccessKey === ''}>
            {save.isPending ? 'Saving…' : 'Save credentials'}
          </button>
        </div>
      </form>
    </section>
  );
}
