import { useEffect, useState } from 'react';
import { describeZodError } from '../../shared/errors.js';
import { localClusterSettingsSchema } from '../../shared/local-cluster.js';
import { useMethodMutation } from '../api/use-method-mutation.js';
import { useMethodQuery } from '../api/use-method-query.js';
import { ErrorMessage } from '../app/error-message.js';
import { CheckboxField, TextField } from '../app/form-fields.js';

/** Settings → Local cluster: keep it running after quitting, and the Maven mirror its jars come from. */
export function LocalClusterSettingsForm() {
  const settings = useMethodQuery('local:settings', undefined);
  const save = useMethodMutation('local:saveSettings', { invalidates: ['local:settings'] });
  const [keepRunning, setKeepRunning] = useState(false);
  const [mirror, setMirror] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    if (settings.data === undefined) return;
    setKeepRunning(settings.data.keepRunning);
    setMirror(settings.data.mavenMirrorUrl ?? '');
  }, [settings.data]);

  const submit = () => {
    const parsed = localClusterSettingsSchema.safeParse({ keepRunning, mavenMirrorUrl: mirror.trim() === '' ? null : mirror });
    if (!parsed.success) {
      setError(describeZodError(parsed.error));
      return;
    }
    setError(undefined);
    save.mutate(parsed.data);
  };

  return (
    <div className="local-cluster-settings" data-testid="local-cluster-settings">
      <CheckboxField label="Keep the local cluster running after quitting" checked={keepRunning} onChange={setKeepRunning} />
      <TextField
        label="Maven mirror for Kafka's jars"
        type="url"
        value={mirror}
        onChange={setMirror}
        placeholder="https://repo1.maven.org/maven2/ (default)"
        hint="A Nexus or Artifactory proxy of Maven Central; every jar is still checked against its pinned SHA-256."
        error={error}
      />
      <div className="actions">
        <button type="button" disabled={save.isPending} onClick={submit}>
          Save local cluster settings
        </button>
      </div>
      <ErrorMessage error={settings.error} prefix="Settings unavailable" />
      <ErrorMessage error={save.error} prefix="Could not save" />
    </div>
  );
}
