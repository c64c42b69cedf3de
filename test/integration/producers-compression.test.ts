import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Engine } from '../../electron/engine/engine.js';
import { tempDir, testEngine, uniqueName } from '../helpers.js';
import { consume, createTopic, data, saveConnection, saveProducer, waitForStatus } from './producers-helpers.js';

const run = promisify(execFile);
const bootstrap = inject('kafkaBootstrap');
const dir = tempDir('producers-compression');
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

describe('producer compression codecs', () => {
  it.each(['gzip', 'snappy', 'lz4', 'zstd'] as const)('sends %s batches that kcat -C and kafkajs both read', async (compression) => {
    const topic = uniqueName(`prod-${compression}`);
    await createTopic(bootstrap, topic);
    const view = await saveProducer(engine, {
      name: topic,
      connectionId,
      topic,
      source: { kind: 'sensors', seed: 3 },
      // Everything lands in a few batches of several records: the codec really compresses batches.
      schedule: { trigger: { kind: 'continuous' }, perRun: 1, maxMessages: 30 },
      config: { compression, lingerMs: 200, batchSize: 1_000_000 },
    });
    data(await engine.dispatch('producers:start', { id: view.definition.id }));
    expect(await waitForStatus(engine, view.definition.id, (s) => s.state === 'finished' || s.state === 'failed')).toMatchObject({ state: 'finished', sent: 30, errors: 0 });

    const { stdout, stderr } = await run('kcat', ['-C', '-b', bootstrap, '-t', topic, '-e', '-o', 'beginning', '-q', '-f', '%s\\n'], { timeout: 30_000 });
    const lines = stdout.trim().split('\n');
    expect(stderr).not.toMatch(/error|fail/i);
    expect(lines).toHaveLength(30);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ sensor_id: expect.stringMatching(/^sensor_\d+$/) as unknown });

    const viaKafkajs = await consume(bootstrap, topic, 30);
    expect(viaKafkajs.map((r) => r.value)).toEqual(lines);
  });
});
