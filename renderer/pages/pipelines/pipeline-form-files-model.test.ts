import { describe, expect, it } from 'vitest';
import { pipelineInputSchema, pipelineSchema } from '../../../shared/pipelines.js';
import { childFolder } from './pipeline-form-files-model.js';
import { formToInput, issS1Preset, pipelineToForm } from './pipeline-form-model.js';
import { resultsRangeText } from './results-table.js';

const DATA = '/home/me/.kafka-workbench';

describe('pipeline form: rolling file sink and the ISS → Parquet preset', () => {
  it('turns the S1 preset into project_topic → typed columns → Parquet in <data folder>/parquet_files, a file per minute', () => {
    const result = formToInput(issS1Preset(DATA), 'c1');
    if (!('input' in result)) throw new Error(JSON.stringify(result.errors));
    const spec = pipelineInputSchema.parse(result.input);
    expect(spec.topics).toEqual(['project_topic']);
    expect(spec.projection.map((c) => [c.column, c.path, c.type, c.timestampFormat])).toEqual([
      ['timestamp', 'timestamp', 'timestamp', 'epoch-s'],
      ['latitude', 'iss_position.latitude', 'double', undefined],
      ['longitude', 'iss_position.longitude', 'double', undefined],
    ]);
    expect(spec.sinks).toEqual([
      {
        kind: 'files',
        format: { kind: 'parquet', codec: 'snappy', timestampUnit: 'ms', rowGroupRows: 100_000 },
        target: { kind: 'local', folder: '/home/me/.kafka-workbench/parquet_files' },
        rolling: { seconds: 60 },
      },
    ]);
  });

  it('offers S3 with the S1 bucket and prefix, keyless, and round-trips through a saved pipeline', () => {
    const preset = issS1Preset(DATA);
    const form = {
      ...preset,
      files: {
        ...preset.files,
        target: 's3' as const,
        endpoint: 'http://127.0.0.1:9000',
        pathStyle: true,
        rollBatches: '10',
        rollSeconds: '60',
      },
    };
    const result = formToInput(form, 'c1');
    if (!('input' in result)) throw new Error(JSON.stringify(result.errors));
    const spec = pipelineInputSchema.parse(result.input);
    expect(spec.sinks[0]).toMatchObject({
      kind: 'files',
      target: {
        kind: 's3',
        bucket: 'streaming-bucket-1',
        prefix: 'parquet_files/',
        endpoint: 'http://127.0.0.1:9000',
        forcePathStyle: true,
        credentials: { mode: 'default-chain' },
      },
      rolling: { batches: 10, seconds: 60 },
    });
    const saved = pipelineSchema.parse({ ...spec, id: 'x', createdAt: 0, updatedAt: 0 });
    expect(pipelineToForm(saved).files).toEqual({ ...form.files, folder: '' });
  });

  it('puts the S1 folder under the data folder with its own separator', () => {
    expect(childFolder('/data/wb/', 'parquet_files')).toBe('/data/wb/parquet_files');
    expect(childFolder('C:\\Users\\me\\AppData\\kafka-workbench', 'parquet_files')).toBe(
      'C:\\Users\\me\\AppData\\kafka-workbench\\parquet_files',
    );
  });

  it('keeps the saved S3 credentials of a pipeline through editing and saving it again', () => {
    const preset = issS1Preset(DATA);
    const form = {
      ...preset,
      files: { ...preset.files, target: 's3' as const, endpoint: 'http://127.0.0.1:9000', pathStyle: true, credentialId: 'cred-1' },
    };
    const result = formToInput(form, 'c1');
    if (!('input' in result)) throw new Error(JSON.stringify(result.errors));
    const spec = pipelineInputSchema.parse(result.input);
    expect(spec.sinks[0]).toMatchObject({ target: { kind: 's3', credentials: { mode: 'saved', id: 'cred-1' } } });
    // Opened for editing and saved unchanged: still the same saved credentials, not the default chain.
    const saved = pipelineSchema.parse({ ...spec, id: 'x', createdAt: 0, updatedAt: 0 });
    const again = formToInput(pipelineToForm(saved), 'c1');
    if (!('input' in again)) throw new Error(JSON.stringify(again.errors));
    expect(pipelineInputSchema.parse(again.input).sinks[0]).toMatchObject({ target: { credentials: { mode: 'saved', id: 'cred-1' } } });
  });

  it('shows a message instead of saving a file sink without a folder or with a bad roll count', () => {
    const preset = issS1Preset(DATA);
    expect(formToInput({ ...preset, files: { ...preset.files, folder: ' ' } }, 'c1')).toEqual({
      errors: { files: 'Choose a folder for the files' },
    });
    expect(formToInput({ ...preset, files: { ...preset.files, rollBatches: '0' } }, 'c1')).toEqual({
      errors: { files: 'Rolling: whole numbers ≥ 1, or empty' },
    });
  });

  it('refuses S3 keys in a pipeline spec (it is stored in clear)', () => {
    const input = formToInput(issS1Preset(DATA), 'c1');
    if (!('input' in input)) throw new Error('preset invalid');
    const withKeys = {
      ...input.input,
      sinks: [
        {
          kind: 'files',
          format: { kind: 'jsonl' },
          target: { kind: 's3', bucket: 'b-1', credentials: { mode: 'keys', accessKeyId: 'a', secretAccessKey: 's' } },
        },
      ],
    };
    expect(pipelineInputSchema.safeParse(withKeys).success).toBe(false);
  });
});

describe('pipeline Results panel: where the rows went', () => {
  const files = { done: 3, pending: 0, rowsWritten: 137, rowsWaiting: 0, lastError: null, lastWriteMs: 1 };

  it('says the rows went to files, not "no rows", for a pipeline that writes files', () => {
    expect(resultsRangeText(0, 0, 50, files)).toBe('Rows go to files: 137 rows in 3 files written');
    expect(resultsRangeText(0, 0, 50, { ...files, done: 1, rowsWritten: 1, pending: 2, rowsWaiting: 10_000 })).toBe(
      'Rows go to files: 1 row in 1 file written; 10,000 rows in 2 files waiting to be written',
    );
  });

  it('keeps the page range for a result table and "no rows" without file sinks', () => {
    expect(resultsRangeText(120, 50, 50, files)).toBe('51–100 of 120');
    expect(resultsRangeText(0, 0, 50, undefined)).toBe('no rows');
  });
});
