import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Connection } from '../../shared/connection.js';
import type { Engine } from '../../electron/engine/engine.js';
import { keyPartition } from '../../electron/engine/kafka/partitioner.js';
import { data, tempDir, testEngine, uniqueName } from '../helpers.js';
import { readAll } from '../kafka.js';

// A large key on an automatic partition: the key's hash must not block the engine (it took 54 s
// for a 700 KB key when the hash was quadratic in the key's length).
const bootstrap = inject('kafkaBootstrap');
const dir = tempDir('topics-large-key');
let engine: Engine;
let connectionId: string;
const topic = uniqueName('topics-large-key');

beforeAll(async () => {
  engine = testEngine(dir.path);
  connectionId = data<Connection>(await engine.dispatch('connections:save', { name: 'suite', bootstrapServers: bootstrap.split(',') })).id;
  data(
    await engine.dispatch('topics:create', {
      connectionId,
      topic,
      partitions: 3,
      replicationFactor: 1,
      configs: [{ name: 'max.message.bytes', value: String(4 * 1024 * 1024) }],
    }),
  );
  // Connect the producer first, so the timing below is the large record's alone.
  data(
    await engine.dispatch('messages:produce', {
      connectionId,
      topic,
      partition: null,
      key: { text: 'warm-up', encoder: 'string' },
      value: { text: '1', encoder: 'json' },
      headers: [],
    }),
  );
});
afterAll(async () => {
  await engine.dispose();
  dir.remove();
});

describe('a record with a large key on an automatic partition', () => {
  it('is placed by murmur2 of the key in well under a second, without blocking the engine', async () => {
    const key = 'k'.repeat(700 * 1024);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const started = performance.now();
    const written = data<{ partition: number; offset: number }>(
      await engine.dispatch('messages:produce', {
        connectionId,
        topic,
        partition: null,
        key: { text: key, encoder: 'string' },
        value: { text: '2', encoder: 'json' },
        headers: [],
      }),
    );
    const ms = performance.now() - started;
    delay.disable();
    const worstBlockMs = delay.max / 1e6;
    console.log(
      `[figure] 700 KB key produced to an automatic partition in ${ms.toFixed(0)} ms; longest event-loop block ${worstBlockMs.toFixed(0)} ms`,
    );
    expect(written.partition).toBe(keyPartition(Buffer.from(key), 3));
    expect(worstBlockMs).toBeLessThan(500);
    expect(ms).toBeLessThan(5_000);
    const stored = (await readAll(bootstrap, topic)).find((r) => r.key?.length === key.length);
    expect(stored?.partition).toBe(written.partition);
  }, 60_000);
});
