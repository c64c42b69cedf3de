import { useState } from 'react';
import { isRegistrySerializer, producerConfigHelp, type ProducerView, type RegistrySerializer } from '../../../shared/producers.js';
import { useMethodMutation } from '../../api/use-method-mutation.js';
import { useMethodQuery } from '../../api/use-method-query.js';
import { ErrorMessage } from '../../app/error-message.js';
import { CheckboxField, SelectField, TextField } from '../../app/form-fields.js';
import { definitionToForm, emptyForm, formToInput, registryVersionError, type ProducerForm } from './producer-form-model.js';

type Set = <K extends keyof ProducerForm>(key: K) => (value: ProducerForm[K]) => void;

const modes = [
  { value: 'auto', label: 'Auto (online, else offline)' },
  { value: 'online', label: 'Online only' },
  { value: 'offline', label: 'Offline only' },
] as const;

function Range({ label, value, onChange }: { label: string; value: [string, string]; onChange: (v: [string, string]) => void }) {
  return (
    <>
      <TextField
        label={`${label} min`}
        type="number"
        value={value[0]}
        onChange={(v) => {
          onChange([v, value[1]]);
        }}
      />
      <TextField
        label={`${label} max`}
        type="number"
        value={value[1]}
        onChange={(v) => {
          onChange([value[0], v]);
        }}
      />
    </>
  );
}

function SourceFields({ form, set }: { form: ProducerForm; set: Set }) {
  switch (form.sourceKind) {
    case 'sensors':
      return (
        <>
          <TextField
            label="Sensors"
            type="number"
            value={form.sensorCount}
            onChange={set('sensorCount')}
            hint="sensor_1 … sensor_N, one reading per run in turn"
          />
          <Range label="Temperature" value={form.temperature} onChange={set('temperature')} />
          <Range label="Humidity" value={form.humidity} onChange={set('humidity')} />
          <Range label="Pressure" value={form.pressure} onChange={set('pressure')} />
          <TextField
            label="Late share (0–1)"
            type="number"
            value={form.lateShare}
            onChange={set('lateShare')}
            hint="Share of readings stamped in the past: late and out-of-order events for watermarks"
          />
          <TextField label="Lateness (s)" type="number" value={form.latenessSeconds} onChange={set('latenessSeconds')} />
          <TextField label="Seed" type="number" value={form.seed} onChange={set('seed')} hint="Empty = random" />
        </>
      );
    case 'iss':
      return (
        <>
          <SelectField label="Mode" value={form.issMode} options={modes} onChange={set('issMode')} />
          <TextField label="Open Notify URL" value={form.issUrl} onChange={set('issUrl')} />
          <TextField
            label="TLE"
            multiline
            value={form.tle}
            onChange={set('tle')}
            hint="Empty = the bundled ISS element set; paste a newer TLE for accurate offline positions (SGP4)"
          />
        </>
      );
    case 'randomUsers':
      return (
        <>
          <SelectField label="Mode" value={form.usersMode} options={modes} onChange={set('usersMode')} />
          <TextField label="API URL" value={form.usersUrl} onChange={set('usersUrl')} />
          <TextField label="Seed" type="number" value={form.seed} onChange={set('seed')} hint="Offline generator seed; empty = random" />
        </>
      );
    case 'http':
      return (
        <>
          <TextField label="URL" value={form.httpUrl} onChange={set('httpUrl')} required />
          <SelectField
            label="Method"
            value={form.httpMethod}
            options={[
              { value: 'GET', label: 'GET' },
              { value: 'POST', label: 'POST' },
            ]}
            onChange={set('httpMethod')}
          />
          <TextField
            label="Request headers"
            multiline
            value={form.httpHeaders}
            onChange={set('httpHeaders')}
            hint="One “Name: value” per line"
          />
          {form.httpMethod === 'POST' && <TextField label="Body" multiline value={form.httpBody} onChange={set('httpBody')} />}
          <TextField
            label="Records JSON path"
            value={form.recordsPath}
            onChange={set('recordsPath')}
            hint="$ = the whole response; $.results[*] = each element"
          />
          <TextField label="Timeout (ms)" type="number" value={form.timeoutMs} onChange={set('timeoutMs')} />
          <TextField label="Retries" type="number" value={form.httpRetries} onChange={set('httpRetries')} />
          <TextField
            label="Back-off (ms)"
            type="number"
            value={form.backoffMs}
            onChange={set('backoffMs')}
            hint="Doubles after each retry. HTTP errors, timeouts and non-JSON bodies are counted, never sent."
          />
        </>
      );
    case 'file':
      return (
        <>
          <TextField
            label="File path"
            value={form.filePath}
            onChange={set('filePath')}
            required
            hint="A path on the machine running the engine"
          />
          <SelectField
            label="Format"
            value={form.fileFormat}
            options={[
              { value: 'csv', label: 'CSV' },
              { value: 'jsonl', label: 'JSON lines' },
            ]}
            onChange={set('fileFormat')}
          />
          {form.fileFormat === 'csv' && (
            <>
              <CheckboxField label="First row is a header" checked={form.csvHeader} onChange={set('csvHeader')} />
              <TextField label="Delimiter" value={form.delimiter} onChange={set('delimiter')} />
              <TextField label="Quote" value={form.quote} onChange={set('quote')} />
              <TextField
                label="Column types"
                multiline
                value={form.columnTypes}
                onChange={set('columnTypes')}
                hint="“column: int|float|boolean|json|string” per line; others stay text"
              />
            </>
          )}
          <SelectField
            label="Pacing"
            value={form.pacing}
            options={[
              { value: 'interval', label: 'One row per schedule run' },
              { value: 'timestamp', label: 'By a timestamp column' },
              { value: 'fast', label: 'As fast as possible' },
            ]}
            onChange={set('pacing')}
          />
          {form.pacing === 'timestamp' && (
            <>
              <TextField label="Timestamp column" value={form.timestampColumn} onChange={set('timestampColumn')} />
              <TextField
                label="Speed factor"
                type="number"
                value={form.speed}
                onChange={set('speed')}
                hint="2 = twice as fast as recorded"
              />
            </>
          )}
          <CheckboxField label="Loop at the end" checked={form.loop} onChange={set('loop')} />
        </>
      );
    case 'manual':
      return (
        <TextField
          label="Value"
          multiline
          value={form.manualValue}
          onChange={set('manualValue')}
          hint="Sent on every run; JSON when it parses, text otherwise"
        />
      );
  }
}

const registryFormats = { avro: 'Avro', protobuf: 'Protobuf', jsonschema: 'JSON Schema' } as const;

/**
 * Subject and schema settings of the registry serializers: Avro a schema to register, Protobuf and
 * JSON Schema the subject's version, Protobuf the message type. The engine resolves them once when
 * the producer starts.
 */
function RegistryFields({
  form,
  set,
  hasRegistry,
  serializer,
}: {
  form: ProducerForm;
  set: Set;
  hasRegistry: boolean;
  serializer: RegistrySerializer;
}) {
  const topic = form.topic.trim() === '' ? '<topic>' : form.topic.trim();
  const format = registryFormats[serializer];
  return (
    <>
      {!hasRegistry && (
        <p className="error" role="note" data-testid="avro-no-registry">
          This connection has no schema registry URL; add one in Settings before saving a {format} producer.
        </p>
      )}
      <TextField
        label={`${format} subject`}
        value={form.registrySubject}
        placeholder={`${topic}-value`}
        onChange={set('registrySubject')}
        hint="Empty = <topic>-value (Confluent's topic-name strategy)"
      />
      {serializer === 'avro' ? (
        <TextField
          label="Avro schema"
          multiline
          value={form.registrySchema}
          onChange={set('registrySchema')}
          hint="JSON Avro schema, registered under the subject at start (an identical schema keeps its id). Empty = the subject's latest schema. Records that do not fit are counted as errors, never sent."
        />
      ) : (
        <TextField
          label="Schema version"
          value={form.registryVersion}
          placeholder="latest"
          onChange={set('registryVersion')}
          error={registryVersionError(form) ?? undefined}
          hint={`A version of the subject, which must hold a ${format} schema; empty = the latest when the producer starts. Records that do not fit are counted as errors, never sent.`}
        />
      )}
      {serializer === 'protobuf' && (
        <TextField
          label="Message type"
          value={form.registryMessage}
          placeholder="the schema's first message"
          onChange={set('registryMessage')}
          hint="Full (package.Message) or short name; empty = the first message of the .proto (Confluent's default)"
        />
      )}
    </>
  );
}

function ConfigFields({
  form,
  setConfig,
}: {
  form: ProducerForm;
  setConfig: (key: keyof ProducerForm['config'], value: string | boolean) => void;
}) {
  const textField = (key: keyof ProducerForm['config'], label: string) => (
    <TextField
      label={label}
      type={key === 'clientId' ? 'text' : 'number'}
      value={String(form.config[key])}
      onChange={(v) => {
        setConfig(key, v);
      }}
      hint={producerConfigHelp[key]}
    />
  );
  return (
    <fieldset>
      <legend>Producer config</legend>
      {textField('clientId', 'Client id')}
      <SelectField
        label="Acks"
        value={String(form.config.acks) as 'all' | '1' | '0'}
        options={[
          { value: 'all', label: 'all (-1)' },
          { value: '1', label: '1 (leader)' },
          { value: '0', label: '0 (none)' },
        ]}
        onChange={(v) => {
          setConfig('acks', v);
        }}
      />
      <small className="hint">{producerConfigHelp.acks}</small>
      <CheckboxField
        label="Idempotent"
        checked={form.config.idempotent === true}
        onChange={(v) => {
          setConfig('idempotent', v);
        }}
      />
      <small className="hint">{producerConfigHelp.idempotent}</small>
      {textField('retries', 'Retries')}
      {textField('lingerMs', 'Linger (ms)')}
      {textField('batchSize', 'Batch size (bytes)')}
      <SelectField
        label="Compression"
        value={String(form.config.compression) as 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd'}
        options={[
          { value: 'none', label: 'none' },
          { value: 'gzip', label: 'gzip' },
          { value: 'snappy', label: 'snappy' },
          { value: 'lz4', label: 'lz4' },
          { value: 'zstd', label: 'zstd' },
        ]}
        onChange={(v) => {
          setConfig('compression', v);
        }}
      />
      <small className="hint">{producerConfigHelp.compression}</small>
      {textField('maxInFlight', 'Max in flight')}
      {textField('requestTimeoutMs', 'Request timeout (ms)')}
      {textField('maxBlockMs', 'Max block (ms)')}
      {textField('bufferMemory', 'Buffer memory (bytes)')}
      {textField('rateLimit', 'Rate limit (msg/s, 0 = none)')}
    </fieldset>
  );
}

/** Create or edit a producer; the topic is created on request when it does not exist. */
export function ProducerFormView({
  connectionId,
  editing,
  onDone,
}: {
  connectionId: string;
  editing: ProducerView | undefined;
  onDone: () => void;
}) {
  const [form, setForm] = useState<ProducerForm>(() => (editing ? definitionToForm(editing.definition) : emptyForm()));
  const [error, setError] = useState<string | null>(null);
  const [partitions, setPartitions] = useState('3');
  const topics = useMethodQuery('topics:list', { connectionId, includeInternal: false });
  const connections = useMethodQuery('connections:list', undefined);
  const connection = connections.data?.find((c) => c.id === connectionId);
  const hasRegistry = connection === undefined || connection.schemaRegistryUrl !== undefined;
  const ensureTopic = useMethodMutation('producers:ensureTopic', { invalidates: ['topics:list'] });
  const save = useMethodMutation('producers:save', { invalidates: ['producers:list'], onSuccess: onDone });
  const set: Set = (key) => (value) => {
    setForm((current) => ({ ...current, [key]: value }));
  };
  const topicMissing = topics.data !== undefined && form.topic.trim() !== '' && !topics.data.some((t) => t.name === form.topic.trim());

  return (
    <form
      className="form"
      noValidate
      aria-label={editing ? `Edit producer ${editing.definition.name}` : 'New producer'}
      onSubmit={(event) => {
        event.preventDefault();
        const result = formToInput(form, connectionId);
        setError(result.ok ? null : result.error);
        if (result.ok) save.mutate(result.input);
      }}
    >
      <ErrorMessage error={ensureTopic.error} />
      <TextField label="Producer name" value={form.name} onChange={set('name')} required />
      <TextField label="Topic" value={form.topic} onChange={set('topic')} required />
      {topicMissing && (
        <div className="toolbar" data-testid="topic-missing">
          <span className="note">Topic {form.topic} does not exist.</span>
          <TextField label="Partitions" type="number" value={partitions} onChange={setPartitions} />
          <button
            type="button"
            disabled={ensureTopic.isPending}
            onClick={() => {
              ensureTopic.mutate({ connectionId, topic: form.topic.trim(), partitions: Number(partitions) });
            }}
          >
            Create topic
          </button>
        </div>
      )}
      <fieldset>
        <legend>Source</legend>
        <SelectField
          label="Source"
          value={form.sourceKind}
          options={[
            { value: 'sensors', label: 'Sensors simulator' },
            { value: 'iss', label: 'ISS position (Open Notify / SGP4)' },
            { value: 'randomUsers', label: 'Random users (randomuser.me)' },
            { value: 'http', label: 'HTTP poll' },
            { value: 'file', label: 'CSV / JSONL file replay' },
            { value: 'manual', label: 'Manual record' },
          ]}
          onChange={set('sourceKind')}
        />
        <SourceFields form={form} set={set} />
      </fieldset>
      <fieldset>
        <legend>Schedule</legend>
        <SelectField
          label="Trigger"
          value={form.trigger}
          options={[
            { value: 'interval', label: 'Every N seconds' },
            { value: 'cron', label: 'Cron expression' },
            { value: 'continuous', label: 'Continuous (source paces itself)' },
          ]}
          onChange={set('trigger')}
        />
        {form.trigger === 'interval' && (
          <TextField label="Every (s)" type="number" value={form.everySeconds} onChange={set('everySeconds')} />
        )}
        {form.trigger === 'cron' && (
          <TextField label="Cron" value={form.cron} onChange={set('cron')} hint="5 fields, or 6 with seconds first: */25 * * * * *" />
        )}
        <TextField label="Requests per run" type="number" value={form.perRun} onChange={set('perRun')} />
        <TextField
          label="Stop after messages"
          type="number"
          value={form.maxMessages}
          onChange={set('maxMessages')}
          hint="0 = no limit; counted from each Start (a restart of the app goes on counting)"
        />
        <div className="field">
          <label htmlFor="producer-stop-at">Stop at</label>
          <input
            id="producer-stop-at"
            type="datetime-local"
            value={form.stopAt}
            onChange={(e) => {
              set('stopAt')(e.target.value);
            }}
          />
        </div>
      </fieldset>
      <fieldset>
        <legend>Record</legend>
        <SelectField
          label="Key"
          value={form.keyKind}
          options={[
            { value: 'none', label: 'No key' },
            { value: 'field', label: 'Field of the record' },
            { value: 'fixed', label: 'Fixed value' },
            { value: 'random', label: 'Random UUID' },
          ]}
          onChange={set('keyKind')}
        />
        {form.keyKind === 'field' && (
          <TextField label="Key field" value={form.keyPath} onChange={set('keyPath')} hint="e.g. sensor_id or results[0].login.uuid" />
        )}
        {form.keyKind === 'fixed' && <TextField label="Key value" value={form.keyFixed} onChange={set('keyFixed')} />}
        <SelectField
          label="Serializer"
          value={form.serializer}
          options={[
            { value: 'json', label: 'JSON' },
            { value: 'string', label: 'String' },
            { value: 'avro', label: 'Avro (schema registry)' },
            { value: 'protobuf', label: 'Protobuf (schema registry)' },
            { value: 'jsonschema', label: 'JSON Schema (schema registry)' },
          ]}
          onChange={set('serializer')}
          hint={
            form.sourceKind === 'file' && form.fileFormat === 'csv'
              ? 'CSV rows: JSON sends each row as an object of its columns; String sends its text (the cell of a one-column file, else the line as written)'
              : undefined
          }
        />
        {isRegistrySerializer(form.serializer) && (
          <RegistryFields form={form} set={set} hasRegistry={hasRegistry} serializer={form.serializer} />
        )}
        <TextField label="Record headers" multiline value={form.headers} onChange={set('headers')} hint="One “Name: value” per line" />
      </fieldset>
      <ConfigFields
        form={form}
        setConfig={(key, value) => {
          setForm((current) => ({ ...current, config: { ...current.config, [key]: value } }));
        }}
      />
      {/* Beside the Save button, where the eye is after clicking it: a long form scrolls its top away. */}
      {error !== null && (
        <p className="error" role="alert" data-testid="producer-save-error">
          {error}
        </p>
      )}
      {save.error && (
        <p className="error" role="alert" data-testid="producer-save-error">
          {save.error.message}
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save producer'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
