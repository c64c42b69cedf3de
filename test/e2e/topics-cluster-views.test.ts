import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueName } from '../helpers.js';
import { screenshots, startServeSession, type ServeSession } from './serve-fixture.js';
import { createTopic, deleteTopics, produce } from '../kafka.js';

/*
 * Issue 3 items 1, 2, 3 and 10: the cluster page shows log dir sizes and the inferred Kafka version;
 * topics list and topic detail show size on disk; every view names the cluster it shows.
 */
const bootstrap = inject('kafkaBootstrap');
const topic = uniqueName('e2e-sized');
const connectionName = 'Views cluster';
let session: ServeSession;
let page: Page;

beforeAll(async () => {
  await createTopic(bootstrap, topic, 2);
  await produce(
    bootstrap,
    Array.from({ length: 300 }, (_, i) => ({ topic, partition: 0, value: `${i}:${'x'.repeat(1000)}` })),
  );
  session = await startServeSession();
  await session.connect(connectionName, bootstrap);
  page = await session.newPage();
});

afterAll(async () => {
  await page?.close();
  await session?.close();
  await deleteTopics(bootstrap, [topic]).catch(() => undefined);
});

describe('cluster facts and which cluster each view shows', () => {
  it('shows broker log dir sizes and the inferred Kafka version on the cluster page', async () => {
    await page.goto(`${session.origin}/#/cluster`);
    const version = page.getByTestId('kafka-version');
    await expect.poll(() => version.innerText(), { timeout: 30_000 }).toMatch(/^\d+\.\d+ or newer \(inferred\)$/);
    expect(await page.getByTestId('kafka-version-basis').innerText()).toMatch(/^Inferred from ApiVersions/);
    const size = page.getByTestId('broker-row').first().locator('[data-col="log-dir-size"]');
    await expect.poll(() => size.innerText(), { timeout: 30_000 }).toMatch(/^\d+(\.\d)? (B|KiB|MiB|GiB|TiB)$/);
    await page.screenshot({ path: join(screenshots, 'cluster-disk-version.png'), fullPage: true });
  });

  it('shows each topic’s size in the list and each partition’s size in the detail', async () => {
    await page.goto(`${session.origin}/#/topics`);
    const row = page.locator(`[data-testid="topic-row"][data-topic="${topic}"]`);
    // 300 records of ~1 KB on partition 0: about 300 KiB.
    await expect.poll(() => row.locator('[data-col="size"]').innerText(), { timeout: 30_000 }).toMatch(/^(29\d|30\d|31\d)\.\d KiB$/);
    await page.goto(`${session.origin}/#/topics/${topic}`);
    const sizes = page.getByTestId('partition-row').locator('[data-col="size"]');
    await expect.poll(() => sizes.allInnerTexts(), { timeout: 30_000 }).toEqual([expect.stringMatching(/KiB$/), '0 B']);
    await page.screenshot({ path: join(screenshots, 'topic-detail-sizes.png'), fullPage: true });
  });

  it('names the cluster on every view that shows cluster data', async () => {
    for (const route of ['cluster', 'topics', `topics/${topic}`, 'dashboard', 'map', 'producers', 'pipelines', 'exports']) {
      await page.goto(`${session.origin}/#/${route}`);
      const name = page.getByTestId('page-cluster');
      await expect
        .poll(
          () =>
            name
              .first()
              .innerText()
              .catch(() => ''),
          { timeout: 20_000, message: route },
        )
        .toContain(connectionName);
    }
    expect(session.problems).toEqual([]);
  });
});
