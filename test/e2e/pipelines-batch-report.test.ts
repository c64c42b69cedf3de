import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { tempDir, uniqueName } from '../helpers.js';
import { duckdb } from '../integration/exports-readers.js';
import { createTopic, produceInput } from '../integration/pipelines-helpers.js';
import { screenshots, useServeSession } from './serve-fixture.js';

const bootstrap = inject('kafkaBootstrap');
const out = tempDir('e2e-batch-report');
const session = useServeSession({ connect: bootstrap });
afterAll(() => out.remove());

const BASE = Date.UTC(2024, 4, 1, 12, 0, 0);
/** 3 sensors × 40 readings with values that differ per reading, so avg/min/max are not trivially equal. */
const readings = Array.from({ length: 120 }, (_, i) => ({
  timestamp: new Date(BASE + i * 7_000).toISOString(),
  sensor_id: `sensor_${i % 3}`,
  temperature: 15 + ((i * 37) % 200) / 10,
  humidity: 30 + ((i * 13) % 50),
  pressure: 990 + ((i * 7) % 40) / 4,
}));

const measures = ['temperature', 'humidity', 'pressure'] as const;
const columns = ['sensor_id', 'total_readings', ...measures.flatMap((m) => (['avg', 'min', 'max'] as const).map((fn) => `${fn}_${m}`))];
const round = (rows: Record<string, unknown>[]) =>
  rows.map((r) =>
    Object.fromEntries(
      columns.map((c) => [c, typeof r[c] === 'number' ? Number(r[c].toFixed(9)) : typeof r[c] === 'bigint' ? Number(r[c]) : r[c]]),
    ),
  );

describe('the batch report on the pipelines page in Chromium through serve', () => {
  it('runs the per-sensor report of a pipeline from its panel and writes CSV and Parquet equal to a DuckDB GROUP BY', async () => {
    const input = uniqueName('batch_input');
    await createTopic(bootstrap, input, 3);
    await produceInput(
      bootstrap,
      readings.map((r) => ({ topic: input, key: r.sensor_id, value: JSON.stringify(r) })),
    );
    // The same records for DuckDB's own GROUP BY.
    const source = join(out.path, 'readings.json');
    writeFileSync(source, JSON.stringify(readings));
    const expected = round(
      await duckdb(
        `SELECT sensor_id, count(*)::BIGINT AS total_readings, ${measures.flatMap((m) => ['avg', 'min', 'max'].map((fn) => `${fn}(${m})::DOUBLE AS ${fn}_${m}`)).join(', ')} FROM read_json('${source}') GROUP BY sensor_id ORDER BY sensor_id`,
      ),
    );
    expect(expected).toHaveLength(3);

    const page = await session.newPage();
    await page.goto(`${session.origin}/#/pipelines`);
    await page.getByTestId('pipelines-page').waitFor();
    await page.getByRole('button', { name: 'New pipeline' }).click();
    await page.getByRole('button', { name: 'Sensor windows' }).click();
    const name = uniqueName('Sensors batch');
    await page.getByLabel('Pipeline name').fill(name);
    await page.getByLabel('Source topics').fill(input);
    await page.getByLabel('Group id').fill(uniqueName('e2e-batch'));
    await page.getByLabel('Output topic').fill(uniqueName('batch_output'));
    await page.getByRole('button', { name: 'Save pipeline' }).click();
    await page.locator(`[data-testid="pipeline-row"][data-name="${name}"]`).waitFor();
    // The pipeline is never started: the report reads the topic on its own.
    await page.getByRole('button', { name, exact: true }).click();

    const panel = page.getByRole('group', { name: 'Batch report' });
    await panel.getByLabel('Report', { exact: true }).selectOption('sensors');
    await panel.getByLabel('Report CSV').check();
    await panel.getByLabel('Report Parquet').check();
    const folder = join(out.path, 'reports');
    mkdirSync(folder);
    await panel.getByLabel('Report folder').fill(folder);
    await panel.getByRole('button', { name: 'Run batch report' }).click();
    await expect
      .poll(() => panel.getByTestId('batch-report-summary').innerText(), { timeout: 60_000 })
      .toMatch(/^120 records, 3 rows in table report_/);
    const files = await panel.getByTestId('batch-report-file').allInnerTexts();
    expect(files.map((f) => f.slice(folder.length + 1).replace(/^report_[a-z0-9_]+/, 'report')).sort()).toEqual([
      'report.csv',
      'report.parquet',
    ]);
    expect(await panel.getByTestId('batch-report-row').count()).toBe(3);
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'pipelines-batch-report.png') });

    const csv = files.find((f) => f.endsWith('.csv'));
    const parquet = files.find((f) => f.endsWith('.parquet'));
    const select = `SELECT ${columns.join(', ')} FROM`;
    expect(round(await duckdb(`${select} read_csv('${csv}', header = true) ORDER BY sensor_id`))).toEqual(expected);
    expect(round(await duckdb(`${select} read_parquet('${parquet}') ORDER BY sensor_id`))).toEqual(expected);
    await page.close();
  });
});
