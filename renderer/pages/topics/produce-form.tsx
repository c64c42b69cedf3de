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
  /** Encoder "avro": subject (default <topic>-key|value) and an optional schema to register. */
  keySubject?: string;
  keySchema?: string;
  valueSubject?: string;
  valueSchema?: string;
}

function avroOf(subject: string | undefined, schema: string | undefined): { subject?: string; schema?: string } {
  return { ...(subject?.trim() ? { subject: subject.trim() } : {}), ...(schema?.trim() ? { schema } : {}) };
}

function AvroFields({
  which,
  topic,
  subject,
  schema,
  onChange,
}: {
  which: 'Key' | 'Value';
  topic: string;
  subject: string | undefined;
  schema: string | undefined;
  onChange: (subject: string, schema: string) => void;
}) {
  return (
    <div className="inline-fields">
      <TextField
        label={`${which} subject`}
        value={subject ?? ''}
        placeholder={`${topic}-${which.toLowerCase()}`}
        onChange={(s) => {
          onChange(s, schema ?? '');
        }}
      />
      <TextField
        label={`${which} Avro schema (JSON; empty = the subject's latest)`}
        multiline
        value={schema ?? ''}
        onChange={(text) => {
          onChange(subject ?? '', text);
        }}
      />
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
  const invalid = keyError !== null || valueError !== null || headers.error !== undefined || partitionError !== undefined;
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
                  ...(draft.keyEncoder === 'avro' ? { avro: avroOf(draft.keySubject, draft.keySchema) } : {}),
                },
          value:
            draft.value === null
              ? null
              : {
                  text: draft.value,
                  encoder: draft.valueEncoder,
                  ...(draft.valueEncoder === 'avro' ? { avro: avroOf(draft.valueSubject, draft.valueSchema) } : {}),
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
      {draft.key !== null && draft.keyEncoder === 'avro' && (
        <AvroFields
          which="Key"
          topic={topic}
          subject={draft.keySubject}
          schema={draft.keySchema}
          onChange={(keySubject, keySchema) => {
            set({ keySubject, keySchema });
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
      {draft.value !== null && draft.valueEncoder === 'avro' && (
        <AvroFields
          which="Value"
          topic={topic}
          subject={draft.valueSubject}
          schema={draft.valueSchema}
          onChange={(valueSubject, valueSchema) => {
            set({ valueSubject, valueSchema });
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
