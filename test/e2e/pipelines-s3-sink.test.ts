import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { S3Target } from '../../shared/exports.js';
import type { Pipeline } from '../../shared/pipelines.js';
import { keyHint } from '../../electron/engine/store/s3-credentials.js';
import { createBucket } from '../../electron/engine/exports/targets/s3-bucket.js';
import { shortId } from '../../electron/engine/pipelines/file-sink-columns.js';
import { tempDir, uniqueName } from '../helpers.js';
import {
  BUCKET,
  compareExactlyOnce,
  downloadAll,
  issRecords,
  produceIss,
  readIssParquet,
  s3Admin,
} from '../integration/pipelines-files-helpers.js';
import { createTopic } from '../integration/pipelines-helpers.js';
import { startS3Server, type S3Server } from '../s3-server.js';
import { screenshots, startServeSession, type ServeSession } from './serve-fixture.js';

const bootstrap = inject('kafkaBootstrap');
let session: ServeSession;
let s3: S3Server;
let admin: S3Client;
const downloads = tempDir('e2e-s3-sink');

beforeAll(async () => {
  s3 = await startS3Server();
  admin = s3Admin(s3);
  const target: S3Target = {
    kind: 's3',
    bucket: BUCKET,
    prefix: '',
    region: s3.region,
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { mode: 'keys', accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  };
  await createBucket(target);
  // No AWS keys in serve's environment: the default chain finds none (there is no ~/.aws on the test machines).
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('AWS_ACCESS_KEY') && !k.startsWith('AWS_SECRET') && k !== 'AWS_SESSION_TOKEN' && k !== 'AWS_PROFILE',
    ),
  );
  session = await startServeSession({ env });
  await session.connect('suite', bootstrap);
});
afterAll(async () => {
  await session?.close();
  admin?.destroy();
  await s3?.stop();
  downloads.remove();
});

/** Fills the ISS → Parquet preset for `topic`, writing Parquet to the S3Proxy under `prefix` with the chosen credentials. */
async function newIssPipeline(page: Page, topic: string, prefix: string, credentials: string): Promise<string> {
  await page.getByRole('button', { name: 'New pipeline' }).click();
  await page.getByRole('button', { name: 'ISS → Parquet' }).click();
  const name = uniqueName('ISS to S3');
  await page.getByLabel('Pipeline name').fill(name);
  await page.getByLabel('Source topics').fill(topic);
  await page.getByLabel('Group id').fill(uniqueName('e2e-s3'));
  const files = page.getByRole('group', { name: 'Files' });
  await files.getByLabel('Write to').selectOption('s3');
  await files.getByLabel('Bucket').fill(BUCKET);
  await files.getByLabel('Prefix').fill(prefix);
  await files.getByLabel('Region').fill(s3.region);
  await files.getByLabel('Endpoint URL').fill(s3.endpoint);
  await files.getByLabel('Path-style addressing').check();
  await files.getByLabel('S3 credentials').selectOption({ label: credentials });
  // The preset rolls a file per minute; a short roll keeps the test from waiting for it.
  await files.getByLabel('Roll every T seconds').fill('2');
  return name;
}

describe('a pipeline writing Parquet to S3, driven in Chromium through serve', () => {
  it(
    'uses the credentials saved under Exports, keeps them when edited, and shows the default chain without credentials as stalled',
    { timeout: 180_000 },
    async () => {
      const page = await session.newPage();
      // Save the keys once, under Exports → S3 credentials.
      await page.goto(`${session.url}#/exports`);
      const credentials = page.getByRole('form', { name: 'Save S3 credentials' });
      await credentials.getByLabel('Name').fill('S3Proxy');
      await credentials.getByLabel('Access key id').fill(s3.accessKeyId);
      await credentials.getByLabel('Secret access key').fill(s3.secretAccessKey);
      await credentials.getByRole('button', { name: 'Save credentials' }).click();
      await expect.poll(() => page.getByTestId('s3-credentials').innerText()).toContain('S3Proxy');

      const topic = uniqueName('iss_e2e');
      await createTopic(bootstrap, topic, 1);
      const records = issRecords(90_000, 120);
      await produceIss(bootstrap, topic, records);

      await page.goto(`${session.url}#/pipelines`);
      await page.getByTestId('pipelines-page').waitFor();
      const prefix = `${uniqueName('e2e_saved')}/`;
      const saved = await newIssPipeline(page, topic, prefix, `S3Proxy (${keyHint(s3.accessKeyId)})`);
      await page.getByRole('button', { name: 'Save pipeline' }).scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(screenshots, 'pipelines-s3-form.png'), fullPage: true });
      await page.getByRole('button', { name: 'Save pipeline' }).click();
      const row = page.locator(`[data-testid="pipeline-row"][data-name="${saved}"]`);
      await row.waitFor();
      await page.getByRole('button', { name: `Start ${saved}` }).click();
      await page.getByRole('button', { name: saved, exact: true }).click();
      await expect
        .poll(() => page.getByTestId('status-files').innerText(), { timeout: 60_000 })
        .toMatch(new RegExp(`^\\d+ written \\(${records.length} rows\\), 0 waiting \\(0 rows\\)$`));
      expect(await row.locator('.badge').innerText()).toBe('running');
      await page.screenshot({ path: join(screenshots, 'pipelines-s3-written.png'), fullPage: true });
      await page.getByRole('button', { name: `Stop ${saved}` }).click();
      await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('stopped');

      // Read back with DuckDB: every record once.
      const pipelines = (await session.call('pipelines:list')) as Pipeline[];
      const first = pipelines.find((p) => p.name === saved);
      const keys = await downloadAll(admin, prefix, `part-${shortId(first?.id ?? '')}-`, join(downloads.path, 'saved'));
      expect(keys.length).toBeGreaterThan(0);
      expect(compareExactlyOnce(records, (await readIssParquet(join(downloads.path, 'saved'))).rows)).toEqual({
        missing: 0,
        duplicates: 0,
        unexpected: 0,
        wrong: [],
      });

      // Edited and saved unchanged: the saved credentials stay chosen.
      await page.getByRole('button', { name: `Edit ${saved}` }).click();
      const files = page.getByRole('group', { name: 'Files' });
      expect(await files.getByLabel('S3 credentials').locator('option:checked').innerText()).toMatch(/^S3Proxy \(/);
      await page.getByRole('button', { name: 'Save pipeline' }).click();
      await page.getByRole('form', { name: 'Pipeline' }).waitFor({ state: 'detached' });
      const edited = ((await session.call('pipelines:list')) as Pipeline[]).find((p) => p.name === saved);
      expect(edited?.sinks[0]).toMatchObject({ target: { credentials: { mode: 'saved' } } });

      // The default chain with no credentials anywhere: stalled within seconds, saying so, nothing written.
      const chain = await newIssPipeline(page, topic, `${uniqueName('e2e_chain')}/`, 'Default AWS chain (environment, ~/.aws, SSO)');
      await page.getByRole('button', { name: 'Save pipeline' }).click();
      const chainRow = page.locator(`[data-testid="pipeline-row"][data-name="${chain}"]`);
      await chainRow.waitFor();
      await page.getByRole('button', { name: `Start ${chain}` }).click();
      await page.getByRole('button', { name: chain, exact: true }).click();
      await expect.poll(() => chainRow.locator('.badge').innerText(), { timeout: 15_000 }).toBe('stalled');
      expect(await page.getByTestId('status-state').innerText()).toBe('stalled');
      const alert = await page.getByTestId('pipeline-status').getByRole('alert').innerText();
      expect(alert).toMatch(/^Files cannot be written \(since \d\d:\d\d:\d\d UTC\): Found no AWS credentials in the default chain/);
      expect(alert).not.toMatch(/refused/);
      expect(await page.getByTestId('status-files').innerText()).toMatch(/^0 written \(0 rows\), 1 waiting \(\d+ rows\)$/);
      await page.screenshot({ path: join(screenshots, 'pipelines-s3-stalled.png'), fullPage: true });
      await page.getByRole('button', { name: `Stop ${chain}` }).click();
      await expect.poll(() => chainRow.getAttribute('data-state'), { timeout: 30_000 }).toBe('stopped');
      await page.close();
      expect(session.problems).toEqual([]);
    },
  );
});
