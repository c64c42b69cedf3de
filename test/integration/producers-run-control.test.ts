import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ProducerStatus } from '../../shared/producers.js';
import type { Engine } from '../../electron/engine/engine.js';
import { findFreePortBlock } from '../../electron/engine/cluster/ports.js';
import { tempDir, testEngine, uniqueName } from '../helpers.js';
import { consume, createTopic, data, saveConnection, saveProducer, statusOf, topicCount, waitForStatus } from './producers-helpers.js';

const bootstrap = inject('kafkaBootstrap');
const dir = tempDir('producers-run');
let engine: Engine;
let connectionId: string;

beforeAll(async () => {
  engine = testEngine(dir.path);
  connectionId = await saveConnection(engine, bootstrap);
});
afterAll(async () => {
  await engine.dispose();
  dir.remove();
});

describe('producer run control', () => {
  it('fires a cron schedule once per matching second', async () => {
    const topic = uniqueName('prod-cron');
    await createTopic(bootstrap, topic);
    const view = await saveProducer(engine, {
      name: topic,
      connectionId,
      topic,
      source: { kind: 'sensors' },
      schedule: { trigger: { kind: 'cron', expression: '* * * * * *' }, maxMessages: 3 },
    });
    const started = Date.now();
    data(await engine.dispatch('producers:start', { id: view.definition.id }));
    await waitForStatus(engine, view.definition.id, (s) => s.state === 'finished');
    const elapsed = Date.now() - started;
    // Three runs on three consecutive second boundaries: at least 2 s, well under a burst or a minute.
    expect(elapsed).toBeGreaterThanOrEqual(2000);
    expect(elapsed).toBeLessThan(5000);
    const records = await consume(bootstrap, topic, 3);
    const seconds = records.map((r) => Math.floor(Date.parse((JSON.parse(r.value) as { timestamp: string }).timestamp) / 1000));
    expect(new Set(seconds).size).toBe(3);
  });

  it('refuses an invalid cron expression with a clear message', async () => {
    const result = await engine.dispatch('producers:save', {
      name: uniqueName('bad-cron'),
      connectionId,
      topic: 't',
      source: { kind: 'sensors' },
      schedule: { trigger: { kind: 'cron', expression: 'sometimes' } },
    });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', message: expect.stringContaining('Cron expression "sometimes" is not valid') as unknown },
    });
  });

  it('pauses and resumes, and stop flushes so the topic holds exactly what was counted as sent', async () => {
    const topic = uniqueName('prod-flush');
    await createTopic(bootstrap, topic, 3);
    // A long linger: at stop, records are still batched in the engine and must be flushed, not dropped.
    const view = await saveProducer(engine, {
      name: topic,
      connectionId,
      topic,
      source: { kind: 'sensors' },
      schedule: { trigger: { kind: 'interval', everyMs: 20 } },
      config: { lingerMs: 1500, batchSize: 1_000_000 },
    });
    const id = view.definition.id;
    data(await engine.dispatch('producers:start', { id }));
    await waitForStatus(engine, id, (s) => s.sent > 0);
    data(await engine.dispatch('producers:pause', { id }));
    const paused = await waitForStatus(engine, id, (s) => s.state === 'paused');
    await new Promise((r) => setTimeout(r, 1800));
    const afterPause = await statusOf(engine, id);
    // Only the batch in flight at pause time may still land.
    expect(afterPause.sent - paused.sent).toBeLessThanOrEqual(80);
    const settled = afterPause.sent;
    await new Promise((r) => setTimeout(r, 500));
    expect((await statusOf(engine, id)).sent).toBe(settled);

    data(await engine.dispatch('producers:start', { id }));
    await waitForStatus(engine, id, (s) => s.state === 'running' && s.sent > settled);
    await new Promise((r) => setTimeout(r, 700));
    const stopped = data<ProducerStatus>(await engine.dispatch('producers:stop', { id }));
    expect(stopped.state).toBe('stopped');
    expect(stopped.errors).toBe(0);
    expect(await topicCount(bootstrap, topic)).toBe(stopped.sent);
  });

  it('keeps counts across stop/start and resumes a running producer after an engine restart', async () => {
    const topic = uniqueName('prod-restart');
    await createTopic(bootstrap, topic);
    const view = await saveProducer(engine, {
      name: topic,
      connectionId,
      topic,
      source: { kind: 'sensors' },
      schedule: { trigger: { kind: 'interval', everyMs: 50 }, maxMessages: 5 },
    });
    const id = view.definition.id;
    data(await engine.dispatch('producers:start', { id }));
    await waitForStatus(engine, id, (s) => s.state === 'finished');
    data(await engine.dispatch('producers:start', { id }));
    const twice = await waitForStatus(engine, id, (s) => s.state === 'finished' && s.sent === 10);
    expect(twice.bytes).toBeGreaterThan(0);

    // Unlimited now, running when the engine goes away.
    const endless = await saveProducer(engine, { ...view.definition, schedule: { trigger: { kind: 'interval', everyMs: 50 } } });
    expect(endless.status.sent).toBe(10);
    data(await engine.dispatch('producers:start', { id }));
    await waitForStatus(engine, id, (s) => s.sent >= 15);
    await engine.dispose();

    engine = testEngine(dir.path);
    const before = await statusOf(engine, id);
    expect(before.sent).toBe(await topicCount(bootstrap, topic));
    const resumed = await waitForStatus(engine, id, (s) => s.state === 'running' && s.sent > before.sent + 3);
    expect(resumed.errors).toBe(0);
    data(await engine.dispatch('producers:stop', { id }));
    await engine.dispose();

    // Stopped by the user: stays stopped at the next start, with the same count.
    engine = testEngine(dir.path);
    const after = await statusOf(engine, id);
    expect(after.state).toBe('stopped');
    expect(after.sent).toBe(await topicCount(bootstrap, topic));
    await new Promise((r) => setTimeout(r, 300));
    expect((await statusOf(engine, id)).sent).toBe(after.sent);
  });

  it('says the broker is unreachable at start and recovers when it comes back', async () => {
    // The "broker" is a TCP proxy to the suite's broker on a port where nothing listens yet.
    const [host, port] = (bootstrap.split(',')[0] ?? '').split(':') as [string, string];
    const proxyPort = await findFreePortBlock(1, 27_000, 28_000);
    const unreachable = await saveConnection(engine, `127.0.0.1:${proxyPort}`, 'proxy');
    const topic = uniqueName('prod-recover');
    await createTopic(bootstrap, topic);
    const view = await saveProducer(engine, {
      name: topic,
      connectionId: unreachable,
      topic,
      source: { kind: 'sensors' },
      schedule: { trigger: { kind: 'interval', everyMs: 100 }, maxMessages: 5 },
    });
    const id = view.definition.id;
    data(await engine.dispatch('producers:start', { id }));
    const waiting = await waitForStatus(engine, id, (s) => s.state === 'waiting');
    expect(waiting.lastError).toMatch(
      new RegExp(`Broker 127\\.0\\.0\\.1:${proxyPort} refused the connection \\(since \\d\\d:\\d\\d:\\d\\d UTC\\); retrying in \\d+ s`),
    );
    expect(waiting.sent).toBe(0);

    const sockets = new Set<Socket>();
    const proxy: Server = createServer((client) => {
      const upstream = connect(Number(port), host);
      sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
    });
    await new Promise<void>((done) => proxy.listen(proxyPort, '127.0.0.1', done));
    try {
      const done = await waitForStatus(engine, id, (s) => s.state === 'finished', 60_000);
      // Connected at last: the "refused the connection … retrying" of the waits is not left as the last error.
      expect(done).toMatchObject({ sent: 5, errors: 0, lastError: null });
      expect(await topicCount(bootstrap, topic)).toBe(5);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((r) => proxy.close(r));
    }
  });
});
