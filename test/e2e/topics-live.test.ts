import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { tempDir, uniqueName } from '../helpers.js';
import { screenshots, startServeSession, type ServeSession } from './serve-fixture.js';
import { createTopicsAndWait } from '../../electron/engine/kafka/create-topics.js';

const bootstrap = inject('kafkaBootstrap');
const kafka = new kafkajs.Kafka({ brokers: bootstrap.split(','), clientId: 'e2e-topics-live', logLevel: kafkajs.logLevel.NOTHING });
const admin = kafka.admin();
const producer = kafka.producer({ allowAutoTopicCreation: false });
const dir = tempDir('e2e-topics-live');
const longTopic = uniqueName('e2e-wordcount');
const timedTopic = uniqueName('e2e-timed');
const group = uniqueName('e2e-group');
const connectionName = 'Suite cluster (live)';
let session: ServeSession;
let page: Page;

// Three readings an hour apart, with explicit CreateTime timestamps, so a seek has a known answer.
const hour = 3_600_000;
const t0 = Date.parse('2024-01-01T00:00:00Z');

beforeAll(async () => {
  await admin.connect();
  await producer.connect();
  // retention.ms=-1: the 2024 timestamps are older than the default 7 days, and the broker's retention
  // check (every 5 min) would otherwise delete them mid-test (seen as a flaky lag of 1).
  await createTopicsAndWait(admin, [
    { topic: longTopic, numPartitions: 1 },
    { topic: timedTopic, numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '-1' }] },
  ]);
  await producer.send({
    topic: timedTopic,
    messages: [0, 1, 2].map((i) => ({ key: `reading-${i}`, value: JSON.stringify({ i }), timestamp: String(t0 + i * hour) })),
  });
  session = await startServeSession();
  await session.connect(connectionName, bootstrap);
  page = await session.newPage();
});

afterAll(async () => {
  await page?.close();
  await session?.close();
  await admin.deleteTopics({ topics: [longTopic, timedTopic] }).catch(() => undefined);
  await admin.deleteGroups([group]).catch(() => undefined);
  await producer.disconnect();
  await admin.disconnect();
  dir.remove();
});

async function openMessages(topic: string) {
  await page.goto(`${session.origin}/#/topics/${topic}`);
  await page.getByTestId('topic-detail').waitFor();
  await page.getByRole('tab', { name: 'Messages' }).click();
}

describe('the topic browser with data from outside the app', () => {
  it('names the cluster it shows in the page header', async () => {
    await page.goto(`${session.origin}/#/topics`);
    await expect.poll(() => page.getByTestId('page-cluster').first().innerText(), { timeout: 20_000 }).toContain(connectionName);
  });

  it('shows a 64-bit big-endian long produced by kcat from a binary file as a long, with its string key', async () => {
    // Kafka Streams' word count writes key = word (string), value = count (LongSerializer, 8 bytes big-endian).
    const file = join(dir.path, 'count.bin');
    const bytes = Buffer.alloc(8);
    bytes.writeBigInt64BE(4_294_967_338n);
    writeFileSync(file, bytes);
    // A file argument makes kcat send the whole file as one message (no delimiter splitting).
    execFileSync('kcat', ['-P', '-b', bootstrap, '-t', longTopic, '-k', 'kafka', file]);

    await openMessages(longTopic);
    await page.getByRole('button', { name: 'Load' }).click();
    const row = page.getByTestId('message-row');
    await expect.poll(() => row.count(), { timeout: 20_000 }).toBe(1);
    const cells = await row.first().locator('td').allInnerTexts();
    expect(cells[3]).toBe('kafka');
    expect(cells[4]).toBe('4294967338');
    await row.first().click();
    expect(await page.getByTestId('detail-value').innerText()).toBe('4294967338');
    expect(await page.getByTestId('detail-key').innerText()).toBe('kafka');
    expect(await page.getByTestId('message-detail').innerText()).toContain('int64');
    await page.screenshot({ path: join(screenshots, 'topics-long-value.png'), fullPage: true });
  });

  it('seeks to a timestamp: the page starts at the first message at or after it', async () => {
    await openMessages(timedTopic);
    await page.getByLabel('Start from').selectOption('timestamp');
    await page.getByLabel('Time (ISO, e.g. 2024-01-01T10:00:00Z)').fill('2024-01-01T00:30:00Z');
    await page.getByRole('button', { name: 'Load' }).click();
    const rows = page.getByTestId('message-row');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(2);
    const offsets = await rows.locator('td:nth-child(2)').allInnerTexts();
    expect(offsets).toEqual(['1', '2']);
    expect(await rows.first().locator('td:nth-child(3)').innerText()).toBe(new Date(t0 + hour).toISOString());
    await page.screenshot({ path: join(screenshots, 'topics-seek-timestamp.png'), fullPage: true });
  });

  it('live tail shows a message produced while the page is open', async () => {
    await page.getByRole('button', { name: 'Live tail' }).click();
    await page.getByRole('button', { name: 'Stop tail' }).waitFor();
    await expect.poll(() => page.getByTestId('message-table').locator('caption').innerText()).toMatch(/^Live tail: 0 new messages/);
    await producer.send({ topic: timedTopic, messages: [{ key: 'live', value: JSON.stringify({ tail: 'arrived' }) }] });
    const rows = page.getByTestId('message-row');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(1);
    expect(await rows.first().innerText()).toContain('{"tail":"arrived"}');
    expect(await rows.first().locator('td:nth-child(2)').innerText()).toBe('3');
    await page.screenshot({ path: join(screenshots, 'topics-live-tail.png'), fullPage: true });
    await page.getByRole('button', { name: 'Stop tail' }).click();
    await page.getByRole('button', { name: 'Live tail' }).waitFor();
  });

  it('exports the matches of a filtered scan as JSONL into a folder, with progress and a result line', async () => {
    await page.getByLabel('Filter expression (CEL)').fill('has(value.i) && value.i >= 1');
    await page.getByRole('button', { name: 'Scan topic' }).click();
    await expect.poll(() => page.getByTestId('scan-progress').innerText(), { timeout: 20_000 }).toMatch(/done: scanned 4 of 4, matched 2/);
    const form = page.getByRole('form', { name: 'Export matches' });
    await form.getByLabel('Export format').selectOption('jsonl');
    await form.getByLabel('Into folder (on the machine running the engine)').fill(dir.path);
    await form.getByRole('button', { name: 'Export 2 matches' }).click();
    const done = page.getByTestId('export-done');
    await done.waitFor({ timeout: 20_000 });
    const location = await done.locator('.mono').innerText();
    expect(location.startsWith(join(dir.path, `${timedTopic}-matches-`))).toBe(true);
    const rows = readFileSync(location, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { key: string; offset: number });
    expect(rows.map((r) => [r.key, r.offset])).toEqual([['reading-1', 1], ['reading-2', 2]]);
    await page.screenshot({ path: join(screenshots, 'topics-scan-export.png'), fullPage: true });
  });

  it('shows a consumer group’s lag on the topic and resets its offsets', async () => {
    // A group without members that has read 1 of the 4 messages.
    await admin.setOffsets({ groupId: group, topic: timedTopic, partitions: [{ partition: 0, offset: '1' }] });
    await page.getByRole('tab', { name: 'Consumers' }).click();
    await page.getByRole('button', { name: group }).click();
    const lag = page.getByTestId('group-lag');
    await expect.poll(() => lag.innerText(), { timeout: 20_000 }).toBe('3');
    expect(await page.getByTestId('group-offset-row').first().innerText()).toMatch(/0\s+1\s+4\s+3/);
    await page.screenshot({ path: join(screenshots, 'topics-group-lag.png'), fullPage: true });

    const reset = page.getByRole('form', { name: 'Reset offsets' });
    await reset.getByLabel('Reset offsets to').selectOption('latest');
    await reset.getByRole('button', { name: 'Reset offsets' }).click();
    await page.getByText('Offsets reset on 1 partition(s).').waitFor();
    await expect.poll(() => lag.innerText(), { timeout: 20_000 }).toBe('0');

    await reset.getByLabel('Reset offsets to').selectOption('timestamp');
    await reset.getByLabel('Time (e.g. 2024-01-01T00:00:00Z)').fill('2024-01-01T01:30:00Z');
    await reset.getByRole('button', { name: 'Reset offsets' }).click();
    await expect.poll(() => lag.innerText(), { timeout: 20_000 }).toBe('2');
    const committed = await admin.fetchOffsets({ groupId: group, topics: [timedTopic] });
    expect(committed[0]?.partitions[0]?.offset).toBe('2');
    await page.screenshot({ path: join(screenshots, 'topics-group-reset.png'), fullPage: true });
  });

  it('lists broker configs on the cluster page, read-only, with values not at the default highlighted', async () => {
    await page.goto(`${session.origin}/#/cluster`);
    await expect.poll(() => page.getByTestId('page-cluster').first().innerText(), { timeout: 20_000 }).toContain(connectionName);
    const configs = page.getByTestId('broker-configs');
    // The local cluster sets this one in its server.properties; background.threads stays at Kafka's default.
    const set = configs.locator('[data-config="group.initial.rebalance.delay.ms"]');
    await set.waitFor({ timeout: 20_000 });
    expect(await set.getAttribute('class')).toBe('config-set');
    expect(await set.locator('td').allInnerTexts()).toEqual(['group.initial.rebalance.delay.ms', '0', 'static (server.properties)']);
    const untouched = configs.locator('[data-config="background.threads"]');
    expect(await untouched.getAttribute('class')).toBeNull();
    expect(await untouched.locator('td').nth(2).innerText()).toBe('default');
    const everything = await configs.getByTestId('broker-config-row').count();
    await configs.getByLabel('Only values not at the default').check();
    const onlySet = await configs.getByTestId('broker-config-row').count();
    expect(onlySet).toBeGreaterThan(0);
    expect(onlySet).toBeLessThan(everything);
    expect(await configs.locator('tr.config-set').count()).toBe(onlySet);
    await configs.getByLabel('Filter configs by name').fill('rebalance');
    await expect.poll(() => configs.getByTestId('broker-config-row').count()).toBe(1);
    expect(await configs.locator('table input, table button').count()).toBe(0); // read-only: nothing to edit with
    await configs.getByLabel('Filter configs by name').fill('');
    await page.screenshot({ path: join(screenshots, 'cluster-broker-configs.png'), fullPage: true });
  });

  it('ran without console or page errors', () => {
    expect(session.problems).toEqual([]);
  });
});
