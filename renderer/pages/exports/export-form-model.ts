import { exportRequestSchema, type ExportRequest, type ExportTarget, type ParquetCodec } from '../../../shared/exports.js';
import { describeZodError } from '../../../shared/errors.js';

/** Where an export writes, as the target picker's inputs hold it (the Exports form and the batch report panel). */
export interface ExportTargetState {
  targetKind: 'local' | 's3';
  folder: string;
  bucket: string;
  prefix: string;
  region: string;
  endpoint: string;
  forcePathStyle: boolean;
  credentials: 'default-chain' | 'saved' | 'keys';
  /** Id of the saved S3 credentials when `credentials` is 'saved'. */
  credentialId: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** Everything the export form edits, as the strings and flags its inputs hold. */
export interface ExportFormState extends ExportTargetState {
  sourceKind: 'topic' | 'table' | 'pipeline-results';
  topic: string;
  partitions: string;
  fromOffset: string;
  toOffset: string;
  table: 'export_history' | 'users';
  /** Id of the pipeline whose results to export. */
  pipelineId: string;
  format: 'csv' | 'jsonl' | 'parquet';
  codec: ParquetCodec;
  timestampUnit: 'ms' | 'us';
  delimiter: ',' | ';' | 'tab' | '|';
  header: boolean;
  name: string;
}

export function initialTarget(folder: string, prefix = 'exports/{yyyy}/{MM}/{dd}/'): ExportTargetState {
  return {
    targetKind: 'local',
    folder,
    bucket: '',
    prefix,
    region: 'us-east-1',
    endpoint: '',
    forcePathStyle: false,
    credentials: 'default-chain',
    credentialId: '',
    accessKeyId: '',
    secretAccessKey: '',
  };
}

/** The target the picker describes (checked by the contract's schema with the rest of the request). */
export function toExportTarget(form: ExportTargetState): { target: ExportTarget } | { error: string } {
  if (form.targetKind === 's3' && form.credentials === 'saved' && form.credentialId === '')
    return { error: 'Choose saved S3 credentials, or save some under Exports' };
  return {
    target:
      form.targetKind === 'local'
        ? { kind: 'local', folder: form.folder.trim() }
        : {
            kind: 's3',
            bucket: form.bucket.trim(),
            prefix: form.prefix.trim(),
            region: form.region.trim(),
            ...(form.endpoint.trim() !== '' ? { endpoint: form.endpoint.trim() } : {}),
            forcePathStyle: form.forcePathStyle,
            credentials:
              form.credentials === 'keys'
                ? { mode: 'keys', accessKeyId: form.accessKeyId.trim(), secretAccessKey: form.secretAccessKey }
                : form.credentials === 'saved'
                  ? { mode: 'saved', id: form.credentialId }
                  : { mode: 'default-chain' },
          },
  };
}

export function initialExportForm(folder: string): ExportFormState {
  return {
    ...initialTarget(folder),
    sourceKind: 'topic',
    topic: '',
    partitions: '',
    fromOffset: '',
    toOffset: '',
    table: 'export_history',
    pipelineId: '',
    format: 'parquet',
    codec: 'snappy',
    timestampUnit: 'ms',
    delimiter: ',',
    header: true,
    name: '',
  };
}

function parsePartitions(text: string): number[] | string {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.some((p) => !/^\d+$/.test(p))) return 'partitions: comma-separated partition numbers, e.g. 0,2';
  return parts.map(Number);
}

/** The request the form describes, or the first thing to fix. Checked with the contract's own schema. */
export function toExportRequest(form: ExportFormState, connectionId: string | null): { request: ExportRequest } | { error: string } {
  let source: ExportRequest['source'];
  if (form.sourceKind === 'topic') {
    if (connectionId === null) return { error: 'No active connection: choose one in the top bar' };
    if (form.topic === '') return { error: 'Choose a topic' };
    const partitions = parsePartitions(form.partitions);
    if (typeof partitions === 'string') return { error: partitions };
    source = {
      kind: 'topic',
      connectionId,
      topic: form.topic,
      partitions,
      ...(form.fromOffset.trim() !== '' ? { fromOffset: form.fromOffset.trim() } : {}),
      ...(form.toOffset.trim() !== '' ? { toOffset: form.toOffset.trim() } : {}),
    };
  } else if (form.sourceKind === 'pipeline-results') {
    if (form.pipelineId === '') return { error: 'Choose a pipeline' };
    source = { kind: 'pipeline-results', pipelineId: form.pipelineId };
  } else {
    source = { kind: 'table', table: form.table };
  }
  const format: ExportRequest['format'] =
    form.format === 'parquet'
      ? { kind: 'parquet', codec: form.codec, timestampUnit: form.timestampUnit }
      : form.format === 'csv'
        ? { kind: 'csv', delimiter: form.delimiter === 'tab' ? '\t' : form.delimiter, header: form.header }
        : { kind: 'jsonl' };
  const built = toExportTarget(form);
  if ('error' in built) return built;
  const target = built.target;
  const request: ExportRequest = { source, format, target, ...(form.name.trim() !== '' ? { name: form.name.trim() } : {}) };
  const checked = exportRequestSchema.safeParse(request);
  return checked.success ? { request } : { error: describeZodError(checked.error) };
}
