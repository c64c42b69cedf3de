import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueName } from '../helpers.js';
import { screenshots, startServeSession, type ServeSession } from './serve-fixture.js';
import { createTopicsAndWait } from '../../electron/engine/kafka/create-topics.js';

const bootstrap = inject('kafkaBootstrap');
let session: ServeSession;

beforeAll(async () => {
  session = await startServeSession();
  await session.connect('Suite cluster', bootstrap);
});
afterAll(async () => {
  await session?.close();
});

describe('the dashboard', () => {
  it('shows a topic’s messages/s from high-watermark deltas while a producer writes to it', async () => {
    // A name that sorts first, so it is among the sampled topics however many other tests created.
    const topic = `0-${uniqueName('dash')}`;
    const kafka = new kafkajs.Kafka({ brokers: bootstrap.split(','), clientId: 'e2e-dash', logLevel: kafkajs.logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await createTopicsAndWait(admin, [{ topic, numPartitions: 2 }]);
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    let producing = true;
    const load = (async () => {
      while (producing) {
        await producer.send({ topic, messages: Array.from({ length: 50 }, (_, i) => ({ value: `m${i}` })) });
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    const page = await session.newPage();
    await page.goto(`${session.origin}/#/dashboard`);
    await page.getByTestId('dashboard-page').waitFor();
    const chart = page.getByTestId('topic-rate').filter({ hasText: topic });
    await chart.waitFor({ timeout: 40_000 });
    await expect
      .poll(async () => Number(/([\d,.]+) msg\/s/.exec(await chart.innerText())?.[1]?.replace(/,/g, '') ?? 0), { timeout: 30_000 })
      .toBeGreaterThan(50);
    await page.screenshot({ path: join(screenshots, 'dashboard.png') });
    producing = false;
    await load;
    await producer.disconnect();
    await page.close();
  });

  it('ran without CSP violations or console errors', () => {
    expect(session.problems).toEqual([]);
  });
});
