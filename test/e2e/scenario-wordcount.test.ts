import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../electron/engine/producers/sources/source.js';
import { tempDir } from '../helpers.js';
import { duckdb } from '../integration/exports-readers.js';
import { readAll } from '../kafka.js';
import { screenshots, startServeSession, type ServeSession } from './serve-fixture.js';

// docs/STACKS.md S4, driven only through the UI from an empty data folder: a CSV replay producer
// (String serializer, one column of words separated by ':') into `streams-plaintext-input`, the
// "Word count" pipeline preset into `streams-wordcount-output` (key = word, value = 64-bit
// big-endian long, as the Kafka Streams demo writes it), `serve` restarted while both run, then the
// counts the Charts page and the output topic show checked against DuckDB's GROUP BY over the same
// CSV, and the output topic shown readably in the Topics browser with the Long deserializer.
// Reading Kafka and the CSV file outside the UI is only for checking.

const INPUT = 'streams-plaintext-input';
const OUTPUT = 'streams-wordcount-output';
const PRODUCER = 'csv-lines';
const PIPELINE = 'Word count';
const LINES = 200;
const RESTART_AFTER = 30;
const VOCABULARY = ['kafka', 'streams', 'spark', 'word', 'count', 'hello', 'world', 'topic', 'broker', 'offset'];

const dir = tempDir('scenario-wordcount');
let session: ServeSession;
let page: Page;
let bootstrap: string;

/** The CSV lines: 1–5 words from the vocabulary (skewed so the counts differ), joined by ':'. */
function csvLines(): string[] {
  const random = seededRandom(4);
  return Array.from({ length: LINES }, () => {
    const words = 1 + Math.floor(random() * 5);
    return Array.from({ length: words }, () => VOCABULARY[Math.floor(random() ** 2 * VOCABULARY.length)]).join(':');
  });
}

const shot = (step: string) => page.screenshot({ path: join(screenshots, `scenario-wordcount-${step}.png`), fullPage: true });

async function open(label: 'Producers' | 'Pipelines' | 'Charts' | 'Topics'): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
}

const producerRow = () => page.locator(`[data-testid="producer-row"][data-name="${PRODUCER}"]`);
const pipelineRow = () => page.locator(`[data-testid="pipeline-row"][data-name="${PIPELINE}"]`);
const sent = async () => Number(await producerRow().getByTestId('producer-sent').innerText());

beforeAll(async () => {
  session = await startServeSession({ localCluster: true, localPorts: [44_000, 44_999] });
  const started = await session.waitForOutput(/Started the local cluster on \S+ and connected to it/);
  bootstrap = started.split(' ')[5] ?? '';
}, 180_000);
afterAll(async () => {
  await session?.close();
  dir.remove();
});

describe('S4 scenario: CSV replay → word count, with a restart of serve in the middle', () => {
  it('counts the CSV’s words exactly once across the restart and shows the long-valued output topic readably', async () => {
    const lines = csvLines();
    const csv = join(dir.path, 'lines.csv');
    writeFileSync(csv, `line\n${lines.join('\n')}\n`);
    // The independent count: DuckDB splits the same CSV on ':' and groups by word.
    const grouped = await duckdb(
      `SELECT word, count(*)::INTEGER AS n FROM (SELECT unnest(string_split(line, ':')) AS word FROM read_csv('${csv}', header = true, delim = ',', columns = {'line': 'VARCHAR'})) GROUP BY word`,
    );
    const expected = Object.fromEntries(grouped.map((r) => [String(r.word), Number(r.n)]));
    // A plain split-and-count agrees with it (both read the same file).
    const plain: Record<string, number> = {};
    for (const word of lines.flatMap((l) => l.split(':'))) plain[word] = (plain[word] ?? 0) + 1;
    expect(expected).toEqual(plain);

    page = await session.newPage();
    await open('Producers');
    await page.getByTestId('producers-page').getByText('No producers yet').waitFor();
    await shot('1-empty');

    // The CSV replay producer, typed into the form; its topic is created from the form (1 partition, so order is checkable).
    await page.getByRole('button', { name: 'New producer' }).click();
    const form = page.getByRole('form', { name: 'New producer' });
    await form.getByLabel('Producer name').fill(PRODUCER);
    await form.getByLabel('Topic', { exact: true }).fill(INPUT);
    await form.getByTestId('topic-missing').getByLabel('Partitions').fill('1');
    await form.getByRole('button', { name: 'Create topic' }).click();
    await form.getByTestId('topic-missing').waitFor({ state: 'detached' });
    await form.getByLabel('Source', { exact: true }).selectOption({ label: 'CSV / JSONL file replay' });
    await form.getByLabel('File path').fill(csv);
    await form.getByLabel('Pacing').selectOption({ label: 'One row per schedule run' });
    await form.getByLabel('Every (s)').fill('0.2');
    await form.getByLabel('Stop after messages').fill('0');
    await form.getByLabel('Serializer').selectOption({ label: 'String' });
    await shot('2-producer-form');
    await form.getByRole('button', { name: 'Save producer' }).click();
    await producerRow().waitFor();

    // The word-count pipeline from its preset, as the preset fills it in.
    await open('Pipelines');
    await page.getByRole('button', { name: 'New pipeline' }).click();
    await page.getByRole('button', { name: 'Word count' }).click();
    expect(await page.getByLabel('Source topics').inputValue()).toBe(INPUT);
    expect(await page.getByLabel('Split on').inputValue()).toBe(':');
    expect(await page.getByLabel('Output topic').inputValue()).toBe(OUTPUT);
    expect(await page.getByLabel('Record format').inputValue()).toBe('long');
    expect(await page.getByLabel('Output mode').inputValue()).toBe('complete');
    await shot('3-pipeline-form');
    // The output topic's name is shown whole, not cut off by a narrow field.
    expect(
      await page
        .getByLabel('Output topic')
        .evaluate((input: { scrollWidth: number; clientWidth: number }) => input.scrollWidth <= input.clientWidth),
    ).toBe(true);
    await page.getByRole('group', { name: 'Output' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'scenario-wordcount-3b-pipeline-form-output.png') });
    await page.getByRole('button', { name: 'Save pipeline' }).click();
    await pipelineRow().waitFor();
    await page.getByRole('button', { name: `Start ${PIPELINE}` }).click();
    await expect.poll(() => pipelineRow().getAttribute('data-state'), { timeout: 60_000 }).toBe('running');

    await open('Producers');
    await page.getByRole('button', { name: `Start ${PRODUCER}` }).click();
    await expect.poll(sent, { timeout: 60_000 }).toBeGreaterThanOrEqual(RESTART_AFTER);
    expect(await producerRow().getAttribute('data-state')).toBe('running');
    const sentBeforeRestart = await sent();
    await shot('4-producing-before-restart');

    // serve stopped as Ctrl+C stops it, and started again on the same data folder.
    await session.restart();
    await session.waitForOutput(/Started the local cluster again on \S+/, 180_000);
    await page.goto(session.url);
    await page.getByTestId('app-loaded').waitFor();
    await open('Producers');
    await expect.poll(() => producerRow().getAttribute('data-state'), { timeout: 60_000 }).toBe('running');
    await shot('5-producer-running-after-restart');
    await open('Pipelines');
    await expect.poll(() => pipelineRow().getAttribute('data-state'), { timeout: 60_000 }).toBe('running');
    await shot('6-pipeline-running-after-restart');

    // The replay reaches the end of the file and finishes by itself; every line was sent once.
    await open('Producers');
    await expect.poll(() => producerRow().getAttribute('data-state'), { timeout: 120_000 }).toBe('finished');
    expect(await sent()).toBe(LINES);
    await shot('7-producer-finished');
    const produced = await readAll(bootstrap, INPUT);
    expect(produced.map((r) => r.value?.toString('utf8'))).toEqual(lines);

    // The pipeline catches up: its checkpoint is at the end of the input (topic, partition, next
    // offset, end offset, lag), and the Charts page shows the counts. ("Records in" counts since the
    // pipeline's latest start, so after the restart it is not the total.)
    await open('Pipelines');
    await pipelineRow().getByRole('button', { name: PIPELINE, exact: true }).click();
    const lag = page.getByRole('table', { name: 'Lag per partition' }).locator('tbody tr');
    await expect.poll(() => lag.allInnerTexts(), { timeout: 60_000 }).toEqual([`${INPUT}\t0\t${LINES}\t${LINES}\t0`]);
    await shot('8-pipeline-caught-up');
    await open('Charts');
    await page.getByTestId('charts-page').getByLabel('Pipeline').selectOption({ label: PIPELINE });
    const table = page.getByTestId('word-table');
    const shownCounts = async () =>
      Object.fromEntries(
        (await table.locator('tbody tr').allInnerTexts()).map((row) => row.split('\t')).map(([word, count]) => [word, Number(count)]),
      );
    await expect.poll(shownCounts, { timeout: 30_000 }).toEqual(expected);
    // Top words first.
    const shownOrder = (await table.locator('tbody tr').allInnerTexts()).map((row) => Number(row.split('\t')[1]));
    expect(shownOrder).toEqual([...shownOrder].sort((a, b) => b - a));
    // Every bar of the top-words chart is labelled with its word, in the table's order.
    const chartWords = page.getByTestId('word-chart').locator('.recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value');
    const tableWords = (await table.locator('tbody tr').allInnerTexts()).map((row) => row.split('\t')[0]);
    await expect.poll(() => chartWords.allTextContents()).toEqual(tableWords);
    await shot('9-charts-word-count');

    // The output topic read back independently: the latest 64-bit big-endian value per word.
    const output = await readAll(bootstrap, OUTPUT);
    const latest: Record<string, number> = {};
    for (const r of output) latest[r.key?.toString('utf8') ?? ''] = Number(r.value?.readBigInt64BE());
    expect(latest).toEqual(expected);
    console.log(
      `[figure] S4: ${sentBeforeRestart} of ${LINES} lines sent before the restart, ${produced.length} records in ${INPUT}, ${Object.values(expected).reduce((a, b) => a + b, 0)} words (${Object.keys(expected).length} distinct) counted; ${output.length} records in ${OUTPUT} (complete mode: the whole table per batch)`,
    );

    // The Topics browser shows it readably: key as text, value as a number with the Long deserializer.
    await open('Topics');
    await page.getByRole('link', { name: OUTPUT, exact: true }).click();
    await page.getByRole('tab', { name: 'Messages' }).click();
    const messages = page.getByTestId('messages-tab');
    const words = Object.keys(expected).length;
    await messages.getByLabel('Count', { exact: true }).fill(String(words));
    await messages.getByLabel('Key decoder').selectOption({ label: 'UTF-8 string' });
    await messages.getByLabel('Value decoder').selectOption({ label: 'Int64 / long (big-endian)' });
    await messages.getByRole('button', { name: 'Load' }).click();
    await expect.poll(() => messages.getByTestId('message-row').count(), { timeout: 30_000 }).toBe(words);
    const browsed = await Promise.all(
      (await messages.getByTestId('message-row').all()).map(async (row) => {
        const cells = await row.locator('td').allInnerTexts();
        return [cells[3], cells[4]] as const;
      }),
    );
    // The last batch of a complete-mode query writes the whole table: the newest rows are every word's final count.
    expect(Object.fromEntries(browsed.map(([key, value]) => [key, Number(value)]))).toEqual(expected);
    expect(browsed.every(([, value]) => /^\d+$/.test(value ?? ''))).toBe(true);
    await messages.getByTestId('message-table').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'scenario-wordcount-10-topics-long-values.png') });

    expect(session.problems).toEqual([]);
  }, 600_000);
});
