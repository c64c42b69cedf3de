import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ProducerView } from '../../shared/producers.js';
import { startServeSession, type ServeSession } from './serve-fixture.js';

// Leaving the map while its canvas redraws must not throw (Leaflet's canvas renderer once threw
// "Cannot read properties of undefined (reading 'save')" from a redraw after the map was removed).
const bootstrap = inject('kafkaBootstrap');
let session: ServeSession;
let connectionId: string;

beforeAll(async () => {
  session = await startServeSession();
  connectionId = await session.connect('Suite cluster', bootstrap);
});
afterAll(async () => {
  for (const p of (await session.call('producers:list')) as ProducerView[]) await session.call('producers:stop', { id: p.definition.id });
  await session?.close();
});

describe('the map page', () => {
  it('can be left and opened again while points arrive, without a page error', async () => {
    const created = (await session.call('producers:recipe', { connectionId, recipe: 'iss', start: false })) as ProducerView;
    const definition = created.definition;
    await session.call('producers:save', {
      ...definition,
      source: { ...definition.source, mode: 'offline' },
      schedule: { ...definition.schedule, trigger: { kind: 'interval', everyMs: 100 } },
    });
    await session.call('producers:start', { id: definition.id });
    const page = await session.newPage();
    for (let i = 0; i < 40; i++) {
      await page.goto(`${session.origin}/#/map`);
      await page.getByTestId('map-page').waitFor();
      if (i === 0) await page.getByRole('button', { name: 'Follow topic' }).click();
      await page.waitForTimeout(100 + (i % 5) * 150);
      await page.goto(`${session.origin}/#/topics`);
      await page.waitForTimeout(50);
    }
    await page.close();
    expect(session.problems).toEqual([]);
  }, 180_000);
});
