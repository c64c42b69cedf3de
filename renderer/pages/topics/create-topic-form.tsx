import { useState } from 'react';
import { useMethodMutation } from '../../api/use-method-mutation.js';
import { ErrorMessage } from '../../app/error-message.js';
import { TextField } from '../../app/form-fields.js';
import { topicNameSchema } from '../../../shared/topic-browser.js';
import { topicHref } from './topic-route.js';

/** "name=value" per line → config entries; returns an error line for anything else. */
export function parseConfigLines(text: string): { configs: { name: string; value: string }[]; error?: string } {
  const configs: { name: string; value: string }[] = [];
  for (const line of text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')) {
    const at = line.indexOf('=');
    if (at <= 0) return { configs, error: `"${line}" is not name=value` };
    configs.push({ name: line.slice(0, at).trim(), value: line.slice(at + 1).trim() });
  }
  return { configs };
}

export function CreateTopicForm({ connectionId, onClose }: { connectionId: string; onClose: () => void }) {
  const [name, setName] = useState('');
  const [partitions, setPartitions] = useState('1');
  const [replication, setReplication] = useState('');
  const [configText, setConfigText] = useState('');
  const create = useMethodMutation('topics:create', {
    invalidates: ['topics:list', 'topics:stats', 'cluster:overview'],
    onSuccess: (created) => {
      window.location.hash = topicHref(created.topic);
    },
  });
  const nameCheck = name === '' ? null : topicNameSchema.safeParse(name);
  const nameError = nameCheck && !nameCheck.success ? nameCheck.error.issues[0]?.message : undefined;
  const parsed = parseConfigLines(configText);
  const partitionCount = Number(partitions);
  const partitionsError = Number.isInteger(partitionCount) && partitionCount >= 1 ? undefined : 'a whole number ≥ 1';
  const rf = replication.trim() === '' ? -1 : Number(replication);
  const rfError = Number.isInteger(rf) && (rf === -1 || rf >= 1) ? undefined : 'a whole number ≥ 1 (empty = broker default)';
  const invalid =
    name === '' || nameError !== undefined || partitionsError !== undefined || rfError !== undefined || parsed.error !== undefined;

  return (
    <form
      className="subpanel form"
      aria-label="Create topic"
      onSubmit={(event) => {
        event.preventDefault();
        if (!invalid)
          create.mutate({ connectionId, topic: name, partitions: partitionCount, replicationFactor: rf, configs: parsed.configs });
      }}
    >
      <h2>Create topic</h2>
      <TextField label="Topic name" value={name} onChange={setName} error={nameError} required />
      <div className="inline-fields">
        <TextField label="Partitions" type="number" value={partitions} onChange={setPartitions} error={partitionsError} />
        <TextField
          label="Replication factor"
          type="number"
          value={replication}
          onChange={setReplication}
          error={rfError}
          placeholder="broker default"
        />
      </div>
      <TextField
        label="Configs (name=value per line)"
        multiline
        value={configText}
        onChange={setConfigText}
        error={parsed.error}
        placeholder="retention.ms=86400000"
      />
      <ErrorMessage error={create.error} />
      <div className="actions">
        <button type="submit" disabled={invalid || create.isPending}>
          {create.isPending ? 'Creating…' : 'Create'}
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}
