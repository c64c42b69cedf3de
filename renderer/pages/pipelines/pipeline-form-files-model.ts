import type { ParquetCodec } from '../../../shared/exports.js';
import { toExportTarget } from '../exports/export-form-model.js';
import type { FileSinkSpec, Pipeline } from '../../../shared/pipelines.js';

/** The rolling file sink as the form's inputs hold it. */
export interface FileSinkForm {
  enabled: boolean;
  format: 'parquet' | 'csv' | 'jsonl';
  codec: ParquetCodec;
  timestampUnit: 'ms' | 'us';
  target: 'local' | 's3';
  folder: string;
  bucket: string;
  prefix: string;
  region: string;
  endpoint: string;
  pathStyle: boolean;
  /** Saved S3 credentials (Exports → S3 credentials) by id; '' = the default AWS chain. */
  credentialId: string;
  rollBatches: string;
  rollSeconds: string;
}

export function emptyFileSinkForm(): FileSinkForm {
  return {
    enabled: false,
    format: 'parquet',
    codec: 'snappy',
    timestampUnit: 'ms',
    target: 'local',
    folder: '',
    bucket: '',
    prefix: '',
    region: 'us-east-1',
    endpoint: '',
    pathStyle: false,
    credentialId: '',
    rollBatches: '',
    rollSeconds: '',
  };
}

/** `folder` + `/` + `name` with the folder's own separator (a Windows data folder keeps `\\`). */
export function childFolder(folder: string, name: string): string {
  const separator = folder.includes('\\') && !folder.includes('/') ? '\\' : '/';
  return `${folder.replace(/[\\/]+$/, '')}${separator}${name}`;
}

/**
 * S1: Parquet to `<data folder>/parquet_files` by default; the S3 option points at
 * `streaming-bucket-1/parquet_files/`. An absolute folder, because a relative one lands wherever the
 * engine process was started; the data folder, because the app already owns and shows it (top bar,
 * Settings) and exports default to it too. One file per minute rather than one per 5-second batch.
 */
export function issS1FileSink(dataDir: string): FileSinkForm {
  return {
    ...emptyFileSinkForm(),
    enabled: true,
    folder: childFolder(dataDir, 'parquet_files'),
    bucket: 'streaming-bucket-1',
    prefix: 'parquet_files/',
    rollSeconds: '60',
  };
}

export function fileSinkToForm(sinks: Pipeline['sinks'] | undefined): FileSinkForm {
  const spec = sinks?.find((s): s is FileSinkSpec => s.kind === 'files');
  if (!spec) return emptyFileSinkForm();
  const base = emptyFileSinkForm();
  const t = spec.target;
  return {
    ...base,
    enabled: true,
    format: spec.format.kind,
    codec: spec.format.kind === 'parquet' ? spec.format.codec : base.codec,
    timestampUnit: spec.format.kind === 'parquet' ? spec.format.timestampUnit : base.timestampUnit,
    target: t.kind,
    folder: t.kind === 'local' ? t.folder : '',
    bucket: t.kind === 's3' ? t.bucket : '',
    prefix: t.kind === 's3' ? t.prefix : '',
    region: t.kind === 's3' ? t.region : base.region,
    endpoint: t.kind === 's3' ? (t.endpoint ?? '') : '',
    pathStyle: t.kind === 's3' ? t.forcePathStyle : false,
    credentialId: t.kind === 's3' && t.credentials.mode === 'saved' ? t.credentials.id : '',
    rollBatches: spec.rolling.batches === undefined ? '' : String(spec.rolling.batches),
    rollSeconds: spec.rolling.seconds === undefined ? '' : String(spec.rolling.seconds),
  };
}

const wholeOrEmpty = (text: string) => (text.trim() === '' ? undefined : Number(text));

/** The form → a file sink, or the message to show beside the fields (the engine validates again). */
export function fileSinkFromForm(form: FileSinkForm): { sink: FileSinkSpec | null } | { error: string } {
  if (!form.enabled) return { sink: null };
  const batches = wholeOrEmpty(form.rollBatches);
  const seconds = wholeOrEmpty(form.rollSeconds);
  for (const n of [batches, seconds])
    if (n !== undefined && (!Number.isInteger(n) || n < 1)) return { error: 'Rolling: whole numbers ≥ 1, or empty' };
  if (form.target === 'local' && form.folder.trim() === '') return { error: 'Choose a folder for the files' };
  if (form.target === 's3' && form.bucket.trim().length < 3) return { error: 'Name the S3 bucket' };
  if (form.target === 's3' && form.endpoint.trim() !== '' && !/^https?:\/\/\S+$/.test(form.endpoint.trim()))
    return { error: 'The endpoint is a URL such as http://127.0.0.1:9000' };
  const format: FileSinkSpec['format'] =
    form.format === 'parquet'
      ? { kind: 'parquet', codec: form.codec, timestampUnit: form.timestampUnit, rowGroupRows: 100_000 }
      : form.format === 'csv'
        ? { kind: 'csv', delimiter: ',', header: true }
        : { kind: 'jsonl' };
  // The same target builder as the Exports form and the batch report (keys are never stored in a
  // pipeline: saved credentials or the default chain).
  const built = toExportTarget({
    targetKind: form.target,
    folder: form.folder,
    bucket: form.bucket,
    prefix: form.prefix,
    region: form.region.trim() || 'us-east-1',
    endpoint: form.endpoint,
    forcePathStyle: form.pathStyle,
    credentials: form.credentialId === '' ? 'default-chain' : 'saved',
    credentialId: form.credentialId,
    accessKeyId: '',
    secretAccessKey: '',
  });
  if ('error' in built) return built;
  const target: FileSinkSpec['target'] = built.target;
  return {
    sink: {
      kind: 'files',
      format,
      target,
      rolling: { ...(batches === undefined ? {} : { batches }), ...(seconds === undefined ? {} : { seconds }) },
    },
  };
}
