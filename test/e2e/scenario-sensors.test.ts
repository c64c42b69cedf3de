import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { readAll } from '../kafka.js';
import { duckdb } from '../integration/exports-readers.js';
import { screenshots, startServeSession, type ServeSession } from './serve-fixture.js';

// docs/STACKS.md S3 as a new user runs it, driven only through the UI from an empty data folder:
// the Sensors recipe (input_topic, 3 partitions) and its simulator producer, the Sensor windows windows
// pipeline, the Charts page, a restart of serve mid-way, and the per-sensor batch report in CSV and
// Parquet. Figures are checked with independent readers: the topics read back with the test's
// Kafka reader, the report files with DuckDB.
const COUNT = 120;
const SENSORS = 10;
const PRODUCER = 'Sensor simulator';
const PIPELINE = 'Sensor windows';
const out = tempDir('e2e-scenario-sensors');
let session: ServeSession;
let bootstrap = '';

beforeAll(async () => {
  session = await startServeSession({ localCluster: true, localPorts: [45_000, 46_000] });
  bootstrap = (await session.waitForOutput(/Started the local cluster on \S+/)).replace('Started the local cluster on ', '');
}, 180_000);
afterAll(async () => {
  await session?.close();
  out.remove();
});

const shot = (page: Page, step: string) => page.screenshot({ path: join(screenshots, `scenario-sensors-${step}.png`), fullPage: true });
const producerRow = (page: Page) => page.locator(`[data-testid="producer-row"][data-name="${PRODUCER}"]`);
const pipelineRow = (page: Page) => page.locator(`[data-testid="pipeline-row"][data-name="${PIPELINE}"]`);
const sent = async (page: Page) => Number(await producerRow(page).getByTestId('producer-sent').innerText());

async function openPage(page: Page, route: string, testId: string): Promise<void> {
  await page.goto(`${session.origin}/#/${route}`);
  await page.getByTestId(testId).waitFor();
}

const measures = ['temperature', 'humidity', 'pressure'] as const;
const columns = ['sensor_id', 'total_readings', ...measures.flatMap((m) => (['avg', 'min', 'max'] as const).map((fn) => `${fn}_${m}`))];
/** Rows with numbers to 9 decimals (CSV text and floating sums in another order differ below that). */
const round = (rows: Record<string, unknown>[]) =>
  rows.map((r) =>
    Object.fromEntries(
      columns.map((c) => [c, typeof r[c] === 'bigint' ? Number(r[c]) : typeof r[c] === 'number' ? Number(r[c].toFixed(9)) : r[c]]),
    ),
  );

interface Reading {
  timestamp: string;
  sensor_id: string;
  temperature: number;
  humidity: number;
  pressure: number;
}

describe('scenario S3: sensors → windows → charts → batch report, through the UI', () => {
  it('produces the asked count across a restart of serve, windows and the CSV/Parquet report equal a DuckDB GROUP BY of input_topic', async () => {
    const started = Date.now();
    const page = await session.newPage();

    // The recipe: input_topic with 3 partitions and the simulator producer (100 readings every 2 s).
    await openPage(page, 'producers', 'producers-page');
    await page.getByRole('button', { name: PRODUCER, exact: true }).click();
    await producerRow(page).waitFor();
    await shot(page, '1-recipe');

    // Faster for a test: 120 readings from 10 sensors, one every 0.3 s, set in the producer form.
    await page.getByRole('button', { name: `Edit ${PRODUCER}` }).click();
    const form = page.getByRole('form', { name: `Edit producer ${PRODUCER}` });
    await expect.poll(() => form.getByLabel('Source', { exact: true }).inputValue()).toBe('sensors');
    await form.getByLabel('Sensors', { exact: true }).fill(String(SENSORS));
    await form.getByLabel('Every (s)').fill('0.3');
    await form.getByLabel('Stop after messages').fill(String(COUNT));
    await shot(page, '2-producer-form');
    await form.getByRole('button', { name: 'Save producer' }).click();
    await producerRow(page).waitFor();

    // The windows pipeline from its preset: 5-minute tumbling windows, 10-minute watermark, update mode.
    await openPage(page, 'pipelines', 'pipelines-page');
    await page.getByRole('button', { name: 'New pipeline' }).click();
    const pipelineForm = page.getByRole('form', { name: 'Pipeline' });
    await pipelineForm.getByRole('button', { name: 'Sensor windows' }).click();
    expect(await pipelineForm.getByLabel('Source topics').inputValue()).toBe('input_topic');
    expect(await pipelineForm.getByLabel('Window duration').inputValue()).toBe('5m');
    expect(await pipelineForm.getByLabel('Slide').inputValue()).toBe('');
    expect(await pipelineForm.getByLabel('Watermark delay').inputValue()).toBe('10m');
    expect(await pipelineForm.getByLabel('Output mode').inputValue()).toBe('update');
    await pipelineForm.getByLabel('Trigger interval').fill('1s');
    await shot(page, '3-pipeline-preset');
    await pipelineForm.getByRole('button', { name: 'Save pipeline' }).click();
    await pipelineRow(page).waitFor();
    await page.getByRole('button', { name: `Start ${PIPELINE}` }).click();
    await expect.poll(() => pipelineRow(page).getAttribute('data-state'), { timeout: 60_000 }).toBe('running');

    // Start the producer and let it get part of the way.
    await openPage(page, 'producers', 'producers-page');
    await page.getByRole('button', { name: `Start ${PRODUCER}` }).click();
    await expect.poll(() => sent(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(20);

    // Charts: the windows' series while it runs.
    await openPage(page, 'charts', 'charts-page');
    await expect
      .poll(async () => Number(await page.getByTestId('chart-windows').innerText()), { timeout: 60_000 })
      .toBeGreaterThanOrEqual(SENSORS);
    // One series per sensor in the legend of the first chart.
    await expect.poll(() => page.getByTestId('chart').first().locator('.recharts-legend-item').count(), { timeout: 30_000 }).toBe(SENSORS);
    await shot(page, '4-charts');

    // Restart serve mid-way (Ctrl+C and start again on the same data folder).
    await openPage(page, 'producers', 'producers-page');
    const beforeRestart = await sent(page);
    expect(beforeRestart).toBeLessThan(COUNT);
    await session.restart();
    await session.waitForOutput(/Started the local cluster again on \S+/);
    await page.goto(session.url);
    await page.getByTestId('app-loaded').waitFor();

    // The producer and the pipeline come back as they were: running.
    await openPage(page, 'producers', 'producers-page');
    await expect.poll(() => producerRow(page).getAttribute('data-state'), { timeout: 60_000 }).toBe('running');
    await shot(page, '5-producer-after-restart');
    await openPage(page, 'pipelines', 'pipelines-page');
    await expect.poll(() => pipelineRow(page).getAttribute('data-state'), { timeout: 60_000 }).toBe('running');
    await shot(page, '6-pipeline-after-restart');

    // The producer stops by itself at the count it was asked for, across the restart.
    await openPage(page, 'producers', 'producers-page');
    await expect.poll(() => producerRow(page).getAttribute('data-state'), { timeout: 120_000 }).toBe('finished');
    expect(await sent(page)).toBe(COUNT);
    await shot(page, '7-producer-finished');

    // The Topics page: the recipe's input_topic, 3 partitions, holding what the producer sent.
    await openPage(page, 'topics', 'topics-page');
    const topicRow = page.locator('[data-testid="topic-row"][data-topic="input_topic"]');
    expect(await topicRow.locator('td').nth(1).innerText()).toBe('3');
    await expect.poll(() => topicRow.locator('[data-col="messages"]').innerText(), { timeout: 30_000 }).toBe(String(COUNT));
    await shot(page, '8-topics');

    // input_topic read back: exactly COUNT readings, none twice.
    const records = await readAll(bootstrap, 'input_topic');
    const readings = records.map((r) => JSON.parse(r.value?.toString() ?? 'null') as Reading);
    expect(readings).toHaveLength(COUNT);
    expect(new Set(records.map((r) => r.value?.toString())).size).toBe(COUNT);
    expect(records.every((r, i) => r.key?.toString() === readings[i]?.sensor_id)).toBe(true);
    const source = join(out.path, 'input_topic.jsonl');
    writeFileSync(source, readings.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const perSensor = Object.fromEntries(
      (await duckdb(`SELECT sensor_id, count(*)::INTEGER AS n FROM read_json('${source}') GROUP BY sensor_id`)).map((r) => [
        String(r.sensor_id),
        Number(r.n),
      ]),
    );
    // The simulator's rotation goes on across the restart: the same number of readings per sensor.
    expect(perSensor).toEqual(Object.fromEntries(Array.from({ length: SENSORS }, (_, i) => [`sensor_${i + 1}`, COUNT / SENSORS])));

    // The pipeline catches up: its windows hold every reading once (num_readings per sensor).
    await openPage(page, 'pipelines', 'pipelines-page');
    await pipelineRow(page).getByRole('button', { name: PIPELINE, exact: true }).click();
    const detail = page.getByRole('region', { name: `Pipeline ${PIPELINE}` });
    const windowSums = async (): Promise<Record<string, number>> => {
      const header = await detail.getByTestId('results-table').locator('thead th').allInnerTexts();
      const sums: Record<string, number> = {};
      for (const tr of await detail.getByTestId('result-row').all()) {
        const row = await tr.locator('td').allInnerTexts();
        const sensor = row[header.indexOf('sensor_id')] ?? '';
        sums[sensor] = (sums[sensor] ?? 0) + Number(row[header.indexOf('num_readings')]);
      }
      return sums;
    };
    await expect.poll(windowSums, { timeout: 60_000 }).toEqual(perSensor);
    await shot(page, '9-pipeline-results');

    // The same from output_topic: the latest update per (sensor, window) key.
    const outputs = new Map<string, { sensor_id: string; window_start: string; num_readings: number }>();
    for (const r of await readAll(bootstrap, 'output_topic'))
      outputs.set(
        r.key?.toString() ?? '',
        JSON.parse(r.value?.toString() ?? '{}') as { sensor_id: string; window_start: string; num_readings: number },
      );
    const fromTopic: Record<string, number> = {};
    for (const row of outputs.values()) fromTopic[row.sensor_id] = (fromTopic[row.sensor_id] ?? 0) + row.num_readings;
    expect(fromTopic).toEqual(perSensor);
    // And per 5-minute window: each reading counted once, in the window of its timestamp.
    const perWindow = (entries: [string, number][]) => Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : 1)));
    const windowOf = (timestamp: string) => new Date(Math.floor(Date.parse(timestamp) / 300_000) * 300_000).toISOString();
    const expectedWindows = new Map<string, number>();
    for (const r of readings)
      expectedWindows.set(
        `${r.sensor_id} ${windowOf(r.timestamp)}`,
        (expectedWindows.get(`${r.sensor_id} ${windowOf(r.timestamp)}`) ?? 0) + 1,
      );
    expect(perWindow([...outputs.values()].map((row) => [`${row.sensor_id} ${row.window_start}`, row.num_readings]))).toEqual(
      perWindow([...expectedWindows]),
    );

    // Charts again once everything is in.
    await openPage(page, 'charts', 'charts-page');
    await expect.poll(async () => Number(await page.getByTestId('chart-windows').innerText()), { timeout: 30_000 }).toBe(outputs.size);
    await shot(page, '10-charts-final');

    // The batch report from the pipeline's panel, to a folder in CSV and Parquet.
    await openPage(page, 'pipelines', 'pipelines-page');
    await pipelineRow(page).getByRole('button', { name: PIPELINE, exact: true }).click();
    const panel = page.getByRole('group', { name: 'Batch report' });
    await panel.getByLabel('Report', { exact: true }).selectOption('sensors');
    await panel.getByLabel('Report CSV').check();
    await panel.getByLabel('Report Parquet').check();
    const folder = join(out.path, 'sensor_report');
    mkdirSync(folder);
    await panel.getByLabel('Report folder').fill(folder);
    await panel.getByRole('button', { name: 'Run batch report' }).click();
    await expect
      .poll(() => panel.getByTestId('batch-report-summary').innerText(), { timeout: 60_000 })
      .toMatch(new RegExp(`^${COUNT} records, ${SENSORS} rows in table report_`));
    const files = await panel.getByTestId('batch-report-file').allInnerTexts();
    await panel.scrollIntoViewIfNeeded();
    await shot(page, '11-batch-report');

    // Report files read with DuckDB = DuckDB's own GROUP BY over input_topic's records.
    const expected = round(
      await duckdb(
        `SELECT sensor_id, count(*)::BIGINT AS total_readings, ${measures.flatMap((m) => ['avg', 'min', 'max'].map((fn) => `${fn}(${m})::DOUBLE AS ${fn}_${m}`)).join(', ')} FROM read_json('${source}') GROUP BY sensor_id ORDER BY sensor_id`,
      ),
    );
    const csv = files.find((f) => f.endsWith('.csv'));
    const parquet = files.find((f) => f.endsWith('.parquet'));
    expect(csv).toBeDefined();
    expect(parquet).toBeDefined();
    const select = `SELECT ${columns.join(', ')} FROM`;
    expect(round(await duckdb(`${select} read_csv('${csv}', header = true) ORDER BY sensor_id`))).toEqual(expected);
    expect(round(await duckdb(`${select} read_parquet('${parquet}') ORDER BY sensor_id`))).toEqual(expected);
    expect(expected.reduce((n, r) => n + Number(r.total_readings), 0)).toBe(COUNT);

    await page.close();
    expect(session.problems).toEqual([]);
    console.log(
      `scenario S3: ${COUNT} readings (${beforeRestart} before the restart), ${outputs.size} windows, in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }, 420_000);
});
