import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { uniqueName } from '../helpers.js';
import { createTopic, produceInput } from '../integration/pipelines-helpers.js';
import { deleteTopics } from '../kafka.js';
import { screenshots, useServeSession } from './serve-fixture.js';

const bootstrap = inject('kafkaBootstrap');
const session = useServeSession({ connect: bootstrap });

const MIN = 60_000;
const BASE = Date.UTC(2024, 4, 1, 12, 0, 0);

async function produce(
  topic: string,
  readings: { timestamp: string; sensor_id: string; temperature: number; humidity: number; pressure: number }[],
): Promise<void> {
  await produceInput(
    bootstrap,
    readings.map((r) => ({ topic, key: r.sensor_id, value: JSON.stringify(r) })),
  );
}

const reading = (minute: number, sensor: number, temperature: number) => ({
  timestamp: new Date(BASE + minute * MIN).toISOString(),
  sensor_id: `sensor_${sensor}`,
  temperature,
  humidity: 50,
  pressure: 1000,
});

/** sensor_id → window_start → num_readings, as the results table shows them. */
async function resultCounts(page: Page): Promise<Record<string, number>> {
  const rows = await Promise.all((await page.getByTestId('result-row').all()).map((tr) => tr.locator('td').allInnerTexts()));
  return Object.fromEntries(rows.map((cells) => [`${cells[0]} ${cells[1]}`, Number(cells[6])]));
}

describe('the pipelines page in Chromium through serve', () => {
  it('creates the S3 pipeline from its preset, runs it and shows windows update in place', async () => {
    const input = uniqueName('input_topic');
    const output = uniqueName('output_topic');
    await createTopic(bootstrap, input, 3);
    await createTopic(bootstrap, output, 1);
    const page = await session.newPage();
    await page.goto(`${session.origin}/#/pipelines`);
    await page.getByTestId('pipelines-page').waitFor();
    await page.getByRole('button', { name: 'New pipeline' }).click();
    await page.getByRole('button', { name: 'Sensor windows' }).click();
    const name = uniqueName('Sensor windows');
    await page.getByLabel('Pipeline name').fill(name);
    await page.getByLabel('Source topics').fill(input);
    await page.getByLabel('Group id').fill(uniqueName('e2e-group'));
    await page.getByLabel('Output topic').fill(output);
    expect(await page.getByTestId('projection-row').count()).toBe(5);
    expect(await page.getByLabel('Window duration').inputValue()).toBe('5m');
    expect(await page.getByLabel('Watermark delay').inputValue()).toBe('10m');
    await page.screenshot({ path: join(screenshots, 'pipelines-form.png'), fullPage: true });
    await page.getByRole('button', { name: 'Save pipeline' }).click();

    const row = page.locator(`[data-testid="pipeline-row"][data-name="${name}"]`);
    await row.waitFor();
    await page.getByRole('button', { name: `Start ${name}` }).click();
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('running');

    // Two sensors, minutes 0..7: windows 12:00 and 12:05 for each.
    await produce(
      input,
      [0, 1, 2, 3, 4, 5, 6, 7].flatMap((m) => [reading(m, 1, 20 + m), reading(m, 2, 30 + m)]),
    );
    await expect
      .poll(() => resultCounts(page), { timeout: 30_000 })
      .toEqual({
        'sensor_1 2024-05-01T12:05:00.000Z': 3,
        'sensor_2 2024-05-01T12:05:00.000Z': 3,
        'sensor_1 2024-05-01T12:00:00.000Z': 5,
        'sensor_2 2024-05-01T12:00:00.000Z': 5,
      });
    await expect.poll(() => page.getByTestId('status-in').innerText(), { timeout: 10_000 }).toMatch(/^16 /);
    // Both late counters: ours (record × window) and Spark's numRowsDroppedByWatermark; nothing was late.
    expect(await page.getByTestId('status-late').innerText()).toBe('0');
    expect(await page.getByTestId('status-dropped-by-watermark').innerText()).toBe('0');
    await page.screenshot({ path: join(screenshots, 'pipelines-running.png'), fullPage: true });

    // More readings for an open window: its row is updated, not duplicated.
    await produce(input, [reading(8, 1, 40), reading(9, 1, 41)]);
    await expect
      .poll(() => resultCounts(page), { timeout: 30_000 })
      .toEqual({
        'sensor_1 2024-05-01T12:05:00.000Z': 5,
        'sensor_2 2024-05-01T12:05:00.000Z': 3,
        'sensor_1 2024-05-01T12:00:00.000Z': 5,
        'sensor_2 2024-05-01T12:00:00.000Z': 5,
      });
    expect(await page.getByTestId('results-range').innerText()).toBe('1–4 of 4');
    // A bad record is counted and listed with its partition and offset.
    await produceInput(bootstrap, [{ topic: input, value: '{"timestamp": oops' }]);
    await expect.poll(() => page.getByTestId('status-bad').innerText(), { timeout: 30_000 }).toBe('1 (decode 1)');
    await page.getByRole('table', { name: 'Last bad records' }).waitFor();
    await page.screenshot({ path: join(screenshots, 'pipelines-updated.png'), fullPage: true });

    // Its source topic deleted: the row says "stalled" and the status says why and since when.
    await deleteTopics(bootstrap, [input]);
    await expect.poll(() => row.locator('.badge').innerText(), { timeout: 15_000 }).toBe('stalled');
    expect(await page.getByTestId('status-state').innerText()).toBe('stalled');
    // The broker may first answer the fetch with another error while the deletion propagates.
    await expect
      .poll(() => page.getByTestId('pipeline-status').getByRole('alert').innerText(), { timeout: 15_000 })
      .toMatch(new RegExp(`^Source topic ${input} was deleted or does not exist \\(since \\d\\d:\\d\\d:\\d\\d UTC\\); retrying$`));
    await page.screenshot({ path: join(screenshots, 'pipelines-stalled.png'), fullPage: true });

    await page.getByRole('button', { name: `Stop ${name}` }).click();
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('stopped');
    await page.close();
  });

  it('shows a word count without windows as groups, not open windows', async () => {
    const input = uniqueName('streams-plaintext-input');
    const output = uniqueName('streams-wordcount-output');
    await createTopic(bootstrap, input, 1);
    await createTopic(bootstrap, output, 1);
    const page = await session.newPage();
    await page.goto(`${session.origin}/#/pipelines`);
    await page.getByTestId('pipelines-page').waitFor();
    await page.getByRole('button', { name: 'New pipeline' }).click();
    await page.getByRole('button', { name: 'Word count' }).click();
    const name = uniqueName('Word count');
    await page.getByLabel('Pipeline name').fill(name);
    await page.getByLabel('Source topics').fill(input);
    await page.getByLabel('Group id').fill(uniqueName('e2e-wc'));
    await page.getByLabel('Output topic').fill(output);
    await page.getByRole('button', { name: 'Save pipeline' }).click();
    const row = page.locator(`[data-testid="pipeline-row"][data-name="${name}"]`);
    await row.waitFor();
    await page.getByRole('button', { name: `Start ${name}` }).click();
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('running');
    await produceInput(bootstrap, [
      { topic: input, value: 'kafka:streams:kafka' },
      { topic: input, value: 'spark:kafka' },
    ]);
    await page.getByRole('button', { name, exact: true }).click();
    await expect.poll(() => page.getByTestId('status-open').innerText(), { timeout: 30_000 }).toBe('3');
    expect(await page.getByTestId('status-open-label').innerText()).toBe('Groups');
    expect(await page.getByTestId('pipeline-status').innerText()).not.toContain('Open windows');
    expect(await row.getByTestId('pipeline-state-count').innerText()).toBe('3 groups');
    await page.screenshot({ path: join(screenshots, 'pipelines-word-count-groups.png'), fullPage: true });
    await page.getByRole('button', { name: `Stop ${name}` }).click();
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('stopped');
    await page.close();
  });

  it('offers scale-out with its constraints, shows the engine refusing two topics, and deletes with the changelog option', async () => {
    const input = uniqueName('input_topic');
    await createTopic(bootstrap, input, 3);
    const page = await session.newPage();
    await page.goto(`${session.origin}/#/pipelines`);
    await page.getByTestId('pipelines-page').waitFor();
    await page.getByRole('button', { name: 'New pipeline' }).click();
    await page.getByRole('button', { name: 'Sensor windows' }).click();
    const name = uniqueName('Scaled S3');
    const groupId = uniqueName('e2e-scale');
    await page.getByLabel('Pipeline name').fill(name);
    await page.getByLabel('Source topics').fill(`${input}, ${uniqueName('second')}`);
    await page.getByLabel('Group id').fill(groupId);
    await page.getByLabel('Scale out across workers').check();
    expect(await page.getByTestId('scale-out-help').innerText()).toContain(`${groupId}-state-changelog`);
    expect(await page.getByTestId('scale-out-help').innerText()).toMatch(/co-partitioned groups.*one source topic.*no file sinks/s);
    await page.getByRole('button', { name: 'Save pipeline' }).click();
    await expect
      .poll(() => page.getByRole('alert').allInnerTexts(), { timeout: 10_000 })
      .toContainEqual(expect.stringMatching(/^Could not save: Scale-out reads one source topic/));
    await page.screenshot({ path: join(screenshots, 'pipelines-scale-out-form.png'), fullPage: true });
    await page.getByLabel('Source topics').fill(input);
    await page.getByRole('button', { name: 'Save pipeline' }).click();

    const row = page.locator(`[data-testid="pipeline-row"][data-name="${name}"]`);
    await row.waitFor();
    await page.getByRole('button', { name, exact: true }).click();
    expect(await page.getByTestId('status-scale-out').innerText()).toBe('on (partitions are assigned when it runs)');
    await page.getByRole('button', { name: `Delete ${name}` }).click();
    const confirm = page.getByTestId('pipeline-delete-confirm');
    expect(await confirm.getByLabel(`also delete the state changelog topic (${groupId}-state-changelog)`).isChecked()).toBe(true);
    await page.screenshot({ path: join(screenshots, 'pipelines-delete-confirm.png'), fullPage: true });
    await confirm.getByRole('button', { name: 'Confirm delete' }).click();
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(0);
    await page.close();
  });

  it('ran without CSP violations or console errors', () => {
    expect(session.problems).toEqual([]);
  });
});
