import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Connection } from '../../shared/connection.js';
import type { BatchReport, ExportHistoryEntry, ExportProgress, ExportRequest, S3Target } from '../../shared/exports.js';
import type { Pipeline, PipelineInput, PipelineStatus } from '../../shared/pipelines.js';
import type { Engine } from '../../electron/engine/engine.js';
import { startS3Server, type S3Server } from '../s3-server.js';
import { data, tempDir, testEngine, uniqueName } from '../helpers.js';
import { duckdb } from './exports-readers.js';
import { s3Admin } from './pipelines-files-helpers.js';
import { TransactionalProducer } from '../../electron/engine/kafka/transactions.js';
import { clientOptions, createTopic, produceInput, waitFor } from './pipelines-helpers.js';

/** The transaction left open stays open for the whole test, however slow the machine (the broker aborts it after this). */
const OPEN_FOR_THE_TEST_MS = 300_000;

const bootstrap = inject('kafkaBootstrap');
const dataDir = tempDir('exports-pipelines-data');
const out = tempDir('exports-pipelines-out');
let engine: Engine;
let s3: S3Server;
let admin: S3Client;
let connectionId = '';
let credentialId = '';
const bucket = uniqueName('reports')
  .toLowerCase()
  .replace(/[^a-z0-9-]/g, '-')
  .slice(0, 40);
const progress: ExportProgress[] = [];
const statuses: PipelineStatus[] = [];

const MEASURES = ['temperature', 'humidity', 'pressure'] as const;
const BASE = Date.UTC(2024, 4, 1, 12);
/** The S3 scenario's shape: 10 sensors, a reading every 2 s, values that differ per reading. */
const readings = Array.from({ length: 400 }, (_, i) => ({
  timestamp: new Date(BASE + i * 2000).toISOString(),
  sensor_id: `sensor_${(i % 10) + 1}`,
  temperature: Math.round((15 + ((i * 7919) % 1500) / 100) * 100) / 100,
  humidity: Math.round((30 + ((i * 104729) % 4000) / 100) * 100) / 100,
  pressure: Math.round((990 + ((i * 1299709) % 3000) / 100) * 100) / 100,
}));
const readingsFile = join(out.path, 'readings.json');

function sensorsPipeline(topic: string, name: string): PipelineInput {
  return {
    name,
    connectionId,
    topics: [topic],
    groupId: uniqueName('exports-pipelines'),
    startingOffsets: { kind: 'earliest' },
    projection: [
      { column: 'timestamp', path: 'timestamp', type: 'timestamp', timestampFormat: 'iso' },
      { column: 'sensor_id', path: 'sensor_id', type: 'string' },
      ...MEASURES.map((m) => ({ column: m, path: m, type: 'double' as const })),
    ],
  };
}

function target(prefix: string): S3Target {
  return {
    kind: 's3',
    bucket,
    prefix,
    region: s3.region,
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { mode: 'saved', id: credentialId },
  };
}

async function finished(jobId: string): Promise<ExportProgress> {
  await waitFor(() => progress.some((p) => p.jobId === jobId && p.status !== 'running'), 90_000, `export ${jobId} finished`);
  const last = progress.filter((p) => p.jobId === jobId).at(-1);
  if (!last) throw new Error('no progress');
  return last;
}

async function runExport(
  request: ExportRequest,
): Promise<{ jobId: string; location: string; final: ExportProgress; events: ExportProgress[] }> {
  const started = data<{ jobId: string; location: string }>(await engine.dispatch('exports:start', request));
  const final = await finished(started.jobId);
  return { ...started, final, events: progress.filter((p) => p.jobId === started.jobId) };
}

/** An object of the bucket, saved to a local file for DuckDB. */
async function download(location: string, file: string): Promise<string> {
  const key = location.slice(`s3://${bucket}/`.length);
  const got = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  writeFileSync(file, await (got.Body?.transformToByteArray() ?? Promise.resolve(new Uint8Array())));
  return file;
}

const reportColumns = [
  'sensor_id',
  'total_readings',
  ...MEASURES.flatMap((m) => (['avg', 'min', 'max'] as const).map((fn) => `${fn}_${m}`)),
];
/** Numbers rounded to 9 digits (CSV text and Parquet doubles of the same value agree to that). */
const rounded = (rows: Record<string, unknown>[], columns: string[]) =>
  rows.map((r) =>
    Object.fromEntries(
      columns.map((c) => [c, typeof r[c] === 'number' ? Number(r[c].toFixed(9)) : typeof r[c] === 'bigint' ? Number(r[c]) : r[c]]),
    ),
  );

/** DuckDB's own GROUP BY over the produced readings: the report's reference. */
async function expectedReport(): Promise<Record<string, unknown>[]> {
  const select = MEASURES.flatMap((m) => ['avg', 'min', 'max'].map((fn) => `${fn}(${m})::DOUBLE AS ${fn}_${m}`)).join(', ');
  return rounded(
    await duckdb(
      `SELECT sensor_id, count(*)::BIGINT AS total_readings, ${select} FROM read_json('${readingsFile}') GROUP BY sensor_id ORDER BY sensor_id`,
    ),
    reportColumns,
  );
}

function expectProgressToClimb(events: ExportProgress[], total: number): void {
  const percents = events.map((e) => e.percent ?? 0);
  expect(percents[0], 'the first event').toBeLessThan(100);
  expect(percents.at(-1)).toBe(100);
  for (let i = 1; i < percents.length; i++)
    expect(percents[i], `event ${i} of ${percents.join(', ')}`).toBeGreaterThanOrEqual(percents[i - 1] ?? 0);
  expect(events.at(-1)).toMatchObject({ status: 'done', recordsRead: total, recordsTotal: total });
}

let topic = '';
let reportPipeline: Pipeline;

beforeAll(async () => {
  writeFileSync(readingsFile, JSON.stringify(readings));
  engine = testEngine(dataDir.path);
  engine.events.on('exports:progress', (p) => progress.push(p));
  engine.events.on('pipelines:status', (s) => statuses.push(s));
  connectionId = data<Connection>(await engine.dispatch('connections:save', { name: 'suite', bootstrapServers: bootstrap.split(',') })).id;
  s3 = await startS3Server();
  admin = s3Admin(s3);
  // One set of saved credentials, as the Exports page saves them.
  credentialId = data<{ id: string }>(
    await engine.dispatch('exports:saveCredentials', {
      name: 'S3Proxy',
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
    }),
  ).id;
  data(await engine.dispatch('exports:createBucket', target('')));
  topic = uniqueName('input_topic');
  await createTopic(bootstrap, topic, 3);
  await produceInput(bootstrap, [
    ...readings.map((r) => ({ topic, key: r.sensor_id, value: JSON.stringify(r) })),
    { topic, key: 'x', value: 'garbage' },
  ]);
  reportPipeline = data<Pipeline>(await engine.dispatch('pipelines:save', sensorsPipeline(topic, uniqueName('Sensors report'))));
});
afterAll(async () => {
  await engine.dispose();
  admin.destroy();
  await s3.stop();
  dataDir.remove();
  out.remove();
});

describe('a batch report as an export job', () => {
  it('writes CSV and Parquet of one bounded read to S3 with saved credentials, equal to a DuckDB GROUP BY, with progress and a history entry', async () => {
    const expected = await expectedReport();
    expect(expected).toHaveLength(10);
    const { jobId, location, final, events } = await runExport({
      source: { kind: 'batch-report', pipelineId: reportPipeline.id, report: 'sensors' },
      format: { kind: 'csv', delimiter: ',', header: true },
      extraFormats: [{ kind: 'parquet', codec: 'snappy', timestampUnit: 'ms' }],
      target: target('sensor_report/'),
    });
    expect(final.error).toBeUndefined();
    expect(final).toMatchObject({ status: 'done', rows: 10, percent: 100 });
    expectProgressToClimb(events, 401);
    const table = data<BatchReport>(await engine.dispatch('exports:batchReport', { jobId }));
    expect(table).toMatchObject({ recordsRead: 401, badRecords: { decode: 1 }, columns: reportColumns });
    expect(table.rows).toHaveLength(10);
    const [csvAt, parquetAt] = location.split(', ');
    expect(csvAt).toMatch(new RegExp(`^s3://${bucket}/sensor_report/report_sensors_report_[a-z0-9_]+\\.csv$`));
    expect(parquetAt).toBe(csvAt?.replace(/\.csv$/, '.parquet'));
    expect(table.files).toEqual([csvAt, parquetAt]);

    const csv = await download(csvAt ?? '', join(out.path, 'report.csv'));
    const parquet = await download(parquetAt ?? '', join(out.path, 'report.parquet'));
    const select = `SELECT ${reportColumns.join(', ')} FROM`;
    expect(rounded(await duckdb(`${select} read_csv('${csv}', header = true) ORDER BY sensor_id`), reportColumns)).toEqual(expected);
    expect(rounded(await duckdb(`${select} read_parquet('${parquet}') ORDER BY sensor_id`), reportColumns)).toEqual(expected);

    // The SQLite report table is replaced by the same rows.
    const store = new Database(join(dataDir.path, 'workbench.sqlite'), { readonly: true });
    expect(
      rounded(store.prepare(`SELECT * FROM "${table.table}" ORDER BY sensor_id`).all() as Record<string, unknown>[], reportColumns),
    ).toEqual(expected);
    store.close();

    const history = data<ExportHistoryEntry[]>(await engine.dispatch('exports:history', { limit: 10 })).find((h) => h.id === jobId);
    expect(history).toMatchObject({
      source: `Batch report of ${reportPipeline.name} (per sensor)`,
      format: 'csv "," + parquet snappy ms',
      status: 'done',
      rows: 10,
      location,
      error: null,
    });
    expect(history?.target).toMatch(new RegExp(`^s3://${bucket}/sensor_report/`));
  });

  it('writes Parquet and CSV to a local folder, named after the report table', async () => {
    const expected = await expectedReport();
    const folder = out.path;
    const { jobId, location, final, events } = await runExport({
      source: { kind: 'batch-report', pipelineId: reportPipeline.id, report: 'sensors', table: 'sensor_report' },
      format: { kind: 'parquet', codec: 'zstd', timestampUnit: 'ms' },
      extraFormats: [{ kind: 'csv', delimiter: ',', header: true }],
      target: { kind: 'local', folder },
    });
    expect(final).toMatchObject({ status: 'done', rows: 10 });
    expectProgressToClimb(events, 401);
    expect(location).toBe(`${join(folder, 'sensor_report.parquet')}, ${join(folder, 'sensor_report.csv')}`);
    const select = `SELECT ${reportColumns.join(', ')} FROM`;
    expect(
      rounded(await duckdb(`${select} read_parquet('${join(folder, 'sensor_report.parquet')}') ORDER BY sensor_id`), reportColumns),
    ).toEqual(expected);
    expect(
      rounded(await duckdb(`${select} read_csv('${join(folder, 'sensor_report.csv')}', header = true) ORDER BY sensor_id`), reportColumns),
    ).toEqual(expected);
    expect(data<BatchReport>(await engine.dispatch('exports:batchReport', { jobId })).table).toBe('sensor_report');
  });

  it('says which files were already written when a later file of the same job cannot be', async () => {
    const folder = join(out.path, 'half');
    // A non-empty folder where the CSV should go: the Parquet file is renamed into place, the CSV cannot be.
    mkdirSync(join(folder, 'blocked.csv'), { recursive: true });
    writeFileSync(join(folder, 'blocked.csv', 'keep'), 'x');
    const { final } = await runExport({
      source: { kind: 'batch-report', pipelineId: reportPipeline.id, report: 'sensors', table: 'blocked' },
      format: { kind: 'parquet', codec: 'snappy', timestampUnit: 'ms' },
      extraFormats: [{ kind: 'csv', delimiter: ',', header: true }],
      target: { kind: 'local', folder },
    });
    expect(final.status).toBe('failed');
    expect(final.error).toMatch(new RegExp(`\\. Already written: ${join(folder, 'blocked.parquet').replaceAll('/', '\\/')}$`));
    expect(readdirSync(folder).sort()).toEqual(['blocked.csv', 'blocked.parquet']);
  });

  it('is cancelled like other export jobs while its read waits on an open transaction, leaving no file and a cancelled history entry', async () => {
    const pending = uniqueName('open_txn');
    await createTopic(bootstrap, pending, 1);
    const producer = new TransactionalProducer(clientOptions(bootstrap), uniqueName('open-txn-producer'), OPEN_FOR_THE_TEST_MS);
    const folder = join(out.path, 'cancelled');
    mkdirSync(folder);
    try {
      await producer.init();
      await producer.run((send) => send(readings.slice(0, 50).map((r) => ({ topic: pending, partition: 0, value: JSON.stringify(r) }))));
      // read_committed stops at the open transaction: the range's end (the high watermark) is not reached until it ends.
      await producer.begin(readings.slice(50, 55).map((r) => ({ topic: pending, partition: 0, value: JSON.stringify(r) })));
      const waiting = data<Pipeline>(await engine.dispatch('pipelines:save', sensorsPipeline(pending, uniqueName('Sensors waiting'))));
      const { jobId } = data<{ jobId: string }>(
        await engine.dispatch('exports:start', {
          source: { kind: 'batch-report', pipelineId: waiting.id, report: 'sensors' },
          format: { kind: 'csv' },
          target: { kind: 'local', folder },
        }),
      );
      await waitFor(
        () => progress.some((p) => p.jobId === jobId && p.status === 'running' && p.recordsRead === 50),
        30_000,
        '50 records read',
      );
      const running = progress.filter((p) => p.jobId === jobId).at(-1);
      // 50 committed records + their commit marker, then the 5 open ones: 50 of 56 offsets.
      expect(running).toMatchObject({ status: 'running', recordsRead: 50, recordsTotal: 56 });
      expect(running?.percent).toBeCloseTo((50 / 56) * 100, 6);
      expect(data<{ cancelled: boolean }>(await engine.dispatch('exports:cancel', { jobId }))).toEqual({ cancelled: true });
      expect(await finished(jobId)).toMatchObject({ status: 'cancelled' });
      expect(readdirSync(folder)).toEqual([]);
      expect(data<ExportHistoryEntry[]>(await engine.dispatch('exports:history', { limit: 10 })).find((h) => h.id === jobId)).toMatchObject(
        { status: 'cancelled', rows: 0 },
      );
      expect(data<BatchReport | null>(await engine.dispatch('exports:batchReport', { jobId }))).toBeNull();
    } finally {
      await producer.end('abort').catch(() => undefined);
      await producer.close();
    }
  });

  it('refuses the same format twice, a pipeline without an aggregation for its own report, and a removed pipeline', async () => {
    const twice = await engine.dispatch('exports:start', {
      source: { kind: 'batch-report', pipelineId: reportPipeline.id, report: 'sensors' },
      format: { kind: 'csv' },
      extraFormats: [{ kind: 'csv', delimiter: ';' }],
      target: { kind: 'local', folder: out.path },
    });
    expect(twice).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', message: expect.stringMatching(/Each format may be chosen once/) as unknown },
    });
    const own = await engine.dispatch('exports:start', {
      source: { kind: 'batch-report', pipelineId: reportPipeline.id },
      format: { kind: 'csv' },
      target: { kind: 'local', folder: out.path },
    });
    expect(own).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', message: 'A batch report needs an aggregation: give the pipeline one or choose a report' },
    });
    const gone = await engine.dispatch('exports:start', {
      source: { kind: 'pipeline-results', pipelineId: 'no-such-pipeline' },
      format: { kind: 'jsonl' },
      target: { kind: 'local', folder: out.path },
    });
    expect(gone).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'No pipeline with id no-such-pipeline; it may have been removed' },
    });
  });
});

describe("a pipeline's results as an export source", () => {
  it('exports the stored window results to Parquet (local) and CSV (S3), equal to pipeline_results and to a DuckDB GROUP BY per 5-minute window', async () => {
    const windowed = data<Pipeline>(
      await engine.dispatch('pipelines:save', {
        ...sensorsPipeline(topic, uniqueName('Sensors windows')),
        aggregation: {
          groupBy: ['sensor_id'],
          window: { column: 'timestamp', durationMs: 300_000 },
          watermarkDelayMs: 600_000,
          aggregates: [
            { fn: 'avg', column: 'temperature', as: 'avg_temperature' },
            { fn: 'count', as: 'num_readings' },
          ],
        },
        outputMode: 'update',
      }),
    );
    data(await engine.dispatch('pipelines:start', { id: windowed.id }));
    await waitFor(() => statuses.some((s) => s.pipelineId === windowed.id && s.recordsIn === 401), 60_000, '401 records in');
    data(await engine.dispatch('pipelines:stop', { id: windowed.id }));

    const store = new Database(join(dataDir.path, 'workbench.sqlite'), { readonly: true });
    const stored = store
      .prepare<[string], { group_json: string; window_start: number; window_end: number; values_json: string }>(
        'SELECT group_json, window_start, window_end, values_json FROM pipeline_results WHERE pipeline_id = ?',
      )
      .all(windowed.id)
      .map((r) => {
        const values = JSON.parse(r.values_json) as { avg_temperature: number; num_readings: number };
        return {
          sensor_id: (JSON.parse(r.group_json) as string[])[0],
          window_start: r.window_start,
          window_end: r.window_end,
          avg_temperature: Number(values.avg_temperature.toFixed(9)),
          num_readings: values.num_readings,
        };
      })
      .sort((a, b) => a.window_start - b.window_start || String(a.sensor_id).localeCompare(String(b.sensor_id)));
    store.close();
    // 400 readings 2 s apart span 800 s: windows 12:00, 12:05, 12:10 for each of the 10 sensors.
    expect(stored).toHaveLength(30);
    const grouped = await duckdb(
      `SELECT sensor_id, epoch_ms(time_bucket(INTERVAL 5 MINUTE, timestamp::TIMESTAMP)) AS window_start, count(*)::INT AS num_readings, avg(temperature) AS avg_temperature
       FROM read_json('${readingsFile}') GROUP BY ALL ORDER BY window_start, sensor_id`,
    );
    expect(
      grouped.map((g) => ({
        sensor_id: g.sensor_id,
        window_start: Number(g.window_start),
        window_end: Number(g.window_start) + 300_000,
        avg_temperature: Number(Number(g.avg_temperature).toFixed(9)),
        num_readings: g.num_readings,
      })),
    ).toEqual(stored);

    const columns = ['sensor_id', 'window_start', 'window_end', 'avg_temperature', 'num_readings'];
    const read = (from: string) =>
      duckdb(
        `SELECT sensor_id, epoch_ms(window_start) AS window_start, epoch_ms(window_end) AS window_end, avg_temperature, num_readings::INT AS num_readings, typeof(window_start) AS t FROM ${from} ORDER BY window_start, sensor_id`,
      );
    const compare = (rows: Record<string, unknown>[]) => {
      expect(
        rows.every((r) => String(r.t).startsWith('TIMESTAMP')),
        `window_start types ${rows.map((r) => String(r.t)).join(',')}`,
      ).toBe(true);
      expect(rounded(rows, columns).map((r) => ({ ...r, window_start: Number(r.window_start), window_end: Number(r.window_end) }))).toEqual(
        stored,
      );
    };

    const local = await runExport({
      source: { kind: 'pipeline-results', pipelineId: windowed.id },
      format: { kind: 'parquet', codec: 'snappy', timestampUnit: 'us' },
      target: { kind: 'local', folder: out.path },
      name: 'windows',
    });
    expect(local.final).toMatchObject({ status: 'done', rows: 30, percent: 100, location: join(out.path, 'windows.parquet') });
    compare(await read(`read_parquet('${join(out.path, 'windows.parquet')}')`));

    const remote = await runExport({
      source: { kind: 'pipeline-results', pipelineId: windowed.id },
      format: { kind: 'csv', delimiter: ',', header: true },
      target: target('results/'),
    });
    expect(remote.final).toMatchObject({ status: 'done', rows: 30, percent: 100 });
    const csv = await download(remote.location, join(out.path, 'windows.csv'));
    compare(await read(`read_csv('${csv}', header = true, timestampformat = '%Y-%m-%dT%H:%M:%S.%gZ')`));

    const history = data<ExportHistoryEntry[]>(await engine.dispatch('exports:history', { limit: 10 }));
    expect(history.find((h) => h.id === remote.jobId)).toMatchObject({
      source: `Results of pipeline ${windowed.name}`,
      status: 'done',
      rows: 30,
      location: remote.location,
    });
  });

  it('refuses a pipeline without an aggregation: it stores no result rows', async () => {
    const refused = await engine.dispatch('exports:start', {
      source: { kind: 'pipeline-results', pipelineId: reportPipeline.id },
      format: { kind: 'jsonl' },
      target: { kind: 'local', folder: out.path },
    });
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'VALIDATION',
        message: `Pipeline ${reportPipeline.name} has no aggregation, so it stores no result rows; export the table or files its sinks write`,
      },
    });
  });
});
