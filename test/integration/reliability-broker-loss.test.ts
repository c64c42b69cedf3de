import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { producerConfigSchema } from '../../shared/producers.js';
import type { TopicDetail } from '../../shared/topic-browser.js';
import type { Engine } from '../../electron/engine/engine.js';
import { KafkaSendEngine, usesIdempotence } from '../../electron/engine/kafka/send-engine.js';
import { withAdmin } from '../kafka.js';
import { tempDir, testEngine, uniqueName } from '../helpers.js';
import { OwnCluster, readAll } from '../reliability/own-cluster.js';
import { data, saveConnection, saveProducer, statusOf, waitForStatus } from './producers-helpers.js';

// docs/GUARANTEES.md, broker loss: on three brokers with RF=3 and min.insync.replicas=2, one broker
// killed with -9 while an acks=all producer runs: production continues, the topic detail shows the
// shrunken ISR, nothing is lost; the broker back, the ISR recovers to 3. Three JVMs of this file's own.
const dir = tempDir('broker-loss');
let cluster: OwnCluster;
let engine: Engine;

beforeAll(async () => {
  cluster = await OwnCluster.start('broker-loss', 3);
  engine = testEngine(join(dir.path, 'engine'));
}, 120_000);
afterAll(async () => {
  await engine?.dispose();
  await cluster?.stop();
  dir.remove();
});

/** Errors of the engine's topic detail while polling (a broker just died), with when they came. */
const describeErrors: { at: number; message: string }[] = [];

async function poll<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      last = await read();
      if (check(last as T)) return last as T;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
      describeErrors.push({ at: Date.now(), message: String(last) });
    }
    if (Date.now() > until) throw new Error(`${what} not reached in ${timeoutMs} ms: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('one of three brokers killed with -9', () => {
  it('keeps producing, shows under-replicated partitions, loses nothing, and the ISR recovers', async () => {
    const topic = uniqueName('broker-loss');
    const connectionId = await saveConnection(engine, cluster.bootstrap, 'three');
    data(
      await engine.dispatch('topics:create', {
        connectionId,
        topic,
        partitions: 3,
        replicationFactor: 3,
        configs: [{ name: 'min.insync.replicas', value: '2' }],
      }),
    );
    const describe = async () => data<TopicDetail>(await engine.dispatch('topics:describe', { connectionId, topic }));
    const healthy = await poll(
      describe,
      (d) => d.partitions.length === 3 && d.partitions.every((p) => p.isr.length === 3 && p.leader > 0),
      30_000,
      'full ISR',
    );
    expect(healthy.underReplicated).toBe(0);
    expect(healthy.configs.find((c) => c.name === 'min.insync.replicas')?.value).toBe('2');

    const total = 20_000;
    const file = join(dir.path, 'ids.jsonl');
    writeFileSync(file, Array.from({ length: total }, (_, i) => JSON.stringify({ id: i + 1, k: `k${(i + 1) % 6}` })).join('\n') + '\n');
    const view = await saveProducer(engine, {
      name: topic,
      connectionId,
      topic,
      source: { kind: 'file', path: file, format: 'jsonl', pacing: 'fast' },
      schedule: { trigger: { kind: 'continuous' } },
      key: { kind: 'field', path: 'k' },
      config: { acks: 'all', idempotent: true, retries: 8, rateLimit: 1000, requestTimeoutMs: 5000, maxBlockMs: 120_000 },
    });
    const id = view.definition.id;
    data(await engine.dispatch('producers:start', { id }));
    await waitForStatus(engine, id, (s) => s.sent >= 2000, 60_000);

    // Node 3: not the node whose log the cluster status points to.
    await cluster.kill(3);
    const killedAt = Date.now();
    const shrunk = await poll(
      describe,
      (d) => d.underReplicated > 0 && d.partitions.every((p) => !p.isr.includes(3) && p.leader !== 3 && p.leader > 0),
      45_000,
      'ISR without node 3',
    );
    const shrinkMs = Date.now() - killedAt;
    expect(shrunk.underReplicated).toBe(3);
    for (const p of shrunk.partitions) expect(p.isr.sort()).toEqual([1, 2]);
    // Production continues on two brokers (min.insync.replicas=2 still met).
    const duringOutage = (await statusOf(engine, id)).sent;
    // A loaded 2-core machine can take >30 s to move to the new leaders.
    await waitForStatus(engine, id, (s) => s.sent >= duringOutage + 1000, 90_000).catch(async (error: unknown) => {
      throw new Error(`production did not continue on two brokers: ${JSON.stringify(await statusOf(engine, id))}`, { cause: error });
    });

    const restartMs = await cluster.restart();
    const recovered = await poll(
      describe,
      (d) => d.underReplicated === 0 && d.partitions.every((p) => p.isr.length === 3),
      45_000,
      'ISR back to 3',
    );
    const recoverMs = Date.now() - killedAt;
    expect(recovered.partitions.every((p) => [...p.isr].sort().join() === '1,2,3')).toBe(true);

    const final = await waitForStatus(engine, id, (s) => s.state === 'finished' || s.state === 'failed', 60_000);
    expect(final.state).toBe('finished');
    const records = await readAll(cluster.bootstrap, topic);
    const ids = records.map((r) => (JSON.parse(r.value?.toString() ?? 'null') as { id: number }).id);
    const distinct = new Set(ids);
    // Ordering within a partition (ids rise along the offsets) for the idempotent producer: on
    // kafkajs a pair of ids once landed swapped during the leader failover.
    let descents = 0;
    for (const partition of [0, 1, 2]) {
      const order = records
        .filter((r) => r.partition === partition)
        .sort((a, b) => a.offset - b.offset)
        .map((r) => (JSON.parse(r.value?.toString() ?? 'null') as { id: number }).id);
      for (let i = 1; i < order.length; i++) if ((order[i] ?? 0) < (order[i - 1] ?? 0)) descents++;
    }
    console.log(
      `[reliability] broker loss (3 brokers, RF 3, min ISR 2): ${JSON.stringify({ total, sent: final.sent, errors: final.errors, descents, found: ids.length, duplicates: ids.length - distinct.size, shrinkMs, restartMs, isrRecoveredMs: recoverMs, describeErrors: describeErrors.length, describeErrorsFor: describeErrors.length ? (describeErrors.at(-1)?.at ?? 0) - (describeErrors[0]?.at ?? 0) : 0, describeError: describeErrors[0]?.message })}`,
    );
    expect(ids.length - distinct.size).toBe(0);
    expect(descents).toBe(0);
    expect(distinct.size).toBeGreaterThanOrEqual(final.sent);
    expect(distinct.size).toBeLessThanOrEqual(final.sent + final.errors);
    expect(final.sent + final.errors).toBe(total);
  }, 210_000);

  it.each([
    ['idempotent', true],
    ['idempotence not asked for: acks=all enables it, as the Java client does', false],
  ] as const)(
    'a send in flight to a leader that hangs and dies delivers every record once leadership moves (%s)',
    async (label, idempotent) => {
      // kafkajs 2.2.4 kept produce answers per broker: once the dead leader's partition moved to a
      // broker that had already answered, its records were never resent and send() resolved without
      // them (20000 sent, 19998 found in one CI run of the test above; it needed a patch). Here that
      // case is made on purpose, on the embedded producer's send engine: the leader of one partition
      // hangs (SIGSTOP) while a send to all three partitions is in flight, the other two leaders
      // answer, the controller moves the hung node's partition to one of them, then the node is
      // killed. The send must resolve only once every record is written, exactly once and in order. The
      // second case does not ask for idempotence; the engine enables it for acks=all (the client's
      // non-idempotent retry path once lost this partition's 100 records here).
      await cluster.restart(); // no-op when all three run; brings back a node the test above left dead
      const topic = uniqueName('leader-moves');
      const connectionId = await saveConnection(engine, cluster.bootstrap, 'three-again');
      data(
        await engine.dispatch('topics:create', {
          connectionId,
          topic,
          partitions: 3,
          replicationFactor: 3,
          configs: [{ name: 'min.insync.replicas', value: '2' }],
        }),
      );
      const describe = async () => data<TopicDetail>(await engine.dispatch('topics:describe', { connectionId, topic }));
      const ready = await poll(
        describe,
        (d) =>
          d.partitions.length === 3 &&
          d.partitions.every((p) => p.isr.length === 3 && p.leader > 0) &&
          new Set(d.partitions.map((p) => p.leader)).size === 3,
        45_000,
        'full ISR with three leaders',
      );
      const doomed = ready.partitions[1];
      if (!doomed) throw new Error('partition 1 expected');

      // The request to the hung leader must outlive the leader move (a client timeout is not retried).
      const config = producerConfigSchema.parse({ acks: 'all', idempotent, retries: 12, requestTimeoutMs: 60_000 });
      const connection = {
        name: 'leader-moves',
        bootstrapServers: cluster.bootstrap.split(','),
        clientId: 'leader-moves',
        ssl: { enabled: false, rejectUnauthorized: true },
      };
      const sender = new KafkaSendEngine(connection, null, topic, config);
      await sender.connect();
      let moved: number[];
      // One key per partition, found by the warm-up: the send engine partitions by key (murmur2).
      const keyFor = new Map<number, string>();
      let sendMs: number;
      try {
        // Warm-up: the client connects to the three leaders (one record per partition, id 0).
        for (let k = 0; keyFor.size < 3 && k < 100; k++) {
          const key = `k${k}`;
          await sender.send([{ key, value: JSON.stringify({ id: 0, key }), headers: null }]);
          const found = (await readAll(cluster.bootstrap, topic)).find((r) => r.key === key);
          if (found && !keyFor.has(found.partition)) keyFor.set(found.partition, key);
        }
        expect(keyFor.size).toBe(3);
        cluster.freeze(doomed.leader);
        const started = Date.now();
        const records = Array.from({ length: 300 }, (_, i) => ({
          key: keyFor.get(i % 3) ?? '',
          value: JSON.stringify({ id: i + 1 }),
          headers: null,
        }));
        const sending = sender.send(records);
        sending.catch(() => undefined);
        // Leadership is read through a fresh admin bootstrapped on the live nodes only: a client that
        // knows the hung node may wait on it.
        const live = cluster.status.nodes
          .filter((n) => n.nodeId !== doomed.leader)
          .map((n) => `127.0.0.1:${n.port}`)
          .join(',');
        const leaders = async (): Promise<number[]> =>
          withAdmin(live, async (admin) =>
            ((await admin.topicMetadata([topic])).get(topic) ?? []).sort((a, b) => a.partition - b.partition).map((p) => p.leader),
          );
        moved = await poll(leaders, (l) => (l[1] ?? -1) > 0 && l[1] !== doomed.leader, 60_000, 'partition 1 led by another node');
        await cluster.kill(doomed.leader);
        await sending;
        sendMs = Date.now() - started;
      } finally {
        await sender.disconnect();
      }
      const read = (await readAll(cluster.bootstrap, topic))
        .map((r) => ({ partition: r.partition, offset: r.offset, id: (JSON.parse(r.value?.toString() ?? 'null') as { id: number }).id }))
        .filter((r) => r.id > 0);
      const ids = read.map((r) => r.id);
      let descents = 0;
      for (const partition of [0, 1, 2]) {
        const order = read
          .filter((r) => r.partition === partition)
          .sort((a, b) => a.offset - b.offset)
          .map((r) => r.id);
        for (let i = 1; i < order.length; i++) if ((order[i] ?? 0) < (order[i - 1] ?? 0)) descents++;
      }
      const figures = {
        sent: 300,
        found: ids.length,
        duplicates: ids.length - new Set(ids).size,
        lost: 300 - new Set(ids).size,
        descents,
        sendMs,
      };
      console.log(
        `[reliability] leader moved during a send (${label}): node ${doomed.leader} hung then killed, leaders before ${ready.partitions.map((p) => p.leader).join()} after ${moved.join()}; ${JSON.stringify(figures)}`,
      );
      expect([...new Set(ids)].sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
      // Both runs are idempotent on the wire (usesIdempotence in kafka/send-engine.ts): exactly once, in order.
      expect(usesIdempotence(config)).toBe(true);
      expect(ids).toHaveLength(300);
      expect(descents).toBe(0);
    },
    150_000,
  );
});
