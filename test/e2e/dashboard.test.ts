import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { uniqueName } from '../helpers.js';
import { screenshots, useServeSession } from './serve-fixture.js';
import { createTopic, producer as testProducer } from '../kafka.js';

const bootstrap = inject('kafkaBootstrap');
const session = useServeSession({ connect: bootstrap, connectionName: 'Suite cluster' });

describe('the dashboard', () => {
  it('shows a topic’s messages/s from high-watermark deltas while a producer writes to it', async () => {
    // A name that sorts first, so it is among the sampled topics however many other tests created.
    const topic = `0-${uniqueName('dash')}`;
    await createTopic(bootstrap, topic, 2);
    const producer = testProducer(bootstrap);
    let producing = true;
    const load = (async () => {
      while (producing) {
        await producer.send(Array.from({ length: 50 }, (_, i) => ({ topic, value: `m${i}` })));
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
    await producer.close();
    await page.close();
  });

  it('ran without CSP violations or console errors', () => {
    expect(session.problems).toEqual([]);
  });
});
