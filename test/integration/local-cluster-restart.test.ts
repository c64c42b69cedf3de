import { afterAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../shared/contract.js';
import type { Pipeline, PipelineStatus, ResultsPage } from '../../shared/pipelines.js';
import { findFreePortBlock } from '../../electron/engine/cluster/ports.js';
import { LocalCluster } from '../../electron/engine/cluster/local-cluster.js';
import { selectKafkaVersion } from '../../electron/engine/cluster/kafka-jars.js';
import { resolveCacheDir } from '../../electron/engine/paths.js';
import type { Engine } from '../../electron/engine/engine.js';
import { tempDir, testEngine, uniqueName } from '../helpers.js';
import { createTopic, produce } from '../kafka.js';

// The second start of the app on its own local cluster, end to end: the cluster is started again
// and a pipeline that was running comes back by itself once its broker answers (its first try is
// made as the engine is built, while the cluster is still down), nothing lost or counted twice.
const dir = tempDir('local-cluster-restart');
const engines: Engine[] = [];
afterAll(async () => {
  await Promise.all(engines.map((e) => e.dispose()));
  const cluster = new LocalCluster({ dataDir: dir.path, cacheDir: resolveCacheDir(), kafkaVersion: selectKafkaVersion() });
  await cluster.stop();
  await cluster.dispose();
  dir.remove();
});

function data<T>(envelope: Envelope<unknown>): T {
  if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
  return envelope.data as T;
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 90_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('a second start on the local cluster', () => {
  it('starts the cluster again and resumes the pipeline that was running', async () => {
    const port = await findFreePortBlock(2, 30_000, 31_000);
    const bootstrap = `127.0.0.1:${port}`;
    const first = testEngine(dir.path);
    engines.push(first);
    const { connectionId } = await first.startDefault({ brokers: 1, port });
    if (connectionId === null) throw new Error('no connection after the first start');
    const topic = uniqueName('local-restart-in');
    await createTopic(bootstrap, topic, 2);
    const records = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({ topic, key: `k${(from + i) % 2}`, value: JSON.stringify({ sensor: `s${(from + i) % 2}` }) }));
    await produce(bootstrap, records(0, 20));
    const pipeline = data<Pipeline>(
      await first.dispatch('pipelines:save', {
        name: uniqueName('local count'),
        connectionId,
        topics: [topic],
        groupId: uniqueName('local-restart-group'),
        triggerIntervalMs: 100,
        projection: [{ column: 'sensor', path: 'sensor', type: 'string' }],
        aggregation: { groupBy: ['sensor'], aggregates: [{ fn: 'count', as: 'n' }] },
        outputMode: 'update',
        sinks: [],
      }),
    );
    data(await first.dispatch('pipelines:start', { id: pipeline.id }));
    const counts = async (engine: Engine) =>
      Object.fromEntries(
        data<ResultsPage>(await engine.dispatch('pipelines:results', { id: pipeline.id, offset: 0, limit: 10 })).rows.map((r) => [
          String(r[0]),
          Number(r[1]),
        ]),
      );
    await until(
      () => counts(first),
      (c) => c.s0 === 10 && c.s1 === 10,
      '10 per sensor',
    );
    // Quitting stops the cluster this engine started.
    await first.dispose();

    const second = testEngine(dir.path);
    engines.push(second);
    const started = Date.now();
    const { message } = await second.startDefault();
    expect(message).toBe(`Started the local cluster again on ${bootstrap} (the active connection is this app's own cluster).`);
    await produce(bootstrap, records(20, 20));
    await until(
      async () => data<PipelineStatus>(await second.dispatch('pipelines:status', { id: pipeline.id })).state,
      (s) => s === 'running',
      'the pipeline running again',
    );
    const after = await until(
      () => counts(second),
      (c) => c.s0 + c.s1 >= 40,
      '40 records counted',
    );
    console.log(
      `[figure] cluster started again and pipeline running ${Date.now() - started} ms after the second start; counts ${JSON.stringify(after)}`,
    );
    expect(after).toEqual({ s0: 20, s1: 20 });
  }, 300_000);
});
