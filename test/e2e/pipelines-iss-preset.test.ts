import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type { AppInfo } from '../../shared/app.js';
import type { Pipeline } from '../../shared/pipelines.js';
import { uniqueName } from '../helpers.js';
import { issRecords, produceIss } from '../integration/pipelines-files-helpers.js';
import { createTopic } from '../integration/pipelines-helpers.js';
import { screenshots, useServeSession } from './serve-fixture.js';

const bootstrap = inject('kafkaBootstrap');
const session = useServeSession({ connect: bootstrap });

describe('the ISS → Parquet preset to a local folder, driven in Chromium through serve', () => {
  it(
    'offers an absolute folder under the data folder and a file per minute, and the Results panel says where the rows went',
    { timeout: 120_000 },
    async () => {
      const info = (await session.call('app:info')) as AppInfo;
      const topic = uniqueName('iss_local_e2e');
      await createTopic(bootstrap, topic, 1);
      const records = issRecords(50_000, 137);
      await produceIss(bootstrap, topic, records);

      const page = await session.newPage();
      await page.goto(`${session.url}#/pipelines`);
      await page.getByTestId('pipelines-page').waitFor();
      await page.getByRole('button', { name: 'New pipeline' }).click();
      await page.getByRole('button', { name: 'ISS → Parquet' }).click();
      const files = page.getByRole('group', { name: 'Files' });
      expect(await files.getByLabel('Folder').inputValue()).toBe(join(info.dataDir, 'parquet_files'));
      // The whole path is visible, not cut off by a narrow input.
      expect(
        await files
          .getByLabel('Folder')
          .evaluate((input: { scrollWidth: number; clientWidth: number }) => input.scrollWidth <= input.clientWidth),
      ).toBe(true);
      expect(await files.getByLabel('Roll every T seconds').inputValue()).toBe('60');
      expect(await files.getByLabel('Roll every N batches').inputValue()).toBe('');
      await files.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(screenshots, 'pipelines-iss-preset-form.png'), fullPage: true });

      const name = uniqueName('ISS local');
      await page.getByLabel('Pipeline name').fill(name);
      await page.getByLabel('Source topics').fill(topic);
      await page.getByLabel('Group id').fill(uniqueName('e2e-iss-local'));
      // Shorter rolling than the preset's minute, so the test does not wait for it.
      await files.getByLabel('Roll every T seconds').fill('2');
      await page.getByRole('button', { name: 'Save pipeline' }).click();
      const row = page.locator(`[data-testid="pipeline-row"][data-name="${name}"]`);
      await row.waitFor();
      await page.getByRole('button', { name: `Start ${name}` }).click();
      await page.getByRole('button', { name: name, exact: true }).click();
      await expect
        .poll(() => page.getByTestId('results-range').innerText(), { timeout: 60_000 })
        .toMatch(new RegExp(`^Rows go to files: ${records.length} rows in \\d+ files? written$`));
      await page.getByTestId('results-range').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(screenshots, 'pipelines-iss-preset-results.png'), fullPage: true });
      await page.getByRole('button', { name: `Stop ${name}` }).click();
      await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('stopped');
      await page.close();
      expect(session.problems).toEqual([]);
    },
  );

  it(
    'offers derived columns in the projection editor: the S2 preset has email_domain, and a new row can derive one',
    { timeout: 60_000 },
    async () => {
      const page = await session.newPage();
      await page.goto(`${session.url}#/pipelines`);
      await page.getByTestId('pipelines-page').waitFor();
      await page.getByRole('button', { name: 'New pipeline' }).click();
      await page.getByRole('button', { name: 'Random users → table' }).click();
      const projection = page.getByRole('group', { name: 'Projection' });
      expect(await projection.getByLabel('Column 18').inputValue()).toBe('email_domain');
      expect(await projection.getByLabel('Value 18').inputValue()).toBe('email-domain');
      expect(await projection.getByLabel('Derive from 18').inputValue()).toBe('email');
      // A new row switched to a derived column picks from the projected columns.
      await projection.getByRole('button', { name: 'Add column' }).click();
      await projection.getByLabel('Value 19').selectOption('email-domain');
      await projection.getByLabel('Derive from 19').selectOption('email');
      await projection.getByLabel('Column 19').fill('domain_again');
      await projection.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(screenshots, 'pipelines-derived-columns.png'), fullPage: true });
      const name = uniqueName('Users S2');
      await page.getByLabel('Pipeline name').fill(name);
      await page.getByRole('button', { name: 'Save pipeline' }).click();
      await page.locator(`[data-testid="pipeline-row"][data-name="${name}"]`).waitFor();
      const saved = ((await session.call('pipelines:list')) as Pipeline[]).find((p) => p.name === name);
      expect(saved?.projection.filter((c) => c.derive).map((c) => [c.column, c.derive?.from])).toEqual([
        ['email_domain', 'email'],
        ['domain_again', 'email'],
      ]);
      await page.close();
      expect(session.problems).toEqual([]);
    },
  );
});
