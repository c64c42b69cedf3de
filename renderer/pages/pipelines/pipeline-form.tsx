import { useState } from 'react';
import { aggregateFnSchema, columnTypeSchema } from '../../../shared/pipelines.js';
import { useMethodMutation } from '../../api/use-method-mutation.js';
import { ErrorMessage } from '../../app/error-message.js';
import { CheckboxField, SelectField, TextField } from '../../app/form-fields.js';
import { useMethodQuery } from '../../api/use-method-query.js';
import { DatabaseSinkFields } from './pipeline-form-database.js';
import { FileSinkFields } from './pipeline-form-files.js';
import {
  formToInput,
  issS1Preset,
  randomUsersCassandraPreset,
  randomUsersPostgresPreset,
  randomUsersS2Preset,
  sensorsPreset,
  wordCountPreset,
  type FormErrors,
  type PipelineForm,
  type ProjectionRow,
  type TimestampFormat,
} from './pipeline-form-model.js';

type Set = <K extends keyof PipelineForm>(key: K) => (value: PipelineForm[K]) => void;

const types = columnTypeSchema.options.map((t) => ({ value: t, label: t }));
const fns = aggregateFnSchema.options.map((f) => ({ value: f, label: f }));
/** Where a column's value comes from: a JSON path, or derived from another column (shared/pipelines.ts `derive`). */
const sources = [
  { value: 'path', label: 'JSON path' },
  { value: 'email-domain', label: 'email domain of' },
];
const formats: { value: TimestampFormat; label: string }[] = [
  { value: '', label: 'auto' },
  { value: 'iso', label: 'ISO-8601' },
  { value: 'epoch-s', label: 'epoch s' },
  { value: 'epoch-ms', label: 'epoch ms' },
];

function ProjectionEditor({ rows, onChange }: { rows: ProjectionRow[]; onChange: (rows: ProjectionRow[]) => void }) {
  const update = (i: number, patch: Partial<ProjectionRow>) => {
    onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  };
  return (
    <fieldset aria-label="Projection">
      <legend>Projection: JSON path → column → type</legend>
      {rows.map((row, i) => (
        <div className="inline-fields" key={i} data-testid="projection-row">
          <SelectField
            label={`Value ${i + 1}`}
            value={row.deriveFrom === undefined ? 'path' : 'email-domain'}
            options={sources}
            onChange={(v) => {
              update(
                i,
                v === 'path'
                  ? { deriveFrom: undefined }
                  : {
                      deriveFrom: rows.find((r, j) => j !== i && r.deriveFrom === undefined && r.column.trim() !== '')?.column ?? '',
                      type: 'string',
                      path: '',
                    },
              );
            }}
          />
          {row.deriveFrom === undefined ? (
            <TextField
              label={`Path ${i + 1}`}
              value={row.path}
              onChange={(v) => {
                update(i, { path: v });
              }}
              placeholder="results.0.name.first"
            />
          ) : (
            <SelectField
              label={`Derive from ${i + 1}`}
              value={row.deriveFrom}
              options={[
                { value: '', label: 'choose a column' },
                ...rows
                  .filter((r, j) => j !== i && r.deriveFrom === undefined && r.column.trim() !== '')
                  .map((r) => ({ value: r.column, label: r.column })),
              ]}
              onChange={(v) => {
                update(i, { deriveFrom: v });
              }}
            />
          )}
          <TextField
            label={`Column ${i + 1}`}
            value={row.column}
            onChange={(v) => {
              update(i, { column: v });
            }}
          />
          {row.deriveFrom === undefined && (
            <SelectField
              label={`Type ${i + 1}`}
              value={row.type}
              options={types}
              onChange={(v) => {
                update(i, { type: v });
              }}
            />
          )}
          {row.type === 'timestamp' && (
            <SelectField
              label={`Time format ${i + 1}`}
              value={row.timestampFormat}
              options={formats}
              onChange={(v) => {
                update(i, { timestampFormat: v });
              }}
            />
          )}
          <CheckboxField
            label="required"
            checked={row.required}
            onChange={(v) => {
              update(i, { required: v });
            }}
          />
          <button
            type="button"
            aria-label={`Remove projection row ${i + 1}`}
            onClick={() => {
              onChange(rows.filter((_, j) => j !== i));
            }}
          >
            ×
          </button>
        </div>
      ))}
      <div>
        <button
          type="button"
          onClick={() => {
            onChange([...rows, { path: '', column: '', type: 'string', timestampFormat: '', required: true }]);
          }}
        >
          Add column
        </button>
      </div>
    </fieldset>
  );
}

function AggregationFields({ form, set, errors }: { form: PipelineForm; set: Set; errors: FormErrors }) {
  const rows = form.aggregates;
  const update = (i: number, patch: Partial<(typeof rows)[number]>) => {
    set('aggregates')(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  };
  return (
    <fieldset aria-label="Aggregation">
      <legend>Aggregation</legend>
      <CheckboxField label="Aggregate" checked={form.aggregate} onChange={set('aggregate')} />
      {form.aggregate && (
        <>
          <TextField label="Group by" value={form.groupBy} onChange={set('groupBy')} hint="Columns, comma separated" />
          <div className="inline-fields">
            <TextField
              label="Window column"
              value={form.windowColumn}
              onChange={set('windowColumn')}
              hint="A timestamp column; empty = no window"
            />
            <TextField
              label="Window duration"
              value={form.windowDuration}
              onChange={set('windowDuration')}
              placeholder="5m"
              error={errors.window}
            />
            <TextField label="Slide" value={form.windowSlide} onChange={set('windowSlide')} placeholder="= duration (tumbling)" />
            <TextField label="Offset" value={form.windowOffset} onChange={set('windowOffset')} placeholder="0s" />
            <TextField
              label="Watermark delay"
              value={form.watermarkDelay}
              onChange={set('watermarkDelay')}
              placeholder="10m"
              hint="Empty = no watermark"
            />
          </div>
          {rows.map((row, i) => (
            <div className="inline-fields" key={i} data-testid="aggregate-row">
              <SelectField
                label={`Function ${i + 1}`}
                value={row.fn}
                options={fns}
                onChange={(v) => {
                  update(i, { fn: v });
                }}
              />
              <TextField
                label={`Of column ${i + 1}`}
                value={row.column}
                onChange={(v) => {
                  update(i, { column: v });
                }}
                placeholder={row.fn === 'count' ? '* (rows)' : ''}
              />
              <TextField
                label={`As ${i + 1}`}
                value={row.as}
                onChange={(v) => {
                  update(i, { as: v });
                }}
              />
              <button
                type="button"
                aria-label={`Remove aggregate ${i + 1}`}
                onClick={() => {
                  set('aggregates')(rows.filter((_, j) => j !== i));
                }}
              >
                ×
              </button>
            </div>
          ))}
          <div>
            <button
              type="button"
              onClick={() => {
                set('aggregates')([...rows, { fn: 'count', column: '', as: `agg_${rows.length + 1}` }]);
              }}
            >
              Add aggregate
            </button>
          </div>
        </>
      )}
    </fieldset>
  );
}

function ScaleOutField({ checked, onChange, groupId }: { checked: boolean; onChange: (v: boolean) => void; groupId: string }) {
  const changelog = `${groupId.trim() === '' ? '<group id>' : groupId.trim()}-state-changelog`;
  return (
    <fieldset aria-label="Scale-out">
      <legend>Scale-out</legend>
      <CheckboxField label="Scale out across workers" checked={checked} onChange={onChange} />
      <p className="hint" data-testid="scale-out-help">
        Several workers with the same group id (this app, <code>npm run cli -- pipeline run</code>) split the source partitions; window
        state and offsets are kept per partition in Kafka (compacted topic <code>{changelog}</code>), written in one Kafka transaction with
        the results. Needs: co-partitioned groups (records keyed by the group column, so a group&apos;s records are all in one partition;
        otherwise the pipeline stops with an error saying which group), exactly one source topic, and no file sinks. Off: one worker,
        exactly-once into this app&apos;s store.
      </p>
    </fieldset>
  );
}

export function PipelineFormView({
  connectionId,
  dataDir,
  initial,
  onDone,
}: {
  connectionId: string;
  dataDir: string;
  initial: PipelineForm;
  onDone: (id: string | null) => void;
}) {
  const [form, setForm] = useState(initial);
  const [errors, setErrors] = useState<FormErrors>({});
  const databases = useMethodQuery('databases:list', undefined);
  const set: Set = (key) => (value) => {
    setForm((f) => ({ ...f, [key]: value }));
  };
  const save = useMethodMutation('pipelines:save', {
    invalidates: ['pipelines:list'],
    onSuccess: (p) => {
      onDone(p.id);
    },
  });
  const submit = () => {
    const result = formToInput(form, connectionId);
    if ('errors' in result) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    save.mutate(result.input);
  };
  return (
    <form
      className="form panel"
      aria-label="Pipeline"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <div className="toolbar" aria-label="Presets">
        <button
          type="button"
          onClick={() => {
            setForm({ ...sensorsPreset(), id: form.id });
          }}
        >
          Sensor windows
        </button>
        <button
          type="button"
          onClick={() => {
            setForm({ ...wordCountPreset(), id: form.id });
          }}
        >
          Word count
        </button>
        <button
          type="button"
          onClick={() => {
            setForm({ ...issS1Preset(dataDir), id: form.id });
          }}
        >
          ISS → Parquet
        </button>
        <button
          type="button"
          onClick={() => {
            setForm({ ...randomUsersS2Preset(), id: form.id });
          }}
        >
          Random users → table
        </button>
        <button
          type="button"
          onClick={() => {
            setForm({ ...randomUsersPostgresPreset(databases.data?.find((c) => c.engine === 'postgres') ?? null), id: form.id });
          }}
        >
          Random users → PostgreSQL
        </button>
        <button
          type="button"
          onClick={() => {
            setForm({ ...randomUsersCassandraPreset(databases.data?.find((c) => c.engine === 'cassandra') ?? null), id: form.id });
          }}
        >
          Random users → Cassandra
        </button>
      </div>
      <fieldset aria-label="Source">
        <legend>Source</legend>
        <TextField label="Pipeline name" value={form.name} onChange={set('name')} error={errors.name} />
        <div className="inline-fields">
          <TextField label="Source topics" value={form.topics} onChange={set('topics')} error={errors.topics} hint="Comma separated" />
          <TextField label="Group id" value={form.groupId} onChange={set('groupId')} error={errors.groupId} />
          <SelectField
            label="Starting offsets"
            value={form.startKind}
            options={[
              { value: 'earliest', label: 'earliest' },
              { value: 'latest', label: 'latest' },
              { value: 'timestamp', label: 'timestamp' },
            ]}
            onChange={set('startKind')}
          />
          {form.startKind === 'timestamp' && (
            <TextField
              label="From time"
              value={form.startTimestamp}
              onChange={set('startTimestamp')}
              error={errors.startTimestamp}
              placeholder="2024-05-01T12:00:00Z"
            />
          )}
        </div>
        <div className="inline-fields">
          <TextField
            label="Max records per batch"
            type="number"
            value={form.maxRecordsPerBatch}
            onChange={set('maxRecordsPerBatch')}
            error={errors.maxRecordsPerBatch}
          />
          <TextField
            label="Trigger interval"
            value={form.triggerInterval}
            onChange={set('triggerInterval')}
            error={errors.triggerInterval}
            hint="0s = as fast as possible"
          />
          <SelectField
            label="Decoder"
            value={form.decoder}
            options={[
              { value: 'json', label: 'JSON' },
              { value: 'string', label: 'string' },
              { value: 'registry', label: 'Schema Registry (Avro, Protobuf, JSON Schema)' },
            ]}
            onChange={set('decoder')}
          />
          <TextField
            label="Split on"
            value={form.wordSeparator}
            onChange={set('wordSeparator')}
            hint="Word count: one `word` row per token; empty = project"
          />
        </div>
        <TextField
          label="Filter"
          value={form.filter}
          onChange={set('filter')}
          hint="The topic browser's expression, e.g. value.temperature > 20; empty = keep all"
        />
      </fieldset>
      {form.wordSeparator === '' && <ProjectionEditor rows={form.projection} onChange={set('projection')} />}
      {errors.projection !== undefined && <p className="error">{errors.projection}</p>}
      <AggregationFields form={form} set={set} errors={errors} />
      <fieldset aria-label="Output">
        <legend>Output</legend>
        <SelectField
          label="Output mode"
          value={form.outputMode}
          options={[
            { value: 'update', label: 'update (changed rows)' },
            { value: 'append', label: 'append (closed windows)' },
            { value: 'complete', label: 'complete (whole table)' },
          ]}
          onChange={set('outputMode')}
        />
        <SelectField
          label="Spark compatibility"
          value={form.sparkCompatibility}
          options={[
            { value: '3.4', label: 'Spark 3.4 and newer: late rows by the previous batch’s watermark' },
            { value: 'before-3.4', label: 'before 3.4: one watermark for late rows and eviction' },
          ]}
          onChange={set('sparkCompatibility')}
        />
        <div className="inline-fields">
          <TextField label="Output topic" wide value={form.kafkaTopic} onChange={set('kafkaTopic')} hint="Empty = no Kafka sink" />
          <SelectField
            label="Record format"
            value={form.kafkaFormat}
            options={[
              { value: 'json', label: 'JSON' },
              { value: 'long', label: 'string key + 64-bit long' },
            ]}
            onChange={set('kafkaFormat')}
          />
          <TextField
            label="SQLite table"
            value={form.sqliteTable}
            onChange={set('sqliteTable')}
            hint="Projection-only pipelines: rows into this table"
          />
          <TextField
            label="Dead-letter topic"
            value={form.deadLetterTopic}
            onChange={set('deadLetterTopic')}
            hint="Bad records with the error in headers"
          />
        </div>
      </fieldset>
      <FileSinkFields value={form.files} onChange={set('files')} error={errors.files} />
      <DatabaseSinkFields value={form.database} onChange={set('database')} error={errors.database} aggregate={form.aggregate} />
      <ScaleOutField checked={form.scaleOut} onChange={set('scaleOut')} groupId={form.groupId} />
      <ErrorMessage error={save.error} prefix="Could not save" />
      <div className="actions">
        <button type="submit" disabled={save.isPending}>
          Save pipeline
        </button>
        <button
          type="button"
          onClick={() => {
            onDone(null);
          }}
        >
          Cancel
        </button>
      </div>
    </form>
  );
}
