import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TopicSummary } from '../../shared/cluster.js';
import type { Connection } from '../../shared/connection.js';
import type { TopicStatsList } from '../../shared/topic-browser.js';
import type { Engine } from '../../electron/engine/engine.js';
import { data, tempDir, testEngine, uniqueName } from '../helpers.js';
import { screenshots, startServeSession, type ServeSession } from './serve-fixture.js';
import { produce, setGroupOffsets, withAdmin } from '../kafka.js';

const bootstrap = inject('kafkaBootstrap');
const prefix = uniqueName('scale');
const COUNT = 2_000;
const names = Array.from({ length: COUNT }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);
// One topic with a known count: 3 partitions, 30 messages, the first 5 of partition 0 deleted (low watermark 5).
const counted = `${prefix}-counted`;
const dir = tempDir('topics-scale');
let engine: Engine;
let connectionId: string;
let session: ServeSession;
let page: Page;

beforeAll(async () => {
  await withAdmin(bootstrap, (admin) => admin.createTopicsAndWait([{ topic: counted, numPartitions: 3, replicationFactor: 1 }]));
  await produce(
    bootstrap,
    Array.from({ length: 30 }, (_, i) => ({ topic: counted, partition: i % 3, value: `m${i}` })),
  );
  await withAdmin(bootstrap, (admin) => admin.deleteRecords(counted, [{ partition: 0, offset: 5 }]));
  // Makes sure __consumer_offsets exists, so "internal hidden by default" has something to hide.
  await setGroupOffsets(bootstrap, `${prefix}-group`, counted, [{ partition: 0, offset: 5 }]);

  const created = performance.now();
  // Until every new partition has a leader (creating 2,000 topics takes the broker a moment).
  await withAdmin(bootstrap, async (admin) => {
    await admin.createTopicsAndWait(
      names.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })),
      120_000,
    );
    // Metadata names the leader at once; the broker itself serves offsets of 2,000 new partitions
    // only some seconds later (NOT_LEADER_OR_FOLLOWER until then). The timings below are of a settled cluster.
    for (;;) {
      try {
        await admin.watermarksOf(names.map((topic) => ({ topic, partitions: [0] })));
        break;
      } catch (error) {
        if (performance.now() - created > 120_000) throw error;
      }
    }
  });
  console.log(`created ${COUNT} topics with leaders in ${Math.round(performance.now() - created)} ms`);

  engine = testEngine(dir.path);
  connectionId = data<Connection>(await engine.dispatch('connections:save', { name: 'scale', bootstrapServers: bootstrap.split(',') })).id;
  data(await engine.dispatch('connections:activate', { id: connectionId }));
  session = await startServeSession();
  await session.connect('Scale cluster', bootstrap);
  page = await session.newPage();
}, 240_000);

afterAll(async () => {
  await page?.close();
  await session?.close();
  await engine?.dispose();
  await withAdmin(bootstrap, async (admin) => {
    for (let i = 0; i < COUNT; i += 500) await admin.deleteTopics(names.slice(i, i + 500)).catch(() => undefined);
    await admin.deleteTopics([counted]).catch(() => undefined);
    await admin.deleteGroups([`${prefix}-group`]).catch(() => undefined);
  });
  dir.remove();
}, 240_000);

describe(`the topics list with ${COUNT} topics`, () => {
  it('lists every topic with under-replicated partitions, in-sync replicas and total messages, quickly', async () => {
    // Warm the shared admin once (connect + first metadata), then time what a refresh costs.
    data(await engine.dispatch('topics:list', { connectionId }));
    let started = performance.now();
    const list = data<TopicSummary[]>(await engine.dispatch('topics:list', { connectionId }));
    const listMs = performance.now() - started;
    started = performance.now();
    const stats = data<TopicStatsList>(await engine.dispatch('topics:stats', { connectionId }));
    const statsMs = performance.now() - started;
    console.log(`topics:list ${Math.round(listMs)} ms, topics:stats ${Math.round(statsMs)} ms for ${stats.topics.length} topics`);
    expect(list.filter((t) => t.name.startsWith(prefix))).toHaveLength(COUNT + 1);
    const mine = stats.topics.filter((t) => t.name.startsWith(prefix));
    expect(mine).toHaveLength(COUNT + 1);
    expect(stats.offsetsError).toBeUndefined();
    expect(stats.topics.find((t) => t.name === counted)).toEqual({
      name: counted,
      partitions: 3,
      replicationFactor: 1,
      underReplicated: 0,
      offline: 0,
      inSyncReplicas: 3,
      replicas: 3,
      totalMessages: 25,
    });
    expect(mine.filter((t) => t.name !== counted).every((t) => t.totalMessages === 0 && t.inSyncReplicas === 1)).toBe(true);
    expect(stats.topics.some((t) => t.name.startsWith('__'))).toBe(false);
    const withInternal = data<TopicStatsList>(await engine.dispatch('topics:stats', { connectionId, includeInternal: true }));
    expect(withInternal.topics.some((t) => t.name === '__consumer_offsets')).toBe(true);
    expect(listMs).toBeLessThan(3_000);
    expect(statsMs).toBeLessThan(5_000);
  });

  it('renders the list, filters and sorts it in the browser without blocking', async () => {
    let started = performance.now();
    await page.goto(`${session.origin}/#/topics`);
    await page.getByTestId('topic-row').first().waitFor({ timeout: 30_000 });
    const firstRowsMs = performance.now() - started;
    await page.locator('[data-testid="topic-table"][data-stats="ready"]').waitFor({ timeout: 30_000 });
    const countsMs = performance.now() - started;
    expect(await page.getByTestId('topic-table').locator('caption').innerText()).toMatch(
      /(\d+) topics \(first 500 shown; narrow the filter\)/,
    );
    expect(await page.locator('[data-topic^="__"]').count()).toBe(0);

    started = performance.now();
    await page.getByLabel('Filter by name').fill(`${prefix}-19`);
    await expect.poll(() => page.getByTestId('topic-row').count()).toBe(100);
    const filterMs = performance.now() - started;
    console.log(
      `UI: first rows after ${Math.round(firstRowsMs)} ms, counts after ${Math.round(countsMs)} ms, filter to 100 rows in ${Math.round(filterMs)} ms`,
    );

    await page.getByLabel('Filter by name').fill(prefix);
    await page.getByRole('button', { name: 'Messages' }).click();
    const top = page.getByTestId('topic-row').first();
    expect(await top.getAttribute('data-topic')).toBe(counted);
    expect(await top.locator('[data-col="messages"]').innerText()).toBe('25');
    expect(await top.locator('[data-col="isr"]').innerText()).toBe('3 / 3');
    expect(await top.locator('[data-col="urp"]').innerText()).toBe('0');
    await page.screenshot({ path: join(screenshots, 'topics-list-2000.png') });

    await page.getByRole('button', { name: 'Name' }).click();
    expect(await page.getByTestId('topic-row').first().getAttribute('data-topic')).toBe(names[0]);
    await page.getByRole('button', { name: /^Name/ }).click();
    expect(await page.getByTestId('topic-row').first().getAttribute('data-topic')).toBe(counted);

    await page.getByLabel('Filter by name').fill('__consumer');
    await page.getByLabel('Show internal topics').check();
    await page.locator('[data-topic="__consumer_offsets"]').waitFor({ timeout: 20_000 });
    expect(firstRowsMs).toBeLessThan(10_000);
    expect(filterMs).toBeLessThan(3_000);
  });

  it('ran without console or page errors', () => {
    expect(session.problems).toEqual([]);
  });
});
