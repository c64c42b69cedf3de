import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Envelope } from '../../shared/contract.js';
import type { Connection } from '../../shared/connection.js';
import type { MessagePage, ScanProgress } from '../../shared/topic-browser.js';
import type { Engine } from '../../electron/engine/engine.js';
import { tempDir, testEngine, uniqueName } from '../helpers.js';
import { createTopic, deleteTopics, groupIds, produce } from '../kafka.js';

const bootstrap = inject('kafkaBootstrap');
const dir = tempDir('topics-no-group');
const topic = uniqueName('topics-no-group');
let engine: Engine;
let connectionId: string;

function data<T>(envelope: Envelope<unknown>): T {
  if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
  return envelope.data as T;
}

/** Names the browser's reads ever gave groups: kafkajs-era throw-away groups, and the reader's placeholder id (never joined). */
const BROWSE_GROUP = /^kwb-browse-|^kwb-tail-|^kafka-workbench-reader/;

beforeAll(async () => {
  engine = testEngine(dir.path);
  connectionId = data<Connection>(await engine.dispatch('connections:save', { name: 'no-group', bootstrapServers: bootstrap.split(',') })).id;
  await createTopic(bootstrap, topic, 3);
  await produce(bootstrap, Array.from({ length: 300 }, (_, i) => ({ topic, partition: i % 3, key: `k${i % 7}`, value: JSON.stringify({ i }) })));
});
afterAll(async () => {
  await engine.dispose();
  await deleteTopics(bootstrap, [topic]).catch(() => undefined);
  dir.remove();
});

describe('browsing joins no consumer group', () => {
  it('leaves the cluster group list as it was across a page read, a live tail and a filtered scan', async () => {
    const before = await groupIds(bootstrap);
    // Groups seen while the reads run: a throw-away group would show up here even if deleted afterwards.
    const seen = new Set<string>();
    let watching = true;
    const watch = (async () => {
      while (watching) {
        for (const id of await groupIds(bootstrap)) seen.add(id);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();

    const page = data<MessagePage>(await engine.dispatch('messages:read', { connectionId, topic, start: { kind: 'newest' }, limit: 50 }));
    expect(page.messages).toHaveLength(50);

    const tailed: number[] = [];
    const off = engine.events.on('messages:tail', (event) => tailed.push(...event.messages.map((m) => m.offset)));
    const { tailId } = data<{ tailId: string }>(await engine.dispatch('messages:tailStart', { connectionId, topic }));
    await produce(bootstrap, [{ topic, partition: 1, value: 'live' }]);
    await expect.poll(() => tailed.length, { timeout: 15_000 }).toBe(1);

    const { scanId } = data<{ scanId: string }>(await engine.dispatch('messages:scanStart', { connectionId, topic, from: { kind: 'oldest' }, expression: 'value.i < 30' }));
    await expect.poll(async () => data<{ progress: ScanProgress }>(await engine.dispatch('messages:scanResults', { id: scanId })).progress.state, { timeout: 20_000 }).toBe('done');
    expect(data<{ progress: ScanProgress }>(await engine.dispatch('messages:scanResults', { id: scanId })).progress).toMatchObject({ scanned: 301, matched: 30 });

    // One more look while the tail is still running, then stop everything.
    for (const id of await groupIds(bootstrap)) seen.add(id);
    expect(data(await engine.dispatch('messages:tailStop', { id: tailId }))).toEqual({ stopped: true });
    off();
    watching = false;
    await watch;
    const after = await groupIds(bootstrap);

    const appeared = [...seen, ...after].filter((id) => !before.includes(id));
    const vanished = before.filter((id) => !after.includes(id));
    // The broker is shared with other test files running in parallel (pipelines, geo watches): their
    // groups may come and go meanwhile. Those are named and printed; none may be the browser's.
    if (appeared.length > 0 || vanished.length > 0) console.log(`[no-group] groups that came or went meanwhile: +[${[...new Set(appeared)].join(', ')}] -[${vanished.join(', ')}]`);
    expect(appeared.filter((id) => BROWSE_GROUP.test(id))).toEqual([]);
    expect([...seen].filter((id) => BROWSE_GROUP.test(id))).toEqual([]);
    if (appeared.length === 0 && vanished.length === 0) expect(after).toEqual(before);
    console.log(`[no-group] ${before.length} groups before, ${after.length} after; ${seen.size} seen while reading`);
  });
});
