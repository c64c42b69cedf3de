import { useState } from 'react';
import { encodeError, encoderIds, type EncoderId } from '../../../shared/topic-browser/encoders.js';
import { decoderLabels } from '../../../shared/topic-browser/decoders.js';
import { useMethodMutation } from '../../api/use-method-mutation.js';
import { ErrorMessage } from '../../app/error-message.js';
import { CheckboxField, SelectField, TextField } from '../../app/form-fields.js';

export interface ProduceDraft {
  key: string | null;
  value: string | null;
  keyEncoder: EncoderId;
  valueEncoder: EncoderId;
  headers: string;
  partition: string;
  /**
   * Registry encoders (avro, protobuf, jsonschema): the subject (default <topic>-key|value); Avro an
   * optional schema to register; Protobuf and JSON Schema a version (default latest); Protobuf the
   * message type (default the schema's first message).
   */
  keyRegistry?: RegistryDraft;
  valueRegistry?: RegistryDraft;
}

interface RegistryDraft {
  subject?: string | undefined;
  schema?: string | undefined;
  version?: string | undefined;
  message?: string | undefined;
}

const isRegistryEncoder = (encoder: EncoderId) => encoder === 'avro' || encoder === 'protobuf' || encoder === 'jsonschema';

function registryOf(encoder: EncoderId, d: RegistryDraft): { subject?: string; schema?: string; version?: number; message?: string } {
  const version = Number(d.version?.trim());
  return {
    ...(d.subject?.trim() ? { subject: d.subject.trim() } : {}),
    ...(encoder === 'avro' && d.schema?.trim() ? { schema: d.schema } : {}),
    ...(encoder !== 'avro' && d.version?.trim() && Number.isInteger(version) ? { version } : {}),
    ...(encoder === 'protobuf' && d.message?.trim() ? { message: d.message.trim() } : {}),
  };
}

/** The version field's error: a whole number from 1, or empty for the latest. */
function versionError(encoder: EncoderId, version: string | undefined): string | null {
  if (encoder === 'avro' || !version?.trim()) return null;
  const n = Number(version.trim());
  return Number.isInteger(n) && n >= 1 ? null : 'a version number from 1, or empty for the latest';
}

function RegistryFields({
  which,
  topic,
  encoder,
  draft,
  onChange,
}: {
  which: 'Key' | 'Value';
  topic: string;
  encoder: EncoderId;
  draft: RegistryDraft;
  onChange: (patch: RegistryDraft) => void;
}) {
  return (
    <div className="inline-fields">
      <TextField
        label={`${which} subject`}
        value={draft.subject ?? ''}
        placeholder={`${topic}-${which.toLowerCase()}`}
        onChange={(subject) => {
          onChange({ subject });
        }}
      />
      {encoder === 'avro' ? (
        <TextField
          label={`${which} Avro schema (JSON; empty = the subject's latest)`}
          multiline
          value={draft.schema ?? ''}
          onChange={(schema) => {
            onChange({ schema });
          }}
        />
      ) : (
        <TextField
          label={`${which} version`}
          value={draft.version ?? ''}
          placeholder="latest"
          onChange={(version) => {
            onChange({ version });
          }}
          error={versionError(encoder, draft.version) ?? undefined}
        />
      )}
      {encoder === 'protobuf' && (
        <TextField
          label={`${which} message type`}
          value={draft.message ?? ''}
          placeholder="the schema's first message"
          onChange={(message) => {
            onChange({ message });
          }}
        />
      )}
    </div>
  );
}

export const emptyDraft: ProduceDraft = { key: '', value: '', keyEncoder: 'string', valueEncoder: 'json', headers: '', partition: '' };
const encoderOptions = encoderIds.map((id) => ({ value: id, label: decoderLabels[id] }));

function parseHeaders(text: string): { headers: { key: string; value: string }[]; error?: string } {
  const headers: { key: string; value: string }[] = [];
  for (const line of text.split('\n').filter((l) => l.trim() !== '')) {
    const at = line.indexOf('=');
    if (at <= 0) return { headers, error: `"${line}" is not name=value` };
    headers.push({ key: line.slice(0, at).trim(), value: line.slice(at + 1) });
  }
  return { headers };
}

export function ProduceForm({
  connectionId,
  topic,
  partitions,
  initial,
  onProduced,
}: {
  connectionId: string;
  topic: string;
  partitions: number;
  initial: ProduceDraft;
  onProduced: () => void;
}) {
  const [draft, setDraft] = useState<ProduceDraft>(initial);
  const set = (patch: Partial<ProduceDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
  };
  const produce = useMethodMutation('messages:produce', { invalidates: ['topics:describe'], onSuccess: onProduced });
  const keyError = draft.key === null ? null : encodeError(draft.key, draft.keyEncoder);
  const valueError = draft.value === null ? null : encodeError(draft.value, draft.valueEncoder);
  const headers = parseHeaders(draft.headers);
  const partition = draft.partition.trim() === '' ? null : Number(draft.partition);
  const partitionError =
    partition === null || (Number.isInteger(partition) && partition >= 0 && partition < partitions)
      ? undefined
      : `0 to ${partitions - 1}, or empty for auto`;
  const keyRegistry = draft.keyRegistry ?? {};
  const valueRegistry = draft.valueRegistry ?? {};
  const invalid =
    keyError !== null ||
    valueError !== null ||
    headers.error !== undefined ||
    partitionError !== undefined ||
    versionError(draft.keyEncoder, keyRegistry.version) !== null ||
    versionError(draft.valueEncoder, valueRegistry.version) !== null;
  return (
    <form
      className="subpanel form"
      aria-label="Produce message"
      onSubmit={(event) => {
        event.preventDefault();
        if (invalid) return;
        produce.mutate({
          connectionId,
          topic,
          partition,
          key:
            draft.key === null
              ? null
              : {
                  text: draft.key,
                  encoder: draft.keyEncoder,
                  ...(isRegistryEncoder(draft.keyEncoder) ? { avro: registryOf(draft.keyEncoder, keyRegistry) } : {}),
                },
          value:
            draft.value === null
              ? null
              : {
                  text: draft.value,
                  encoder: draft.valueEncoder,
                  ...(isRegistryEncoder(draft.valueEncoder) ? { avro: registryOf(draft.valueEncoder, valueRegistry) } : {}),
                },
          headers: headers.headers,
        });
      }}
    >
      <h3>
        Produce a message to <span className="mono">{topic}</span>
      </h3>
      <div className="inline-fields">
        <CheckboxField
          label="Null key"
          checked={draft.key === null}
          onChange={(on) => {
            set({ key: on ? null : '' });
          }}
        />
        {draft.key !== null && (
          <TextField
            label="Key"
            value={draft.key}
            onChange={(key) => {
              set({ key });
            }}
            error={keyError ?? undefined}
          />
        )}
        <SelectField
          label="Key encoder"
          value={draft.keyEncoder}
          options={encoderOptions}
          onChange={(keyEncoder) => {
            set({ keyEncoder });
          }}
        />
      </div>
      {draft.key !== null && isRegistryEncoder(draft.keyEncoder) && (
        <RegistryFields
          which="Key"
          topic={topic}
          encoder={draft.keyEncoder}
          draft={keyRegistry}
          onChange={(patch) => {
            set({ keyRegistry: { ...keyRegistry, ...patch } });
          }}
        />
      )}
      <div className="inline-fields">
        <CheckboxField
          label="Null value (tombstone)"
          checked={draft.value === null}
          onChange={(on) => {
            set({ value: on ? null : '' });
          }}
        />
        <SelectField
          label="Value encoder"
          value={draft.valueEncoder}
          options={encoderOptions}
          onChange={(valueEncoder) => {
            set({ valueEncoder });
          }}
        />
      </div>
      {draft.value !== null && isRegistryEncoder(draft.valueEncoder) && (
        <RegistryFields
          which="Value"
          topic={topic}
          encoder={draft.valueEncoder}
          draft={valueRegistry}
          onChange={(patch) => {
            set({ valueRegistry: { ...valueRegistry, ...patch } });
          }}
        />
      )}
      {draft.value !== null && (
        <TextField
          label="Value"
          multiline
          value={draft.value}
          onChange={(value) => {
            set({ value });
          }}
          error={valueError ?? undefined}
        />
      )}
      <TextField
        label="Headers (name=value per line)"
        multiline
        value={draft.headers}
        onChange={(h) => {
          set({ headers: h });
        }}
        error={headers.error}
      />
      <TextField
        label="Partition"
        type="number"
        value={draft.partition}
        onChange={(p) => {
          set({ partition: p });
        }}
        error={partitionError}
        placeholder="auto"
      />
      <ErrorMessage error={produce.error} />
      {produce.isSuccess && (
        <p className="success" role="status">
          Produced to partition {produce.data.partition} at offset {produce.data.offset}.
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={invalid || produce.isPending}>
          {produce.isPending ? 'Producing…' : 'Produce'}
        </button>
      </div>
    </form>
  );
}
