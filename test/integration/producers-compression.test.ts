import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Compression } from '../../shared/producers.js';
import type { DiskUsage } from '../../shared/topic-browser/disk-usage.js';
import type { Engine } from '../../electron/engine/engine.js';
import { tempDir, testEngine, uniqueName } from '../helpers.js';
import { consume, createTopic, data, saveConnection, saveProducer, waitForStatus } from './producers-helpers.js';

// Every codec goes through the Kafka client itself (no codec of the app's): what it writes is read
// back by an independent reader (kcat, librdkafka) and by the engine's group-less PartitionReader,
// and a compressed topic takes far less disk than the same records uncompressed.
const run = promisify(execFile);
const bootstrap = inject('kafkaBootstrap');
const dir = tempDir('producers-compression');
const N = 200;
let engine: Engine;
let connectionId: string;
let file: string;
let lines: string[];

beforeAll(async () => {
  engine = testEngine(dir.path);
  connectionId = await saveConnection(engine, bootstrap);
  // Repetitive JSON compresses well, so a codec that was not applied shows on disk.
  lines = Array.from({ length: N }, (_, i) =>
    JSON.stringify({ id: `user-${i % 37}`, seq: i, note: 'the quick brown fox jumps over the lazy dog '.repeat(4) }),
  );
  file = join(dir.path, 'records.jsonl');
  writeFileSync(file, lines.join('\n') + '\n');
});
afterAll(async () => {
  await engine.dispose();
  dir.remove();
});

async function produce(compression: Compression): Promise<string> {
  const topic = uniqueName(`prod-${compression}`);
  await createTopic(bootstrap, topic, 2);
  const view = await saveProducer(engine, {
    name: topic,
    connectionId,
    topic,
    source: { kind: 'file', path: file, format: 'jsonl', pacing: 'fast' },
    schedule: { trigger: { kind: 'continuous' }, perRun: 50 },
    key: { kind: 'field', path: 'id' },
    headers: [{ name: 'origin', value: 'workbench' }],
    // Idempotent: every record exactly once even if a loaded machine makes a request be retried.
    // Everything lands in a few large batches: the codec really compresses batches.
    config: { compression, acks: 'all', idempotent: true, retries: 5, lingerMs: 100, batchSize: 1_000_000 },
  });
  data(await engine.dispatch('producers:start', { id: view.definition.id }));
  expect(await waitForStatus(engine, view.definition.id, (s) => s.state === 'finished' || s.state === 'failed', 60_000)).toMatchObject({
    state: 'finished',
    sent: N,
    errors: 0,
  });
  return topic;
}

async function sizeOnDisk(topic: string): Promise<number> {
  const usage = data<DiskUsage>(await engine.dispatch('cluster:diskUsage', { connectionId, topics: [topic] }));
  return usage.topics.find((t) => t.topic === topic)?.sizeBytes ?? -1;
}

describe('producer compression through the client', () => {
  let uncompressedBytes = 0;

  it.each(['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const)(
    'writes %s batches that kcat -C and the PartitionReader both read',
    async (compression) => {
      const topic = await produce(compression);

      const { stdout, stderr } = await run(
        'kcat',
        ['-C', '-b', bootstrap, '-t', topic, '-e', '-o', 'beginning', '-q', '-f', '%p\\t%k\\t%h\\t%s\\n'],
        { timeout: 30_000 },
      );
      expect(stderr).not.toMatch(/error|fail/i);
      const viaKcat = stdout.trim().split('\n');
      expect(viaKcat).toHaveLength(N);
      expect(viaKcat.map((l) => l.split('\t')[3]).sort()).toEqual([...lines].sort());
      for (const line of viaKcat) {
        const [, key, headers, value] = line.split('\t');
        expect(headers).toBe('origin=workbench');
        expect(key).toBe((JSON.parse(value ?? '{}') as { id: string }).id);
      }

      const viaReader = await consume(bootstrap, topic, N);
      const asKcat = viaReader.map(
        (r) =>
          `${r.partition}\t${r.key ?? ''}\t${Object.entries(r.headers)
            .map(([k, v]) => `${k}=${v}`)
            .join(',')}\t${r.value}`,
      );
      expect(asKcat.sort()).toEqual([...viaKcat].sort());

      const onDisk = await sizeOnDisk(topic);
      if (compression === 'none') {
        uncompressedBytes = onDisk;
        expect(onDisk).toBeGreaterThan(N * 200);
      } else {
        // The uncompressed row runs first (it.each is sequential in a file).
        expect(uncompressedBytes).toBeGreaterThan(0);
        expect(onDisk).toBeLessThan(uncompressedBytes * 0.5);
      }
      console.log(`[producers] ${compression}: ${N} records read by kcat and the PartitionReader, ${onDisk} bytes on disk`);
    },
    90_000,
  );
});
