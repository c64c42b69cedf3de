import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type { Pipeline, PipelineStatus } from '../../shared/pipelines.js';
import { uniqueName } from '../helpers.js';
import { createTopic, produce } from '../kafka.js';
import { screenshots, useServeSession } from './serve-fixture.js';

// The groups page and an app pipeline's group. Before, the page did not say that the group belongs
// to a pipeline whose own checkpoint is where it resumes, and a reset said only "Offsets reset on
// 3 partition(s)" (this test found no 'group-pipeline' note).
const bootstrap = inject('kafkaBootstrap');
const session = useServeSession();

describe("a pipeline's consumer group on the Consumers tab", () => {
  it('says the group belongs to the pipeline, and that a reset moves its checkpoint', async () => {
    const connectionId = await session.connect('suite', bootstrap);
    const topic = uniqueName('group-reset-e2e');
    const groupId = uniqueName('pipeline-group');
    const name = uniqueName('Count per sensor');
    await createTopic(bootstrap, topic, 3);
    await produce(
      bootstrap,
      Array.from({ length: 30 }, (_, i) => ({ topic, key: `k${i % 3}`, value: JSON.stringify({ sensor: `s${i % 3}` }) })),
    );
    const pipeline = (await session.call('pipelines:save', {
      name,
      connectionId,
      topics: [topic],
      groupId,
      triggerIntervalMs: 100,
      projection: [{ column: 'sensor', path: 'sensor', type: 'string' }],
      aggregation: { groupBy: ['sensor'], aggregates: [{ fn: 'count', as: 'n' }] },
      outputMode: 'update',
      sinks: [],
    })) as Pipeline;
    await session.call('pipelines:start', { id: pipeline.id });
    await expect
      .poll(async () => ((await session.call('pipelines:status', { id: pipeline.id })) as PipelineStatus).recordsIn, { timeout: 60_000 })
      .toBe(30);
    await session.call('pipelines:stop', { id: pipeline.id });

    const page = await session.newPage();
    await page.goto(`${session.origin}/#/topics/${topic}`);
    await page.getByRole('tab', { name: 'Consumers' }).click();
    await page.getByRole('button', { name: groupId }).click();
    const note = page.getByTestId('group-pipeline');
    await note.waitFor();
    expect(await note.innerText()).toBe(
      `This group belongs to the pipeline ${name}. It resumes from its own checkpoint, not from the offsets above; a reset here moves its checkpoint too (stop the pipeline first).`,
    );
    const reset = page.getByRole('form', { name: 'Reset offsets' });
    await reset.getByLabel('Reset offsets to').selectOption('earliest');
    await reset.getByRole('button', { name: 'Reset offsets' }).click();
    await page
      .getByText(
        `Offsets reset on 3 partition(s). The checkpoint of the pipeline ${name} moved with them: it reads from there at its next start.`,
      )
      .waitFor();
    await page.getByTestId('group-detail').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'topics-group-pipeline-reset.png'), fullPage: true });

    // Reset to earliest: the next start reads the 30 records again (the counts go on from 10 each).
    await session.call('pipelines:start', { id: pipeline.id });
    await expect
      .poll(async () => ((await session.call('pipelines:status', { id: pipeline.id })) as PipelineStatus).recordsIn, { timeout: 60_000 })
      .toBe(30);
    await session.call('pipelines:stop', { id: pipeline.id });
    await page.close();
  }, 180_000);

  it('ran without CSP violations or console errors', () => {
    expect(session.problems).toEqual([]);
  });
});
