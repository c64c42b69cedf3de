import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { S3Target } from '../../shared/exports.js';
import type { Pipeline, PipelineStatus, ResultsPage } from '../../shared/pipelines.js';
import { keyHint } from '../../electron/engine/store/s3-credentials.js';
import { createBucket } from '../../electron/engine/exports/targets/s3-bucket.js';
import { tempDir, uniqueName } from '../helpers.js';
import { duckdb } from '../integration/exports-readers.js';
import { s3Admin } from '../integration/pipelines-files-helpers.js';
import { clientOptions, createTopic, produceInput } from '../integration/pipelines-helpers.js';
import { TransactionalProducer } from '../../electron/engine/kafka/transactions.js';
import { startS3Server, type S3Server } from '../s3-server.js';
import { screenshots, startServeSession, type ServeSession } from './serve-fixture.js';

/** The transaction left open stays open for the whole test, however slow the machine (the broker aborts it after this). */
const OPEN_FOR_THE_TEST_MS = 300_000;

const bootstrap = inject('kafkaBootstrap');
const out = tempDir('e2e-exports-pipelines');
const bucket = uniqueName('e2e-reports')
  .toLowerCase()
  .replace(/[^a-z0-9-]/g, '-')
  .slice(0, 40);
let session: ServeSession;
let s3: S3Server;
let admin: S3Client;
let connectionId = '';

const BASE = Date.UTC(2024, 4, 1, 12, 0, 0);
/** 3 sensors × 40 readings 7 s apart (840 s: three 5-minute windows), values that differ per reading. */
const readings = Array.from({ length: 120 }, (_, i) => ({
  timestamp: new Date(BASE + i * 7_000).toISOString(),
  sensor_id: `sensor_${i % 3}`,
  temperature: 15 + ((i * 37) % 200) / 10,
  humidity: 30 + ((i * 13) % 50),
  pressure: 990 + ((i * 7) % 40) / 4,
}));
const measures = ['temperature', 'humidity', 'pressure'] as const;
const reportColumns = [
  'sensor_id',
  'total_readings',
  ...measures.flatMap((m) => (['avg', 'min', 'max'] as const).map((fn) => `${fn}_${m}`)),
];
const round = (rows: Record<string, unknown>[], columns: string[]) =>
  rows.map((r) =>
    Object.fromEntries(
      columns.map((c) => [c, typeof r[c] === 'number' ? Number(r[c].toFixed(9)) : typeof r[c] === 'bigint' ? Number(r[c]) : r[c]]),
    ),
  );

beforeAll(async () => {
  s3 = await startS3Server();
  admin = s3Admin(s3);
  const target: S3Target = {
    kind: 's3',
    bucket,
    prefix: '',
    region: s3.region,
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { mode: 'keys', accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  };
  await createBucket(target);
  session = await startServeSession();
  connectionId = await session.connect('suite', bootstrap);
  // The credentials are saved once, as under Exports → S3 credentials (that form has its own test).
  await session.call('exports:saveCredentials', { name: 'S3Proxy', accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey });
});
afterAll(async () => {
  await session?.close();
  admin?.destroy();
  await s3?.stop();
  out.remove();
});

async function download(location: string, file: string): Promise<string> {
  const got = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: location.slice(`s3://${bucket}/`.length) }));
  writeFileSync(file, await (got.Body?.transformToByteArray() ?? Promise.resolve(new Uint8Array())));
  return file;
}

describe('batch reports and pipeline results as exports, in Chromium through serve', () => {
  it(
    'runs a batch report to S3 from the pipeline panel, finds it in the Exports history, and exports the pipeline results from the Exports page',
    { timeout: 180_000 },
    async () => {
      const input = uniqueName('batch_input');
      await createTopic(bootstrap, input, 3);
      await produceInput(
        bootstrap,
        readings.map((r) => ({ topic: input, key: r.sensor_id, value: JSON.stringify(r) })),
      );
      const readingsFile = join(out.path, 'readings.json');
      writeFileSync(readingsFile, JSON.stringify(readings));
      const expected = round(
        await duckdb(
          `SELECT sensor_id, count(*)::BIGINT AS total_readings, ${measures.flatMap((m) => ['avg', 'min', 'max'].map((fn) => `${fn}(${m})::DOUBLE AS ${fn}_${m}`)).join(', ')} FROM read_json('${readingsFile}') GROUP BY sensor_id ORDER BY sensor_id`,
        ),
        reportColumns,
      );
      expect(expected).toHaveLength(3);

      // A windowed pipeline run once to its end, so it has stored results too.
      const name = uniqueName('Sensors export');
      const pipeline = (await session.call('pipelines:save', {
        name,
        connectionId,
        topics: [input],
        groupId: uniqueName('e2e-export'),
        startingOffsets: { kind: 'earliest' },
        projection: [
          { column: 'timestamp', path: 'timestamp', type: 'timestamp', timestampFormat: 'iso' },
          { column: 'sensor_id', path: 'sensor_id', type: 'string' },
          ...measures.map((m) => ({ column: m, path: m, type: 'double' })),
        ],
        aggregation: {
          groupBy: ['sensor_id'],
          window: { column: 'timestamp', durationMs: 300_000 },
          watermarkDelayMs: 600_000,
          aggregates: [
            { fn: 'avg', column: 'temperature', as: 'avg_temperature' },
            { fn: 'count', as: 'num_readings' },
          ],
        },
      })) as Pipeline;
      await session.call('pipelines:start', { id: pipeline.id });
      await expect
        .poll(async () => ((await session.call('pipelines:status', { id: pipeline.id })) as PipelineStatus).recordsIn, { timeout: 60_000 })
        .toBe(120);
      await session.call('pipelines:stop', { id: pipeline.id });

      const page = await session.newPage();
      await page.goto(`${session.url}#/pipelines`);
      await page.getByTestId('pipelines-page').waitFor();
      await page.getByRole('button', { name, exact: true }).click();
      const panel = page.getByRole('group', { name: 'Batch report' });
      await panel.getByLabel('Report', { exact: true }).selectOption('sensors');
      await panel.getByLabel('Report CSV').check();
      await panel.getByLabel('Report Parquet').check();
      await panel.getByLabel('Write to').selectOption('s3');
      await panel.getByLabel('Bucket').fill(bucket);
      await panel.getByLabel('Prefix').fill('sensor_report/');
      await panel.getByLabel('Region').fill(s3.region);
      await panel.getByLabel('Endpoint URL').fill(s3.endpoint);
      await panel.getByLabel('Path-style addressing').check();
      await panel.getByLabel('Credentials', { exact: true }).selectOption('saved');
      await panel.getByLabel('Saved credentials').selectOption({ label: `S3Proxy (${keyHint(s3.accessKeyId)})` });
      await panel.getByRole('button', { name: 'Run batch report' }).click();
      await expect
        .poll(() => panel.getByTestId('batch-report-summary').innerText(), { timeout: 60_000 })
        .toMatch(/^120 records, 3 rows in table report_sensors_export_/);
      const files = await panel.getByTestId('batch-report-file').allInnerTexts();
      expect(files).toHaveLength(2);
      expect(files.every((f) => f.startsWith(`s3://${bucket}/sensor_report/report_sensors_export_`))).toBe(true);
      await panel.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(screenshots, 'pipelines-batch-report-s3.png'), fullPage: true });

      const select = `SELECT ${reportColumns.join(', ')} FROM`;
      const csv = await download(files.find((f) => f.endsWith('.csv')) ?? '', join(out.path, 'report.csv'));
      const parquet = await download(files.find((f) => f.endsWith('.parquet')) ?? '', join(out.path, 'report.parquet'));
      expect(round(await duckdb(`${select} read_csv('${csv}', header = true) ORDER BY sensor_id`), reportColumns)).toEqual(expected);
      expect(round(await duckdb(`${select} read_parquet('${parquet}') ORDER BY sensor_id`), reportColumns)).toEqual(expected);

      // The report's job in the Exports history.
      await panel.getByRole('link', { name: 'Exports' }).click();
      await page.getByTestId('exports-page').waitFor();
      const reportRow = page.getByTestId('export-history-row').filter({ hasText: `Batch report of ${name} (per sensor)` });
      await expect.poll(() => reportRow.getAttribute('data-status')).toBe('done');
      expect(await reportRow.innerText()).toContain(files[0]);

      // The pipeline's stored results from the Exports page.
      const form = page.getByRole('form', { name: 'New export' });
      await form.getByLabel('Export', { exact: true }).selectOption('pipeline-results');
      await form.getByLabel('Pipeline').selectOption({ label: name });
      await form.getByLabel('Format', { exact: true }).selectOption('parquet');
      await form.getByLabel('Folder').fill(out.path);
      await form.getByLabel('File name').fill('windows');
      await form.screenshot({ path: join(screenshots, 'exports-pipeline-results-form.png') });
      await form.getByRole('button', { name: 'Start export' }).click();
      const resultsRow = page.getByTestId('export-history-row').filter({ hasText: `Results of pipeline ${name}` });
      await expect.poll(() => resultsRow.getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
      await page.screenshot({ path: join(screenshots, 'exports-pipeline-results.png'), fullPage: true });

      const stored = (await session.call('pipelines:results', { id: pipeline.id, limit: 1000 })) as ResultsPage;
      expect(stored.total).toBe(9);
      const want = stored.rows
        .map(([sensor, start, end, avg, n]) => ({
          sensor_id: sensor,
          window_start: Date.parse(String(start)),
          window_end: Date.parse(String(end)),
          avg_temperature: Number(Number(avg).toFixed(9)),
          num_readings: n,
        }))
        .sort((a, b) => a.window_start - b.window_start || String(a.sensor_id).localeCompare(String(b.sensor_id)));
      const got = await duckdb(
        `SELECT sensor_id, epoch_ms(window_start) AS window_start, epoch_ms(window_end) AS window_end, avg_temperature, num_readings::INT AS num_readings FROM read_parquet('${join(out.path, 'windows.parquet')}') ORDER BY window_start, sensor_id`,
      );
      expect(
        round(got, ['sensor_id', 'window_start', 'window_end', 'avg_temperature', 'num_readings']).map((r) => ({
          ...r,
          window_start: Number(r.window_start),
          window_end: Number(r.window_end),
        })),
      ).toEqual(want);
      expect(session.problems).toEqual([]);
      await page.close();
    },
  );

  it(
    'shows the records read while a batch report waits on an open transaction, and cancels it from the panel',
    { timeout: 120_000 },
    async () => {
      const input = uniqueName('open_txn');
      await createTopic(bootstrap, input, 1);
      const producer = new TransactionalProducer(clientOptions(bootstrap), uniqueName('e2e-open-txn'), OPEN_FOR_THE_TEST_MS);
      const folder = join(out.path, 'cancelled');
      mkdirSync(folder);
      try {
        await producer.init();
        await producer.run((send) => send(readings.slice(0, 50).map((r) => ({ topic: input, partition: 0, value: JSON.stringify(r) }))));
        // read_committed reads up to the open transaction and waits there: the report stays running.
        await producer.begin(readings.slice(50, 55).map((r) => ({ topic: input, partition: 0, value: JSON.stringify(r) })));
        const name = uniqueName('Sensors waiting');
        await session.call('pipelines:save', {
          name,
          connectionId,
          topics: [input],
          groupId: uniqueName('e2e-waiting'),
          projection: [
            { column: 'sensor_id', path: 'sensor_id', type: 'string' },
            ...measures.map((m) => ({ column: m, path: m, type: 'double' })),
          ],
        });
        const page = await session.newPage();
        await page.goto(`${session.url}#/pipelines`);
        await page.getByTestId('pipelines-page').waitFor();
        await page.getByRole('button', { name, exact: true }).click();
        const panel = page.getByRole('group', { name: 'Batch report' });
        await panel.getByLabel('Report CSV').check();
        await panel.getByLabel('Report folder').fill(folder);
        await panel.getByRole('button', { name: 'Run batch report' }).click();
        // 50 committed records + their commit marker, then the 5 open ones: 50 of 56 offsets.
        await expect
          .poll(() => panel.getByTestId('batch-report-progress').innerText(), { timeout: 30_000 })
          .toBe('50 of 56 records read (89%)');
        await panel.scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(screenshots, 'pipelines-batch-report-progress.png') });
        // The same job on the Exports page, live.
        const exportsPage = await session.newPage();
        await exportsPage.goto(`${session.url}#/exports`);
        await expect
          .poll(
            async () =>
              (await exportsPage.getByTestId('export-job-rows').count()) === 1
                ? exportsPage.getByTestId('export-job-rows').innerText()
                : `no single job row; the page reads: ${(await exportsPage.locator('body').innerText()).slice(0, 600)}`,
            { timeout: 30_000 },
          )
          .toBe('50 of 56 records read · 0 rows · 0 B · 89%');
        await exportsPage
          .getByRole('region', { name: 'Export jobs' })
          .screenshot({ path: join(screenshots, 'exports-batch-report-job.png') });
        await exportsPage.close();
        await panel.getByRole('button', { name: 'Cancel report' }).click();
        await expect
          .poll(() => panel.getByTestId('batch-report-job-error').innerText(), { timeout: 30_000 })
          .toBe('The report was cancelled; no file was written.');
        await page.screenshot({ path: join(screenshots, 'pipelines-batch-report-cancelled.png') });
        expect(readdirSync(folder)).toEqual([]);
        await page.goto(`${session.url}#/exports`);
        const row = page.getByTestId('export-history-row').filter({ hasText: `Batch report of ${name} (per sensor)` });
        await expect.poll(() => row.getAttribute('data-status')).toBe('cancelled');
        expect(session.problems).toEqual([]);
        await page.close();
      } finally {
        await producer.end('abort').catch(() => undefined);
        await producer.close();
      }
    },
  );
});
