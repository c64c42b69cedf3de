import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Connection } from '../../shared/connection.js';
import type { Pipeline, PipelineInput, PipelineStatus } from '../../shared/pipelines.js';
import type { Engine } from '../../electron/engine/engine.js';
import { data, tempDir, testEngine, uniqueName } from '../helpers.js';
import { GroupMember } from '../../electron/engine/kafka/group-member.js';
import { withAdmin } from '../kafka.js';
import { clientOptions, createTopic, waitFor } from './pipelines-helpers.js';

const bootstrap = inject('kafkaBootstrap');
const dir = tempDir('pipelines-remove');
let engine: Engine;
let connectionId = '';

beforeAll(async () => {
  engine = testEngine(dir.path);
  const saved = data<Connection>(await engine.dispatch('connections:save', { name: 'suite', bootstrapServers: bootstrap.split(',') }));
  connectionId = saved.id;
  data(await engine.dispatch('connections:activate', { id: saved.id }));
});
afterAll(async () => {
  await engine.dispose();
  dir.remove();
});

async function topics(): Promise<string[]> {
  return withAdmin(bootstrap, (admin) => admin.listTopics());
}

function counting(topic: string, groupId: string): PipelineInput {
  return {
    name: uniqueName('scale-out remove'),
    connectionId,
    topics: [topic],
    groupId,
    decoder: 'string',
    wordSplit: { separator: ' ' },
    aggregation: { groupBy: ['word'], aggregates: [{ fn: 'count', as: 'count' }] },
    scaleOut: true,
  };
}

describe('removing a scale-out pipeline', () => {
  it('deletes its state changelog topic when asked, and reports it', async () => {
    const source = uniqueName('remove-src');
    const groupId = uniqueName('remove-group');
    await createTopic(bootstrap, source, 2);
    const saved = data<Pipeline>(await engine.dispatch('pipelines:save', counting(source, groupId)));
    // Running once creates the changelog and shows which partitions this worker holds.
    data(await engine.dispatch('pipelines:start', { id: saved.id }));
    await expect
      .poll(async () => data<PipelineStatus>(await engine.dispatch('pipelines:status', { id: saved.id })).scaleOut, {
        timeout: 60_000,
        interval: 200,
      })
      .toEqual({ changelogTopic: `${groupId}-state-changelog`, partitions: [0, 1] });
    expect(await topics()).toContain(`${groupId}-state-changelog`);

    const result = data<{ removed: boolean; changelog?: { topic: string; deleted: boolean } }>(
      await engine.dispatch('pipelines:remove', { id: saved.id, deleteChangelog: true }),
    );
    expect(result).toEqual({ removed: true, changelog: { topic: `${groupId}-state-changelog`, deleted: true, reason: null } });
    await expect.poll(() => topics(), { timeout: 30_000, interval: 200 }).not.toContain(`${groupId}-state-changelog`);
    expect(data<Pipeline[]>(await engine.dispatch('pipelines:list', undefined)).some((p) => p.id === saved.id)).toBe(false);
  });

  it('keeps the changelog while another saved pipeline uses the same group, and deletes it with the last one', async () => {
    const source = uniqueName('remove-src');
    const groupId = uniqueName('remove-group');
    await createTopic(bootstrap, source, 1);
    const saved = data<Pipeline>(await engine.dispatch('pipelines:save', counting(source, groupId)));
    // Another worker: a second saved pipeline with the same group, running (as a CLI worker would).
    const other = data<Pipeline>(
      await engine.dispatch('pipelines:save', { ...counting(source, groupId), name: uniqueName('other worker') }),
    );
    data(await engine.dispatch('pipelines:start', { id: other.id }));
    await expect
      .poll(async () => data<PipelineStatus>(await engine.dispatch('pipelines:status', { id: other.id })).scaleOut?.partitions, {
        timeout: 60_000,
        interval: 200,
      })
      .toEqual([0]);
    // A saved pipeline sharing the group keeps the changelog (its state lives there).
    const kept = data<{ removed: boolean; changelog?: { deleted: boolean; reason: string | null } }>(
      await engine.dispatch('pipelines:remove', { id: saved.id, deleteChangelog: true }),
    );
    expect(kept.removed).toBe(true);
    expect(kept.changelog?.deleted).toBe(false);
    expect(kept.changelog?.reason).toContain('uses the same group id');
    expect(await topics()).toContain(`${groupId}-state-changelog`);

    // Removing the running one stops it first (its member leaves), then deletes the changelog.
    const last = data<{ removed: boolean; changelog?: { deleted: boolean } }>(
      await engine.dispatch('pipelines:remove', { id: other.id, deleteChangelog: true }),
    );
    expect(last).toMatchObject({ removed: true, changelog: { deleted: true } });
  });

  it('refuses to delete the changelog while a worker outside this app is a member of the group', async () => {
    const source = uniqueName('remove-src');
    const groupId = uniqueName('remove-group');
    await createTopic(bootstrap, source, 1);
    const saved = data<Pipeline>(await engine.dispatch('pipelines:save', counting(source, groupId)));
    data(await engine.dispatch('pipelines:start', { id: saved.id }));
    data(await engine.dispatch('pipelines:stop', { id: saved.id }));
    // A plain consumer in the group stands in for a headless worker on another machine.
    let joined = false;
    const outsider = new GroupMember(
      clientOptions(bootstrap),
      groupId,
      { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1_000 },
      () => (joined = true),
      () => undefined,
    );
    await outsider.join([source]);
    await waitFor(() => joined, 60_000, 'outsider joined');
    try {
      const refused = await engine.dispatch('pipelines:remove', { id: saved.id, deleteChangelog: true });
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(refused.error.message).toMatch(/still run.*stop them first/);
      expect(data<Pipeline[]>(await engine.dispatch('pipelines:list', undefined)).some((p) => p.id === saved.id)).toBe(true);
      expect(await topics()).toContain(`${groupId}-state-changelog`);
    } finally {
      await outsider.close();
    }
    expect(data<{ removed: boolean }>(await engine.dispatch('pipelines:remove', { id: saved.id, deleteChangelog: true })).removed).toBe(
      true,
    );
  });
});
