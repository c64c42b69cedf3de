import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Connection } from '../../shared/connection.js';
import type { GroupDetail, TopicDetail, TopicStatsList } from '../../shared/topic-browser.js';
import type { Engine } from '../../electron/engine/engine.js';
import { data, tempDir, testEngine, uniqueName } from '../helpers.js';
import { joinGroup, setGroupOffsets } from '../kafka.js';

const bootstrap = inject('kafkaBootstrap');
const dir = tempDir('topics-groups');
let engine: Engine;
let connectionId: string;
const topic = uniqueName('topics-groups');
const groupId = uniqueName('group');

beforeAll(async () => {
  engine = testEngine(dir.path);
  connectionId = data<Connection>(await engine.dispatch('connections:save', { name: 'suite', bootstrapServers: bootstrap.split(',') })).id;
  data(await engine.dispatch('topics:create', { connectionId, topic, partitions: 2 }));
  for (let i = 0; i < 10; i += 1) {
    data(
      await engine.dispatch('messages:produce', {
        connectionId,
        topic,
        partition: i % 2,
        key: null,
        value: { text: `m${i}`, encoder: 'string' },
      }),
    );
  }
  // A group that committed 3 records on partition 0 and 2 on partition 1: lag 2 + 3 = 5.
  await setGroupOffsets(bootstrap, groupId, topic, [
    { partition: 0, offset: 3 },
    { partition: 1, offset: 2 },
  ]);
});
afterAll(async () => {
  await engine.dispose();
  dir.remove();
});

describe('consumer groups against the local Kafka', () => {
  it('lists the group for its topic and describes committed offsets, log-end offsets and lag', async () => {
    const listed = data<{ groupId: string }[]>(await engine.dispatch('groups:list', { connectionId, topic }));
    expect(listed.map((g) => g.groupId)).toEqual([groupId]);
    const detail = data<GroupDetail>(await engine.dispatch('groups:describe', { connectionId, groupId }));
    expect(detail.offsets).toEqual([
      { topic, partition: 0, committed: 3, logEnd: 5, lag: 2 },
      { topic, partition: 1, committed: 2, logEnd: 5, lag: 3 },
    ]);
    expect(detail.totalLag).toBe(5);
    expect(detail.members).toEqual([]);
  });

  it('refuses to reset a group with an active member, with a clear error', async () => {
    const active = uniqueName('active');
    const member = await joinGroup(bootstrap, active, [topic]);
    const detail = data<GroupDetail>(await engine.dispatch('groups:describe', { connectionId, groupId: active }));
    expect(detail.members).toHaveLength(1);
    expect(detail.members[0]?.assignments).toEqual([{ topic, partitions: [0, 1] }]);
    const reset = await engine.dispatch('groups:resetOffsets', { connectionId, groupId: active, topic, to: { kind: 'earliest' } });
    expect(reset).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(reset.ok ? '' : reset.error.message).toMatch(/1 active member.*stop its consumers/);
    expect(await engine.dispatch('groups:delete', { connectionId, groupId: active })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    await member.close();
  });

  it('resets an idle group to earliest, latest, an offset and a timestamp', async () => {
    const lagOf = async () =>
      data<GroupDetail>(await engine.dispatch('groups:describe', { connectionId, groupId })).offsets.map((o) => o.committed);
    data(await engine.dispatch('groups:resetOffsets', { connectionId, groupId, topic, to: { kind: 'earliest' } }));
    expect(await lagOf()).toEqual([0, 0]);
    data(await engine.dispatch('groups:resetOffsets', { connectionId, groupId, topic, to: { kind: 'latest' } }));
    expect(await lagOf()).toEqual([5, 5]);
    data(await engine.dispatch('groups:resetOffsets', { connectionId, groupId, topic, to: { kind: 'offset', offset: 4, partition: 1 } }));
    expect(await lagOf()).toEqual([5, 4]);
    data(await engine.dispatch('groups:resetOffsets', { connectionId, groupId, topic, to: { kind: 'timestamp', timestamp: 0 } }));
    expect(await lagOf()).toEqual([0, 0]);
  });

  it('describes __consumer_offsets, which the group offsets live in, with its partitions and watermarks', async () => {
    // The client's own metadata and ListOffsets leave internal topics out (test/client-defects/admin-internal-topics.test.ts).
    const detail = data<TopicDetail>(await engine.dispatch('topics:describe', { connectionId, topic: '__consumer_offsets' }));
    expect(detail.internal).toBe(true);
    expect(detail.partitions.length).toBeGreaterThan(0);
    expect(detail.partitions.every((p) => p.leader >= 0 && p.high >= p.low)).toBe(true);
    expect(detail.totalMessages).toBeGreaterThan(0);
    const stats = data<TopicStatsList>(await engine.dispatch('topics:stats', { connectionId, includeInternal: true }));
    expect(stats.offsetsError).toBeUndefined();
    expect(stats.topics.find((t) => t.name === '__consumer_offsets')?.totalMessages).toBeGreaterThan(0);
  });

  it('resets offsets without joining the group: no member appears, and the group stays Empty', async () => {
    data(await engine.dispatch('groups:resetOffsets', { connectionId, groupId, topic, to: { kind: 'latest' } }));
    const detail = data<GroupDetail>(await engine.dispatch('groups:describe', { connectionId, groupId }));
    expect(detail.members).toEqual([]);
    expect(detail.state).toBe('Empty');
  });

  it('deletes an idle group', async () => {
    expect(data(await engine.dispatch('groups:delete', { connectionId, groupId }))).toEqual({ deleted: true });
    expect(await engine.dispatch('groups:describe', { connectionId, groupId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
