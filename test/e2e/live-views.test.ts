import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { PipelineStatus } from '../../shared/pipelines.js';
import type { ProducerView } from '../../shared/producers.js';
import { produce, withAdmin } from '../kafka.js';
import { formToInput, sensorsPreset, wordCountPreset } from '../../renderer/pages/pipelines/pipeline-form-model.js';
import { uniqueName } from '../helpers.js';
import { screenshots, startServeSession, type ServeSession } from './serve-fixture.js';

// Issue 7's acceptance: the ISS recipe with the offline source moves the marker; the sensors recipe
// feeds a window chart with 10 series that grows. Both against the suite's broker, through serve.
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

async function startRecipe(
  recipe: 'iss' | 'sensors',
  change: (v: ProducerView['definition']) => ProducerView['definition'],
): Promise<string> {
  const created = (await session.call('producers:recipe', { connectionId, recipe, start: false })) as ProducerView;
  const saved = (await session.call('producers:save', change(created.definition))) as ProducerView;
  await session.call('producers:start', { id: saved.definition.id });
  return saved.definition.id;
}

describe('live views', () => {
  it('moves the ISS marker on a land-shaped offline map as the ISS recipe (offline SGP4) produces', async () => {
    // Offline source (no network here), one position a second so the test is short.
    await startRecipe('iss', (d) => ({
      ...d,
      source: { ...d.source, mode: 'offline' } as typeof d.source,
      schedule: { ...d.schedule, trigger: { kind: 'interval', everyMs: 1000 } },
    }));
    const page = await session.newPage();
    await page.goto(`${session.origin}/#/map`);
    await page.getByTestId('map-page').waitFor();
    await page.getByRole('button', { name: 'Follow topic' }).click();
    const position = page.getByTestId('map-readouts').locator('dd').first();
    await expect.poll(() => position.innerText(), { timeout: 30_000 }).toMatch(/^-?\d+\.\d{4}, -?\d+\.\d{4}$/);
    const first = await position.innerText();
    await page.screenshot({ path: join(screenshots, 'iss-map-1.png') });
    await expect.poll(() => position.innerText(), { timeout: 20_000 }).not.toBe(first);
    await page.screenshot({ path: join(screenshots, 'iss-map-2.png') });
    // Ground speed of successive SGP4 positions: the ISS moves ~27,600 km/h over the ground.
    const speed = Number(/([\d,]+) km\/h/.exec(await page.getByTestId('map-readouts').innerText())?.[1]?.replace(/,/g, ''));
    expect(speed).toBeGreaterThan(20_000);
    expect(speed).toBeLessThan(35_000);
    expect(Number(await page.getByTestId('world-map').getAttribute('data-max-lon-step'))).toBeLessThanOrEqual(180);
    // The offline producer's TLE is known: the next orbit (~92 min, crossing ±180° at least once) is
    // drawn dashed, split at the antimeridian like the ground track.
    await expect
      .poll(() => page.getByTestId('map-predicted').innerText(), { timeout: 20_000 })
      .toMatch(/next 92 minutes predicted by SGP4/);
    // One orbit (~92.9 min) shifts the ground track ~23° west, so the next 92 minutes span ~337° of
    // longitude eastward: they cross ±180° unless the ISS is now west of about -157° (one run in ~15).
    const longitude = Number((await position.innerText()).split(', ')[1]);
    expect(Number(await page.getByTestId('world-map').getAttribute('data-predicted-segments'))).toBeGreaterThanOrEqual(
      longitude > -150 ? 2 : 1,
    );
    expect(Number(await page.getByTestId('world-map').getAttribute('data-predicted-max-lon-step'))).toBeLessThanOrEqual(180);
    await page.screenshot({ path: join(screenshots, 'iss-map-predicted.png') });
    await page.close();
  });

  it('charts the sensors recipe’s windows with one series per sensor, and the chart grows', async () => {
    await startRecipe('sensors', (d) => ({
      ...d,
      schedule: { ...d.schedule, trigger: { kind: 'interval', everyMs: 500 }, maxMessages: 0 },
    }));
    const form = formToInput({ ...sensorsPreset(), name: 'sensors-chart' }, connectionId);
    if (!('input' in form)) throw new Error(`preset invalid: ${JSON.stringify(form.errors)}`);
    const pipeline = (await session.call('pipelines:save', form.input)) as { id: string };
    await session.call('pipelines:start', { id: pipeline.id });

    const page = await session.newPage();
    await page.goto(`${session.origin}/#/charts`);
    await page.getByTestId('charts-page').waitFor();
    const legend = page.getByTestId('chart').first().locator('.recharts-legend-item');
    await expect.poll(() => legend.count(), { timeout: 60_000 }).toBe(10);
    const readings = async () => ((await session.call('pipelines:status', { id: pipeline.id })) as PipelineStatus).recordsIn;
    const before = await readings();
    await page.screenshot({ path: join(screenshots, 'sensor-charts-1.png'), fullPage: true });
    await expect.poll(readings, { timeout: 30_000 }).toBeGreaterThan(before + 10);
    await expect.poll(() => page.getByTestId('chart').count()).toBeGreaterThanOrEqual(4);
    await page.screenshot({ path: join(screenshots, 'sensor-charts-2.png'), fullPage: true });
    // The num_readings bars stay inside the plot: right of the y-axis, left of the plot's right edge.
    const bars = page.getByTestId('chart').filter({ hasText: 'num_readings' });
    await bars.scrollIntoViewIfNeeded();
    await bars.screenshot({ path: join(screenshots, 'sensor-charts-num-readings.png') });
    // No DOM lib in the Node tsconfig: the few DOM members used, typed by hand.
    interface Box {
      left: number;
      right: number;
      width: number;
    }
    interface Node {
      getBoundingClientRect(): Box;
    }
    interface Root {
      querySelector(selector: string): Node | null;
      querySelectorAll(selector: string): Iterable<Node>;
    }
    const layout = await bars.evaluate((figure: Root) => {
      const axis = figure.querySelector('.recharts-yAxis .recharts-cartesian-axis-line')?.getBoundingClientRect();
      const grid = figure.querySelector('.recharts-cartesian-grid')?.getBoundingClientRect();
      const rects = [...figure.querySelectorAll('.recharts-bar rect')].map((r) => r.getBoundingClientRect()).filter((r) => r.width > 0);
      return {
        axisX: axis?.right ?? null,
        gridRight: grid?.right ?? null,
        left: Math.min(...rects.map((r) => r.left)),
        right: Math.max(...rects.map((r) => r.right)),
        count: rects.length,
      };
    });
    expect(layout.count).toBeGreaterThan(0);
    expect(layout.left, JSON.stringify(layout)).toBeGreaterThanOrEqual((layout.axisX ?? Number.NaN) - 0.5);
    expect(layout.right, JSON.stringify(layout)).toBeLessThanOrEqual((layout.gridRight ?? Number.NaN) + 0.5);

    // Small live charts on their own pages: the producer's messages/s, the pipeline's in/out and lag per partition.
    await page.goto(`${session.origin}/#/producers`);
    await expect.poll(() => page.getByTestId('producer-rate').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
    await expect
      .poll(() => page.getByTestId('producer-rate').first().locator('strong').innerText(), { timeout: 30_000 })
      .toMatch(/msg\/s$/);
    await page.getByTestId('producer-rates').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'producers-rates.png') });
    await page.goto(`${session.origin}/#/pipelines`);
    await page.getByRole('button', { name: 'sensors-chart', exact: true }).click();
    await expect.poll(() => page.getByTestId('pipeline-rate').count(), { timeout: 30_000 }).toBe(2);
    await expect.poll(() => page.getByTestId('partition-lag').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
    await page.getByTestId('pipeline-rates').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'pipeline-rates.png') });
    await session.call('pipelines:stop', { id: pipeline.id });
    await page.close();
  });

  it('shows the S4 word counts as a sorted table and a top-words chart', async () => {
    const topic = uniqueName('words-in');
    await withAdmin(bootstrap, (admin) =>
      admin.createTopicsAndWait([
        { topic, numPartitions: 1 },
        { topic: `${topic}-out`, numPartitions: 1 },
      ]),
    );
    const form = formToInput(
      { ...wordCountPreset(), name: 'words', topics: topic, groupId: topic, kafkaTopic: `${topic}-out` },
      connectionId,
    );
    if (!('input' in form)) throw new Error(`preset invalid: ${JSON.stringify(form.errors)}`);
    const pipeline = (await session.call('pipelines:save', form.input)) as { id: string };
    await session.call('pipelines:start', { id: pipeline.id });
    await produce(bootstrap, [
      { topic, value: 'kafka:spark:kafka' },
      { topic, value: 'avro:kafka' },
    ]);

    const page = await session.newPage();
    await page.goto(`${session.origin}/#/charts`);
    await page.getByTestId('charts-page').waitFor();
    await page.getByTestId('charts-page').getByLabel('Pipeline').selectOption({ label: 'words' });
    const firstRow = page.getByTestId('word-table').locator('tbody tr').first();
    await expect.poll(() => firstRow.innerText(), { timeout: 30_000 }).toBe('kafka\t3');
    expect(await page.getByTestId('word-table').locator('tbody tr').allInnerTexts()).toEqual(['kafka\t3', 'avro\t1', 'spark\t1']);
    await page.getByTestId('word-chart').waitFor();
    await page.screenshot({ path: join(screenshots, 'word-count.png'), fullPage: true });
    await session.call('pipelines:stop', { id: pipeline.id });
    await page.close();
  });

  it('ran without CSP violations or console errors', () => {
    expect(session.problems).toEqual([]);
  });
});
