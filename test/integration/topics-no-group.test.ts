import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../shared/connection.js';
import type { MessagePage, ScanProgress } from '../../shared/topic-browser.js';
import type { Engine } from '../../electron/engine/engine.js';
import { data, tempDir, testEngine, uniqueName } from '../helpers.js';
import { createTopic, groupIds, produce } from '../kafka.js';
import { OwnCluster } from '../reliability/own-cluster.js';

// A cluster of this file's own: on the suite's shared broker other test files (and other checkouts
// running older code) create and delete groups meanwhile, and the lists could not be compared exactly.
let cluster: OwnCluster;
let bootstrap: string;
const dir = tempDir('topics-no-group');
const topic = uniqueName('topics-no-group');
let engine: Engine;
let connectionId: string;

beforeAll(async () => {
  cluster = await OwnCluster.start('topics-no-group', 1);
  bootstrap = cluster.bootstrap;
  engine = testEngine(dir.path);
  connectionId = data<Connection>(
    await engine.dispatch('connections:save', { name: 'no-group', bootstrapServers: bootstrap.split(',') }),
  ).id;
  await createTopic(bootstrap, topic, 3);
  await produce(
    bootstrap,
    Array.from({ length: 300 }, (_, i) => ({ topic, partition: i % 3, key: `k${i % 7}`, value: JSON.stringify({ i }) })),
  );
  // One group of a real consumer (kcat commits as it leaves), so the list compared is not empty.
  execFileSync('kcat', ['-C', '-b', bootstrap, '-G', 'an-existing-group', '-o', 'beginning', '-c', '1', '-e', topic], { stdio: 'pipe' });
});
afterAll(async () => {
  await engine?.dispose();
  await cluster?.stop();
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

    const { scanId } = data<{ scanId: string }>(
      await engine.dispatch('messages:scanStart', { connectionId, topic, from: { kind: 'oldest' }, expression: 'value.i < 30' }),
    );
    await expect
      .poll(async () => data<{ progress: ScanProgress }>(await engine.dispatch('messages:scanResults', { id: scanId })).progress.state, {
        timeout: 20_000,
      })
      .toBe('done');
    // Every record up to the log end (300 produced + the live one; a retried produce on the fresh cluster may add duplicates).
    const scanned = data<{ progress: ScanProgress }>(await engine.dispatch('messages:scanResults', { id: scanId })).progress;
    expect(scanned.scanned).toBe(scanned.total);
    expect(scanned.matched).toBeGreaterThanOrEqual(30);

    // One more look while the tail is still running, then stop everything.
    for (const id of await groupIds(bootstrap)) seen.add(id);
    expect(data(await engine.dispatch('messages:tailStop', { id: tailId }))).toEqual({ stopped: true });
    off();
    watching = false;
    await watch;
    const after = await groupIds(bootstrap);

    // Exactly the same groups before, while reading and after: the browser made none, not even for a moment.
    expect(before).toEqual(['an-existing-group']);
    expect([...seen].sort()).toEqual(before);
    expect(after).toEqual(before);
    console.log(
      `[no-group] groups before: [${before.join(', ')}]; seen while reading, tailing and scanning: [${[...seen].sort().join(', ')}]; after: [${after.join(', ')}]`,
    );
  });
});
