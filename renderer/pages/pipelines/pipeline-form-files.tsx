import { parquetCodecSchema } from '../../../shared/exports.js';
import { useMethodQuery } from '../../api/use-method-query.js';
import { CheckboxField, SelectField, TextField } from '../../app/form-fields.js';
import type { FileSinkForm } from './pipeline-form-files-model.js';

const codecs = parquetCodecSchema.options.map((c) => ({ value: c, label: c }));

/** The rolling file sink: format, local folder or S3, and when a file is closed. */
export function FileSinkFields({
  value,
  onChange,
  error,
}: {
  value: FileSinkForm;
  onChange: (value: FileSinkForm) => void;
  error: string | undefined;
}) {
  const set =
    <K extends keyof FileSinkForm>(key: K) =>
    (v: FileSinkForm[K]) => {
      onChange({ ...value, [key]: v });
    };
  const saved = useMethodQuery('exports:listCredentials', undefined, { enabled: value.enabled && value.target === 's3' });
  const credentialOptions = [
    { value: '', label: 'Default AWS chain (environment, ~/.aws, SSO)' },
    ...(saved.data ?? []).map((c) => ({ value: c.id, label: `${c.name} (${c.accessKeyHint})` })),
    // Kept as saved even when the list has not loaded or the credentials were removed meanwhile.
    ...(value.credentialId !== '' && !(saved.data ?? []).some((c) => c.id === value.credentialId)
      ? [{ value: value.credentialId, label: saved.data === undefined ? 'Saved credentials…' : 'Removed credentials: choose others' }]
      : []),
  ];
  return (
    <fieldset aria-label="Files">
      <legend>Rolling files</legend>
      <CheckboxField label="Write files" checked={value.enabled} onChange={set('enabled')} />
      {value.enabled && (
        <>
          <div className="inline-fields">
            <SelectField
              label="File format"
              value={value.format}
              options={[
                { value: 'parquet', label: 'Parquet' },
                { value: 'csv', label: 'CSV' },
                { value: 'jsonl', label: 'JSON lines' },
              ]}
              onChange={set('format')}
            />
            {value.format === 'parquet' && <SelectField label="Compression" value={value.codec} options={codecs} onChange={set('codec')} />}
            {value.format === 'parquet' && (
              <SelectField
                label="Timestamp unit"
                value={value.timestampUnit}
                options={[
                  { value: 'ms', label: 'milliseconds' },
                  { value: 'us', label: 'microseconds' },
                ]}
                onChange={set('timestampUnit')}
              />
            )}
            <TextField
              label="Roll every N batches"
              type="number"
              value={value.rollBatches}
              onChange={set('rollBatches')}
              hint="Empty and no seconds = one file per batch with rows"
            />
            <TextField
              label="Roll every T seconds"
              type="number"
              value={value.rollSeconds}
              onChange={set('rollSeconds')}
              hint="Whichever comes first"
            />
          </div>
          <div className="inline-fields">
            <SelectField
              label="Write to"
              value={value.target}
              options={[
                { value: 'local', label: 'Local folder' },
                { value: 's3', label: 'S3 / S3-compatible' },
              ]}
              onChange={set('target')}
            />
            {value.target === 'local' ? (
              <TextField
                label="Folder"
                wide
                value={value.folder}
                onChange={set('folder')}
                hint="On the engine's machine; created if missing"
              />
            ) : (
              <>
                <TextField label="Bucket" value={value.bucket} onChange={set('bucket')} />
                <TextField
                  label="Prefix"
                  value={value.prefix}
                  onChange={set('prefix')}
                  placeholder="parquet_files/"
                  hint="May hold {yyyy} {MM} {dd} {HH}"
                />
                <TextField label="Region" value={value.region} onChange={set('region')} />
                <TextField
                  label="Endpoint URL"
                  value={value.endpoint}
                  onChange={set('endpoint')}
                  placeholder="empty = AWS; http://127.0.0.1:9000 for MinIO"
                />
                <CheckboxField label="Path-style addressing" checked={value.pathStyle} onChange={set('pathStyle')} />
                <SelectField label="S3 credentials" value={value.credentialId} options={credentialOptions} onChange={set('credentialId')} />
              </>
            )}
          </div>
          {value.target === 's3' && (
            <p className="hint">
              Credentials are the ones saved under Exports → S3 credentials (stored encrypted; the pipeline keeps only which ones) or the
              default AWS chain. Files are named per batch range, so a restart neither repeats nor skips rows; set a lifecycle rule that
              aborts incomplete multipart uploads after a day.
            </p>
          )}
        </>
      )}
      {error !== undefined && <p className="error">{error}</p>}
    </fieldset>
  );
}
