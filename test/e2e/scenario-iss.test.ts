import { createServer, type Server } from 'node:http';
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePortBlock } from '../../electron/engine/cluster/ports.js';
import { keyHint } from '../../electron/engine/store/s3-credentials.js';
import { tempDir } from '../helpers.js';
import { readAll } from '../kafka.js';
import { readParquetWithPyarrow, type Plain } from '../integration/exports-readers.js';
import { BUCKET, PREFIX, downloadAll, s3Admin, type IssRecord } from '../integration/pipelines-files-helpers.js';
import { startS3Server, type S3Server } from '../s3-server.js';
import { screenshots, startServeSession, type ServeSession } from './serve-fixture.js';

// S1 (ISS tracker → Parquet on S3) as a new user runs it, only by clicks and typing in Chromium:
// serve starts its own local cluster from an empty data folder; the ISS recipe's producer polls a
// loopback stand-in of Open Notify; the map follows the topic; the ISS → Parquet pipeline writes Parquet to
// an S3Proxy with keys saved under Exports; serve restarts in the middle. The topic and the bucket
// are then read back outside the UI (our Kafka reader, pyarrow) to check every record is in the
// Parquet files exactly once.

/** This file's ports (other scenario tests run beside it). */
const PORTS = [42_000, 43_000] as const;
const TOPIC = 'project_topic';
const PRODUCER = 'ISS tracker';
const PIPELINE = 'ISS → Parquet';

const ORBIT_S = 5556;
const SIDEREAL_DAY_S = 86_164;
const INCLINATION = (51.64 * Math.PI) / 180;

/**
 * A stand-in for http://api.open-notify.org/iss-now.json on 127.0.0.1 (there is no internet here):
 * the same JSON, latitude and longitude as strings with 4 decimals, a new timestamp on every poll
 * (the current second, or one after the last one served) and the position on a circular orbit of
 * 51.64° and 92.6 minutes (the ISS's), so each record can be told apart.
 */
interface IssStandIn {
  url: string;
  served: IssRecord[];
  close(): Promise<void>;
}

async function startIssStandIn(): Promise<IssStandIn> {
  const served: IssRecord[] = [];
  let last = 0;
  const server: Server = createServer((request, response) => {
    if (request.url !== '/iss-now.json') {
      response.writeHead(404).end();
      return;
    }
    const timestamp = Math.max(last + 1, Math.floor(Date.now() / 1000));
    last = timestamp;
    // Argument of latitude u along the orbit, then latitude/longitude on the turning Earth.
    const u = (2 * Math.PI * timestamp) / ORBIT_S;
    const latitude = Math.asin(Math.sin(INCLINATION) * Math.sin(u));
    const longitude = Math.atan2(Math.cos(INCLINATION) * Math.sin(u), Math.cos(u)) - (2 * Math.PI * timestamp) / SIDEREAL_DAY_S;
    const wrapped = (((((longitude * 180) / Math.PI + 180) % 360) + 360) % 360) - 180;
    const record: IssRecord = {
      message: 'success',
      timestamp,
      iss_position: { latitude: ((latitude * 180) / Math.PI).toFixed(4), longitude: wrapped.toFixed(4) },
    };
    served.push(record);
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(record));
  });
  const port = await findFreePortBlock(1, ...PORTS);
  await new Promise<void>((ok, fail) => server.once('error', fail).listen(port, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${port}/iss-now.json`,
    served,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

let api: IssStandIn;
let s3: S3Server;
let admin: S3Client;
let session: ServeSession;
const downloads = tempDir('e2e-scenario-iss');
let step = 0;

async function shot(page: Page, name: string): Promise<void> {
  step++;
  await page.screenshot({ path: join(screenshots, `scenario-iss-${String(step).padStart(2, '0')}-${name}.png`), fullPage: true });
}

const producerRow = (page: Page) => page.locator(`[data-testid="producer-row"][data-name="${PRODUCER}"]`);
const pipelineRow = (page: Page) => page.locator(`[data-testid="pipeline-row"][data-name="${PIPELINE}"]`);
const sent = async (page: Page) => Number(await producerRow(page).getByTestId('producer-sent').innerText());

async function openProducers(page: Page): Promise<void> {
  await page.goto(`${session.url}#/producers`);
  await page.getByTestId('producers-page').waitFor();
}

async function openPipeline(page: Page): Promise<void> {
  await page.goto(`${session.url}#/pipelines`);
  await page.getByTestId('pipelines-page').waitFor();
  await pipelineRow(page).waitFor();
  await page.getByRole('button', { name: PIPELINE, exact: true }).click();
  await page.getByTestId('pipeline-status').waitFor();
}

beforeAll(async () => {
  api = await startIssStandIn();
  s3 = await startS3Server(PORTS);
  admin = s3Admin(s3);
  session = await startServeSession({ localCluster: true, localPorts: PORTS });
}, 180_000);

afterAll(async () => {
  // The engine's log of both runs of serve, kept beside the screenshots (the data folder is removed).
  if (session && existsSync(join(session.dataDir, 'logs', 'engine.log')))
    copyFileSync(join(session.dataDir, 'logs', 'engine.log'), join(screenshots, 'scenario-iss-engine.log'));
  await session?.close();
  admin?.destroy();
  await s3?.stop();
  await api?.close();
  downloads.remove();
});

describe('scenario S1: ISS → map → Parquet on S3, driven only in Chromium, across a restart of serve', () => {
  it(
    'writes every ISS position the producer sent to Parquet on S3 exactly once, typed, across a restart',
    { timeout: 420_000 },
    async () => {
      await session.waitForOutput(/Started the local cluster on \S+/);
      const page = await session.newPage();
      await expect.poll(() => page.getByTestId('connection-status').getAttribute('data-state'), { timeout: 60_000 }).toBe('connected');
      await shot(page, 'connected');

      // The recipe creates project_topic and the ISS producer; the user points it at the API and polls every second.
      await openProducers(page);
      await page.getByRole('button', { name: PRODUCER }).click();
      await producerRow(page).waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: `Edit ${PRODUCER}` }).click();
      await page.getByLabel('Mode', { exact: true }).selectOption('online');
      await page.getByLabel('Open Notify URL').fill(api.url);
      await page.getByLabel('Every (s)').fill('1');
      await shot(page, 'producer-form');
      await page.getByRole('button', { name: 'Save producer' }).click();
      await page.getByRole('button', { name: `Start ${PRODUCER}` }).click();
      await expect.poll(() => producerRow(page).getAttribute('data-state'), { timeout: 30_000 }).toBe('running');
      await expect.poll(() => sent(page), { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
      await shot(page, 'producer-running');

      // Its records in the topic browser, as the original watched them in Kafdrop.
      await page.goto(`${session.url}#/topics/${TOPIC}`);
      await page.getByTestId('topic-detail').waitFor();
      await page.getByRole('tab', { name: 'Messages' }).click();
      await page.getByRole('button', { name: 'Load' }).click();
      await expect.poll(() => page.getByTestId('message-row').count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
      expect(await page.getByTestId('message-row').first().innerText()).toContain('"iss_position"');
      await shot(page, 'topic-messages');

      // The marker and its track on the map.
      await page.goto(`${session.url}#/map`);
      await page.getByTestId('map-page').waitFor();
      await page.getByLabel('Topic').fill(TOPIC);
      await page.getByRole('button', { name: 'Follow topic' }).click();
      const mapPoints = async () => Number((await page.getByTestId('map-points').innerText()).split(' ')[0]);
      await expect.poll(mapPoints, { timeout: 30_000 }).toBeGreaterThanOrEqual(8);
      expect(await page.getByTestId('map-points').innerText()).not.toContain('skipped');
      expect(await page.getByTestId('map-readouts').innerText()).toMatch(/km\/h/);
      // Ten seconds of orbit are ~70 km: zoomed in all the way, the track beside the marker is visible.
      const zoomIn = page.getByRole('button', { name: 'Zoom in' });
      // Leaflet drops a click that comes during a zoom animation: click until the button is disabled at the maximum zoom.
      while ((await zoomIn.getAttribute('aria-disabled')) !== 'true') {
        await zoomIn.click({ force: true });
        await page.locator('.leaflet-zoom-anim').waitFor({ state: 'detached' });
      }
      expect(await page.getByTestId('world-map').getAttribute('data-marker-in-view')).toBe('true');
      expect(await page.getByTestId('world-map').getAttribute('data-segments')).toBe('1');
      await shot(page, 'map');

      // The S3 keys, saved once under Exports.
      await page.goto(`${session.url}#/exports`);
      const credentials = page.getByRole('form', { name: 'Save S3 credentials' });
      await credentials.getByLabel('Name').fill('S3Proxy');
      await credentials.getByLabel('Access key id').fill(s3.accessKeyId);
      await credentials.getByLabel('Secret access key').fill(s3.secretAccessKey);
      await credentials.getByRole('button', { name: 'Save credentials' }).click();
      await expect.poll(() => page.getByTestId('s3-credentials').innerText()).toContain('S3Proxy');
      await shot(page, 's3-credentials');

      // The ISS → Parquet preset: project_topic → {timestamp, latitude, longitude} → Parquet in s3://streaming-bucket-1/parquet_files/.
      await page.goto(`${session.url}#/pipelines`);
      await page.getByTestId('pipelines-page').waitFor();
      await page.getByRole('button', { name: 'New pipeline' }).click();
      await page.getByRole('button', { name: PIPELINE }).click();
      expect(await page.getByLabel('Source topics').inputValue()).toBe(TOPIC);
      const files = page.getByRole('group', { name: 'Files' });
      await files.getByLabel('Write to').selectOption('s3');
      expect(await files.getByLabel('Bucket').inputValue()).toBe(BUCKET);
      expect(await files.getByLabel('Prefix').inputValue()).toBe(PREFIX);
      await files.getByLabel('Region').fill(s3.region);
      await files.getByLabel('Endpoint URL').fill(s3.endpoint);
      await files.getByLabel('Path-style addressing').check();
      await files.getByLabel('S3 credentials').selectOption({ label: `S3Proxy (${keyHint(s3.accessKeyId)})` });
      // A file every 3 s instead of the preset's minute, so the test does not wait for the last one.
      await files.getByLabel('Roll every T seconds').fill('3');
      await files.scrollIntoViewIfNeeded();
      await shot(page, 'pipeline-form');
      await page.getByRole('button', { name: 'Save pipeline' }).click();
      await pipelineRow(page).waitFor();
      await page.getByRole('button', { name: `Start ${PIPELINE}` }).click();
      await page.getByRole('button', { name: PIPELINE, exact: true }).click();

      // A new S3Proxy has no bucket: the pipeline stalls, says so, and offers to create it.
      const createBucket = page.getByRole('button', { name: `Create bucket ${BUCKET}` });
      await createBucket.waitFor({ timeout: 60_000 });
      expect(await page.getByTestId('status-state').innerText()).toBe('stalled');
      expect(await page.getByTestId('pipeline-status').getByRole('alert').innerText()).toContain(`The bucket "${BUCKET}" does not exist`);
      await shot(page, 'pipeline-bucket-missing');
      await createBucket.click();
      await page.getByTestId('missing-bucket').getByRole('status').waitFor();
      await expect.poll(() => page.getByTestId('status-state').innerText(), { timeout: 60_000 }).toBe('running');
      await expect
        .poll(async () => Number(/^(\d+) written/.exec(await page.getByTestId('status-files').innerText())?.[1]), { timeout: 60_000 })
        .toBeGreaterThanOrEqual(2);
      await shot(page, 'pipeline-writing');

      // serve stops (Ctrl+C) and starts again on the same data folder, while producer and pipeline run.
      const sentBefore = await (async () => {
        await openProducers(page);
        return sent(page);
      })();
      await session.restart();
      const bootstrap = (await session.waitForOutput(/Started the local cluster again on (\S+)/)).replace(
        /^Started the local cluster again on /,
        '',
      );
      await page.goto(session.url);
      await page.getByTestId('app-loaded').waitFor();
      await expect.poll(() => page.getByTestId('connection-status').getAttribute('data-state'), { timeout: 60_000 }).toBe('connected');
      await openProducers(page);
      await expect.poll(() => producerRow(page).getAttribute('data-state'), { timeout: 60_000 }).toBe('running');
      // It polls again: a few more positions after the restart.
      const sentAfterRestart = await sent(page);
      await expect.poll(() => sent(page), { timeout: 30_000 }).toBeGreaterThanOrEqual(sentAfterRestart + 3);
      await shot(page, 'producer-after-restart');
      await openPipeline(page);
      await expect.poll(() => pipelineRow(page).getAttribute('data-state'), { timeout: 60_000 }).toBe('running');
      await shot(page, 'pipeline-after-restart');

      // The user stops the producer; the pipeline writes what is left.
      await openProducers(page);
      await page.getByRole('button', { name: `Stop ${PRODUCER}` }).click();
      await expect.poll(() => producerRow(page).getAttribute('data-state'), { timeout: 30_000 }).toBe('stopped');
      await shot(page, 'producer-stopped');
      const produced = (await readAll(bootstrap, TOPIC)).map((r) => JSON.parse(r.value?.toString() ?? 'null') as IssRecord);
      expect(produced.length).toBeGreaterThan(sentBefore);
      // The Sent column counts across the restart: every record in the topic, each once.
      expect(await sent(page)).toBe(produced.length);

      await openPipeline(page);
      await expect
        .poll(() => page.getByTestId('results-range').innerText(), { timeout: 90_000 })
        .toMatch(new RegExp(`^Rows go to files: ${produced.length} rows in \\d+ files written$`));
      expect(await page.getByTestId('status-files').innerText()).toMatch(
        new RegExp(`^\\d+ written \\(${produced.length} rows\\), 0 waiting \\(0 rows\\)$`),
      );
      await page.getByTestId('results-range').scrollIntoViewIfNeeded();
      await shot(page, 'pipeline-caught-up');
      await page.getByRole('button', { name: `Stop ${PIPELINE}` }).click();
      await expect.poll(() => pipelineRow(page).getAttribute('data-state'), { timeout: 30_000 }).toBe('stopped');

      // Read back with pyarrow: exactly the produced records, typed.
      const keys = await downloadAll(admin, PREFIX, 'part-', downloads.path);
      const parquet = readdirSync(downloads.path).filter((f) => f.endsWith('.parquet'));
      expect(parquet.length).toBe(keys.length);
      const rows: Plain[] = [];
      for (const file of parquet) {
        const table = readParquetWithPyarrow(join(downloads.path, file));
        expect(table.schema).toEqual({ timestamp: 'timestamp[ms, tz=UTC]', latitude: 'double', longitude: 'double' });
        rows.push(...table.rows);
      }
      const producedTimes = produced.map((r) => String(r.timestamp * 1000));
      expect(new Set(producedTimes).size).toBe(produced.length);
      const writtenTimes = rows.map((r) => r.timestamp ?? 'null');
      expect(rows.length).toBe(produced.length);
      expect(new Set(writtenTimes).size).toBe(rows.length);
      expect([...writtenTimes].sort()).toEqual([...producedTimes].sort());
      const byTime = new Map(rows.map((r) => [r.timestamp, r]));
      const wrong = produced.filter((p) => {
        const row = byTime.get(String(p.timestamp * 1000));
        return Number(row?.latitude) !== Number(p.iss_position.latitude) || Number(row?.longitude) !== Number(p.iss_position.longitude);
      });
      expect(wrong).toEqual([]);
      // Everything sent came from the stand-in, each answer once (a poll answered while serve stopped may not have been sent).
      const servedTimes = new Set(api.served.map((r) => r.timestamp));
      expect(produced.filter((p) => !servedTimes.has(p.timestamp))).toEqual([]);
      console.log(
        `S1 scenario: ${api.served.length} positions served, ${produced.length} produced (${sentBefore} before the restart), ${rows.length} rows in ${parquet.length} Parquet objects`,
      );

      await page.close();
      expect(session.problems).toEqual([]);
    },
  );
});
