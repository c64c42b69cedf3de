import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { tempDir, uniqueName } from '../helpers.js';
import { duckdb } from '../integration/exports-readers.js';
import { screenshots, startServeSession, type ServeSession } from './serve-fixture.js';
import { createTopic, produce } from '../kafka.js';

const bootstrap = inject('kafkaBootstrap');
const out = tempDir('e2e-exports');
const topic = uniqueName('e2e-exports');
let session: ServeSession;

beforeAll(async () => {
  await createTopic(bootstrap, topic, 2, { replicationFactor: 1 });
  await produce(
    bootstrap,
    Array.from({ length: 300 }, (_, i) => ({ topic, partition: i % 2, key: `k${i}`, value: `<script>alert(${i})</script>` })),
  );
  session = await startServeSession();
  await session.connect('suite', bootstrap);
});
afterAll(async () => {
  await session.close();
  out.remove();
});

describe('the exports page in Chromium through serve', () => {
  it('exports a topic to a Parquet file in a folder and lists it as done in the history', async () => {
    const page = await session.newPage();
    await page.goto(`${session.url}#/exports`);
    await page.getByTestId('exports-page').waitFor();
    const form = page.getByRole('form', { name: 'New export' });
    await form.getByLabel('Topic').selectOption(topic);
    await form.getByLabel('Compression').selectOption('zstd');
    await form.getByLabel('Folder').fill(out.path);
    await form.getByLabel('File name').fill('from-the-ui');
    await form.getByRole('button', { name: 'Start export' }).click();

    const row = page.locator('[data-testid="export-history-row"][data-status="done"]');
    await row.first().waitFor({ timeout: 30_000 });
    expect(await row.first().innerText()).toContain('300');
    await page.screenshot({ path: join(screenshots, 'exports-page.png'), fullPage: true });

    expect(readdirSync(out.path)).toEqual(['from-the-ui.parquet']);
    const [summary] = await duckdb(
      `SELECT count(*)::INT AS n, count(DISTINCT "partition")::INT AS p FROM read_parquet('${join(out.path, 'from-the-ui.parquet')}')`,
    );
    expect(summary).toEqual({ n: 300, p: 2 });
    expect(session.problems).toEqual([]);
  });

  it('says what is wrong when the folder does not exist', async () => {
    const page = await session.newPage();
    await page.goto(`${session.url}#/exports`);
    const form = page.getByRole('form', { name: 'New export' });
    await form.getByLabel('Topic').selectOption(topic);
    await form.getByLabel('Folder').fill(join(out.path, 'nope'));
    await form.getByRole('button', { name: 'Start export' }).click();
    await expect
      .poll(() => form.getByRole('alert').innerText())
      .toBe(`The folder ${join(out.path, 'nope')} does not exist; create it (Create folder) or pick another one`);
    await page.screenshot({ path: join(screenshots, 'exports-missing-folder.png'), fullPage: true });
    // Offered beside the error: create it (parents too), then the export goes into it.
    await form.getByRole('button', { name: `Create folder ${join(out.path, 'nope')}` }).click();
    await expect.poll(() => form.getByRole('status').filter({ hasText: 'Folder ready' }).count()).toBe(1);
    expect(statSync(join(out.path, 'nope')).isDirectory()).toBe(true);
    await form.getByLabel('File name').fill('after-create');
    await form.getByRole('button', { name: 'Start export' }).click();
    await expect
      .poll(() => readdirSync(join(out.path, 'nope')).filter((f) => !f.startsWith('.')), { timeout: 30_000 })
      .toEqual([expect.stringMatching(/^after-create\.parquet$/)]);
    await page.screenshot({ path: join(screenshots, 'exports-folder-created.png'), fullPage: true });
    expect(session.problems).toEqual([]);
  });
});
