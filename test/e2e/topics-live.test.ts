import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { tempDir, uniqueName } from '../helpers.js';
import { screenshots, startServeSession, type ServeSession } from './serve-fixture.js';
import { createTopic, deleteTopics, produce } from '../kafka.js';
import { TransactionalProducer } from '../../electron/engine/kafka/transactions.js';

const bootstrap = inject('kafkaBootstrap');
const dir = tempDir('e2e-topics-live');
const longTopic = uniqueName('e2e-wordcount');
const timedTopic = uniqueName('e2e-timed');
const txnTopic = uniqueName('e2e-txn');
const group = uniqueName('e2e-group');
const connectionName = 'Suite cluster (live)';
let session: ServeSession;
let page: Page;

// Three readings an hour apart, with explicit CreateTime timestamps, so a seek has a known answer.
const hour = 3_600_000;
const t0 = Date.parse('2024-01-01T00:00:00Z');

beforeAll(async () => {
  await createTopic(bootstrap, longTopic, 1);
  // retention.ms=-1: the 2024 timestamps are older than the default 7 days, and the broker's retention
  // check (every 5 min) would otherwise delete them mid-test (seen as a flaky lag of 1).
  await createTopic(bootstrap, timedTopic, 1, { configEntries: [{ name: 'retention.ms', value: '-1' }] });
  await produce(
    bootstrap,
    [0, 1, 2].map((i) => ({ topic: timedTopic, key: `reading-${i}`, value: JSON.stringify({ i }), timestamp: t0 + i * hour })),
  );
  session = await startServeSession();
  await session.connect(connectionName, bootstrap);
  page = await session.newPage();
});

afterAll(async () => {
  await page?.close();
  await session?.close();
  await deleteTopics(bootstrap, [longTopic, timedTopic, txnTopic]).catch(() => undefined);
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
    await produce(bootstrap, [{ topic: timedTopic, key: 'live', value: JSON.stringify({ tail: 'arrived' }) }]);
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
    const rows = readFileSync(location, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { key: string; offset: number });
    expect(rows.map((r) => [r.key, r.offset])).toEqual([
      ['reading-1', 1],
      ['reading-2', 2],
    ]);
    await page.screenshot({ path: join(screenshots, 'topics-scan-export.png'), fullPage: true });
  });

  it('shows a consumer group’s lag on the topic and resets its offsets', async () => {
    // A group without members that has read 1 of the 4 messages: kcat joins it, reads one message,
    // commits offset 1 as it leaves (librdkafka auto-commit on close). The group is left behind (unique name).
    execFileSync('kcat', ['-C', '-b', bootstrap, '-G', group, '-o', 'beginning', '-c', '1', '-e', timedTopic], { stdio: 'pipe' });
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
    // The committed offset is now 2 (partition, committed, log end, lag).
    await expect.poll(() => page.getByTestId('group-offset-row').first().innerText(), { timeout: 20_000 }).toMatch(/0\s+2\s+4\s+2/);
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

  it('reads a transactional topic read committed or uncommitted, as the user picks, and says which', async () => {
    await createTopic(bootstrap, txnTopic, 1);
    const producer = new TransactionalProducer({ clientId: 'e2e-txn', bootstrapBrokers: bootstrap.split(',') }, uniqueName('e2e-txn'));
    try {
      await producer.transaction(
        ['order-1', 'order-2'].map((value) => ({ topic: txnTopic, key: 'committed', value })),
        'commit',
      );
      await producer.transaction(
        ['order-3 (aborted)'].map((value) => ({ topic: txnTopic, key: 'aborted', value })),
        'abort',
      );
      await producer.transaction(
        ['order-4'].map((value) => ({ topic: txnTopic, key: 'committed', value })),
        'commit',
      );
    } finally {
      await producer.close();
    }
    await openMessages(txnTopic);
    const caption = page.getByTestId('message-table').locator('caption');
    const rows = page.getByTestId('message-row');
    // Default: read uncommitted, like kafka-console-consumer: the aborted record is a row, the markers are not.
    expect(await page.getByLabel('Isolation').inputValue()).toBe('read_uncommitted');
    await page.getByRole('button', { name: 'Load' }).click();
    await expect.poll(() => caption.innerText(), { timeout: 20_000 }).toMatch(/^4 messages \(read in \d+ ms, read uncommitted\)/);
    expect(await rows.locator('td:nth-child(5)').allInnerTexts()).toEqual(['order-1', 'order-2', 'order-3 (aborted)', 'order-4']);
    await page.getByLabel('Isolation').selectOption('read_committed');
    await page.getByRole('button', { name: 'Load' }).click();
    await expect.poll(() => caption.innerText(), { timeout: 20_000 }).toMatch(/^3 messages \(read in \d+ ms, read committed\)/);
    expect(await rows.locator('td:nth-child(5)').allInnerTexts()).toEqual(['order-1', 'order-2', 'order-4']);
    await page.screenshot({ path: join(screenshots, 'topics-read-committed.png'), fullPage: true });
  });

  it('ran without console or page errors', () => {
    expect(session.problems).toEqual([]);
  });
});
