import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueName } from '../helpers.js';
import { screenshots, startServeSession, type ServeSession } from './serve-fixture.js';
import { createTopic, producer as testProducer } from '../kafka.js';

const bootstrap = inject('kafkaBootstrap');
let session: ServeSession;
const topic = uniqueName('iss');

/** Open Notify records: latitude/longitude as strings, epoch seconds, crossing the antimeridian eastward. */
function issRecords(count: number): { value: string }[] {
  const now = Math.floor(Date.now() / 1000);
  return Array.from({ length: count }, (_, i) => {
    const lon = ((150 + i * 4 + 180) % 360) - 180; // 150, 154, … wraps past 180 to −178 …
    return {
      value: JSON.stringify({
        message: 'success',
        timestamp: now - (count - i) * 5,
        iss_position: { latitude: (-20 + i * 1.5).toFixed(4), longitude: lon.toFixed(4) },
      }),
    };
  });
}

beforeAll(async () => {
  await createTopic(bootstrap, topic, 1);
  session = await startServeSession();
  await session.connect('Suite cluster', bootstrap);
});
afterAll(async () => {
  await session?.close();
});

describe('the live map', () => {
  it('follows a topic of Open Notify records: track across the antimeridian, readouts, live updates, skipped bad records', async () => {
    const producer = testProducer(bootstrap);
    const records = issRecords(20);
    await producer.send([...records.slice(0, 15), { value: '{"not":"a position"}' }].map((r) => ({ topic, ...r })));

    const page = await session.newPage();
    await page.goto(`${session.origin}/#/map`);
    await page.getByTestId('map-page').waitFor();
    await page.getByLabel('Topic').fill(topic);
    await page.getByRole('button', { name: 'Follow topic' }).click();
    await expect.poll(() => page.getByTestId('map-points').innerText(), { timeout: 30_000 }).toMatch(/^15 \(1 skipped\)$/);

    // A record produced while the page is open shows up live.
    await producer.send(records.slice(15).map((r) => ({ topic, ...r })));
    await expect.poll(() => page.getByTestId('map-points').innerText(), { timeout: 15_000 }).toMatch(/^20/);
    // The drawn track: split at the antimeridian, no segment jumping across the map.
    const map = page.getByTestId('world-map');
    expect(await map.getAttribute('data-segments')).toBe('2');
    expect(Number(await map.getAttribute('data-max-lon-step'))).toBeLessThanOrEqual(180);
    expect(Number(await map.getAttribute('data-max-lon-step'))).toBeGreaterThan(0);
    const readouts = await page.getByTestId('map-readouts').innerText();
    expect(readouts).toMatch(/km\/h/);
    expect(readouts).toMatch(/s ago/);
    await page.screenshot({ path: join(screenshots, 'map.png') });

    // Zoomed in to the maximum with the buttons (about the centre), the followed marker stays in view
    // although no record arrives. Before, it stayed where the zoom put it, off the map, until the next record.
    const zoomIn = page.getByRole('button', { name: 'Zoom in' });
    // Leaflet drops a click during a zoom animation: click until the button is disabled at the maximum.
    while ((await zoomIn.getAttribute('aria-disabled')) !== 'true') {
      await zoomIn.click({ force: true });
      await page.locator('.leaflet-zoom-anim').waitFor({ state: 'detached' });
    }
    expect(await map.getAttribute('data-marker-in-view')).toBe('true');
    expect(await page.getByTestId('map-points').innerText()).toMatch(/^20/);
    await page.screenshot({ path: join(screenshots, 'map-zoomed-in.png') });
    await producer.close();
    await page.close();
  });

  it('ran without CSP violations or console errors', () => {
    expect(session.problems).toEqual([]);
  });
});
