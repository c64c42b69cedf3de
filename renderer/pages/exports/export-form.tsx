import { useState } from 'react';
import { WorkbenchError } from '../../../shared/errors.js';
import { useMethodMutation } from '../../api/use-method-mutation.js';
import { useMethodQuery } from '../../api/use-method-query.js';
import { ErrorMessage } from '../../app/error-message.js';
import { CheckboxField, SelectField, TextField } from '../../app/form-fields.js';
import { initialExportForm, toExportRequest, type ExportFormState } from './export-form-model.js';
import { TargetFields } from './target-fields.js';

type Set = <K extends keyof ExportFormState>(key: K, value: ExportFormState[K]) => void;

function SourceFields({ form, set, connectionId }: { form: ExportFormState; set: Set; connectionId: string | null }) {
  const topics = useMethodQuery('topics:list', { connectionId: connectionId ?? '' }, { enabled: connectionId !== null });
  const topicOptions = [
    { value: '', label: '— choose a topic —' },
    ...(topics.data ?? []).map((t) => ({ value: t.name, label: `${t.name} (${t.partitions} partitions)` })),
  ];
  return (
    <fieldset>
      <legend>Source</legend>
      <SelectField
        label="Export"
        value={form.sourceKind}
        options={[
          { value: 'topic', label: 'A topic range' },
          { value: 'table', label: 'A SQLite table' },
          { value: 'pipeline-results', label: "A pipeline's results" },
        ]}
        onChange={(v) => {
          set('sourceKind', v);
        }}
      />
      {form.sourceKind === 'pipeline-results' ? (
        <PipelineResultsField form={form} set={set} />
      ) : form.sourceKind === 'topic' ? (
        <>
          <SelectField
            label="Topic"
            value={form.topic}
            options={topicOptions}
            onChange={(v) => {
              set('topic', v);
            }}
          />
          <TextField
            label="Partitions"
            value={form.partitions}
            onChange={(v) => {
              set('partitions', v);
            }}
            placeholder="all"
            hint="Comma-separated; empty exports every partition."
          />
          <TextField
            label="From offset"
            value={form.fromOffset}
            onChange={(v) => {
              set('fromOffset', v);
            }}
            placeholder="earliest"
          />
          <TextField
            label="To offset (exclusive)"
            value={form.toOffset}
            onChange={(v) => {
              set('toOffset', v);
            }}
            placeholder="end at start of export"
          />
        </>
      ) : (
        <SelectField
          label="Table"
          value={form.table}
          options={[
            { value: 'export_history', label: 'export_history' },
            { value: 'users', label: 'users' },
          ]}
          onChange={(v) => {
            set('table', v);
          }}
        />
      )}
    </fieldset>
  );
}

/** Pipelines with an aggregation: their stored result rows (window_start/window_end as timestamps). */
function PipelineResultsField({ form, set }: { form: ExportFormState; set: Set }) {
  const pipelines = useMethodQuery('pipelines:list', undefined);
  const withResults = (pipelines.data ?? []).filter((p) => p.aggregation !== undefined);
  return (
    <SelectField
      label="Pipeline"
      value={form.pipelineId}
      options={[
        { value: '', label: withResults.length === 0 ? '— no pipeline with an aggregation —' : '— choose a pipeline —' },
        ...withResults.map((p) => ({ value: p.id, label: p.name })),
      ]}
      onChange={(v) => {
        set('pipelineId', v);
      }}
      hint="Its current result rows, as the Results tab shows them, one column per group, window bound and aggregate."
    />
  );
}

function FormatFields({ form, set }: { form: ExportFormState; set: Set }) {
  return (
    <fieldset>
      <legend>Format</legend>
      <SelectField
        label="Format"
        value={form.format}
        options={[
          { value: 'parquet', label: 'Parquet' },
          { value: 'csv', label: 'CSV' },
          { value: 'jsonl', label: 'JSON lines' },
        ]}
        onChange={(v) => {
          set('format', v);
        }}
      />
      {form.format === 'parquet' && (
        <>
          <SelectField
            label="Compression"
            value={form.codec}
            options={[
              { value: 'snappy', label: 'Snappy' },
              { value: 'zstd', label: 'Zstandard' },
              { value: 'gzip', label: 'Gzip' },
              { value: 'none', label: 'None' },
            ]}
            onChange={(v) => {
              set('codec', v);
            }}
          />
          <SelectField
            label="Timestamps"
            value={form.timestampUnit}
            options={[
              { value: 'ms', label: 'Milliseconds' },
              { value: 'us', label: 'Microseconds' },
            ]}
            onChange={(v) => {
              set('timestampUnit', v);
            }}
          />
        </>
      )}
      {form.format === 'csv' && (
        <>
          <SelectField
            label="Delimiter"
            value={form.delimiter}
            options={[
              { value: ',', label: 'Comma' },
              { value: ';', label: 'Semicolon' },
              { value: 'tab', label: 'Tab' },
              { value: '|', label: 'Pipe' },
            ]}
            onChange={(v) => {
              set('delimiter', v);
            }}
          />
          <CheckboxField
            label="Header row"
            checked={form.header}
            onChange={(v) => {
              set('header', v);
            }}
          />
        </>
      )}
    </fieldset>
  );
}

/** The export form: source, format, target; offers to create a missing S3 bucket or local folder. */
export function ExportForm({ connectionId, defaultFolder }: { connectionId: string | null; defaultFolder: string }) {
  const [form, setForm] = useState(() => initialExportForm(defaultFolder));
  const [problem, setProblem] = useState<string | null>(null);
  const start = useMethodMutation('exports:start', { invalidates: ['exports:jobs', 'exports:history'] });
  const createBucket = useMethodMutation('exports:createBucket');
  const createFolder = useMethodMutation('exports:createFolder');
  const set: Set = (key, value) => {
    setForm((f) => ({ ...f, [key]: value }));
  };
  const built = toExportRequest(form, connectionId);
  const missingBucket =
    form.targetKind === 's3' &&
    start.error instanceof WorkbenchError &&
    start.error.code === 'NOT_FOUND' &&
    /bucket/i.test(start.error.message);
  const missingFolder =
    form.targetKind === 'local' &&
    start.error instanceof WorkbenchError &&
    start.error.code === 'NOT_FOUND' &&
    /^The folder /.test(start.error.message);

  return (
    <form
      className="form"
      aria-label="New export"
      onSubmit={(event) => {
        event.preventDefault();
        if ('error' in built) {
          setProblem(built.error);
          return;
        }
        setProblem(null);
        start.mutate(built.request);
      }}
    >
      <SourceFields form={form} set={set} connectionId={connectionId} />
      <FormatFields form={form} set={set} />
      <TargetFields
        target={form}
        change={(patch) => {
          setForm((f) => ({ ...f, ...patch }));
        }}
      >
        <TextField
          label="File name"
          value={form.name}
          onChange={(v) => {
            set('name', v);
          }}
          placeholder="<source>-<time>"
        />
      </TargetFields>
      {problem !== null && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <ErrorMessage error={start.error} />
      {missingBucket && 'request' in built && built.request.target.kind === 's3' && (
        <button
          type="button"
          disabled={createBucket.isPending}
          onClick={() => {
            if (built.request.target.kind === 's3') createBucket.mutate(built.request.target);
          }}
        >
          Create bucket {form.bucket}
        </button>
      )}
      {createBucket.isSuccess && <p className="note">Bucket ready; start the export again.</p>}
      <ErrorMessage error={createBucket.error} />
      {missingFolder && 'request' in built && built.request.target.kind === 'local' && (
        <div className="actions">
          <button
            type="button"
            disabled={createFolder.isPending}
            onClick={() => {
              if (built.request.target.kind === 'local')
                createFolder.mutate(built.request.target, {
                  onSuccess: () => {
                    start.reset();
                  },
                });
            }}
          >
            Create folder {built.request.target.folder}
          </button>
        </div>
      )}
      {createFolder.isSuccess && (
        <p className="note" role="status">
          Folder ready; start the export again.
        </p>
      )}
      <ErrorMessage error={createFolder.error} />
      <div className="actions">
        <button type="submit" disabled={start.isPending}>
          {start.isPending ? 'Starting…' : 'Start export'}
        </button>
      </div>
    </form>
  );
}
