import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProducerStatus } from '../../shared/producers.js';
import type { Engine } from '../../electron/engine/engine.js';
import { tempDir, testEngine, uniqueName } from '../helpers.js';
import { OwnCluster, readAll } from '../reliability/own-cluster.js';
import { createTopic, data, saveConnection, saveProducer, statusOf, waitForStatus } from './producers-helpers.js';

// docs/GUARANTEES.md, producers: every record the app reported as sent is consumed exactly once, in
// order within its partition, across a `kill -9` of the broker and its restart. The broker is a
// cluster of this file's own: the suite's shared broker is never killed.
const dir = tempDir('broker-kill');
let cluster: OwnCluster;
let engine: Engine;

beforeAll(async () => {
  cluster = await OwnCluster.start('broker-kill', 1);
  engine = testEngine(join(dir.path, 'engine'));
});
afterAll(async () => {
  await engine?.dispose();
  await cluster?.stop();
  dir.remove();
});

describe('a broker killed with -9 mid-produce', () => {
  it('loses and duplicates nothing the producer reported as sent, shows the outage and recovers', async () => {
    const total = 40_000;
    const file = join(dir.path, 'ids.jsonl');
    writeFileSync(file, Array.from({ length: total }, (_, i) => JSON.stringify({ id: i + 1, k: `k${(i + 1) % 2}` })).join('\n') + '\n');
    const topic = uniqueName('kill-produce');
    await createTopic(cluster.bootstrap, topic, 2);
    const connectionId = await saveConnection(engine, cluster.bootstrap, 'own');
    const view = await saveProducer(engine, {
      name: topic,
      connectionId,
      topic,
      source: { kind: 'file', path: file, format: 'jsonl', pacing: 'fast' },
      schedule: { trigger: { kind: 'continuous' } },
      key: { kind: 'field', path: 'k' },
      config: { acks: 'all', idempotent: true, retries: 5, rateLimit: 2500, requestTimeoutMs: 5000, maxBlockMs: 120_000 },
    });
    const id = view.definition.id;
    const history: ProducerStatus[] = [];
    engine.events.on('producers:status', (s) => {
      if (s.id === id) history.push(s);
    });

    data(await engine.dispatch('producers:start', { id }));
    const beforeKill = await waitForStatus(engine, id, (s) => s.sent >= 5000, 60_000);
    await cluster.kill(1);
    const killedAt = Date.now();
    // The outage shows: an error with the reason, while the broker is down.
    const outage = await waitForStatus(engine, id, (s) => s.errors > 0 || s.state === 'waiting', 60_000);
    const restartMs = await cluster.restart();
    const sentAtRestart = (await statusOf(engine, id)).sent;
    // Recovery shows: records are acknowledged again after the restart.
    await waitForStatus(engine, id, (s) => s.sent > sentAtRestart && s.state === 'running', 60_000);
    const recoveredMs = Date.now() - killedAt;
    const final = await waitForStatus(engine, id, (s) => s.state === 'finished' || s.state === 'failed', 90_000);
    expect(final.state).toBe('finished');

    const records = await readAll(cluster.bootstrap, topic);
    const ids = records.map((r) => (JSON.parse(r.value?.toString() ?? 'null') as { id: number }).id);
    const distinct = new Set(ids);
    const duplicates = ids.length - distinct.size;
    // Ids grow along the offsets of a partition. The one exception: a batch reported failed may still
    // have been written by the broker that died before answering (an ambiguous write) and land after
    // later records; each such descent involves a failed record, so descents ≤ records reported failed.
    let descents = 0;
    for (const partition of [0, 1]) {
      const order = records
        .filter((r) => r.partition === partition)
        .sort((a, b) => a.offset - b.offset)
        .map((r) => (JSON.parse(r.value?.toString() ?? 'null') as { id: number }).id);
      for (let i = 1; i < order.length; i++) if ((order[i] ?? 0) < (order[i - 1] ?? 0)) descents++;
    }
    const figures = {
      total,
      sent: final.sent,
      errors: final.errors,
      found: ids.length,
      distinct: distinct.size,
      duplicates,
      descents,
      sentBeforeKill: beforeKill.sent,
      restartMs,
      recoveredMs,
    };
    console.log(`[reliability] broker kill -9: ${JSON.stringify(figures)}`);
    console.log(`[reliability] outage shown as: state=${outage.state} lastError=${outage.lastError ?? ''}`);

    expect(duplicates).toBe(0);
    expect(descents).toBeLessThanOrEqual(final.errors);
    // acked ⊆ consumed: at least every acknowledged record is there; a failed batch may have landed
    // all the same (the broker wrote it, then died before answering), never more than that.
    expect(distinct.size).toBeGreaterThanOrEqual(final.sent);
    expect(distinct.size).toBeLessThanOrEqual(final.sent + final.errors);
    expect(final.sent + final.errors).toBe(total);
    expect([...distinct].every((n) => n >= 1 && n <= total)).toBe(true);
    expect(outage.lastError).toBeTruthy();
    expect(history.some((s) => s.lastError !== null)).toBe(true);
  });
});
