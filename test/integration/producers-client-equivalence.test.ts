import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Admin } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ProducerInput } from '../../shared/producers.js';
import type { Engine } from '../../electron/engine/engine.js';
import { tempDir, testEngine, uniqueName } from '../helpers.js';
import { createTopic, data, saveConnection, saveProducer, waitForStatus } from './producers-helpers.js';

// The same records through both clients behind the engine's SendEngine (kafkajs, @platformatic/kafka),
// over every producer setting the UI offers, read back with kcat: same records, counts and bytes.
const run = promisify(execFile);
const bootstrap = inject('kafkaBootstrap');
const dir = tempDir('producers-client');
const N = 300;
let engine: Engine;
let connectionId: string;
let file: string;

beforeAll(async () => {
  engine = testEngine(dir.path);
  connectionId = await saveConnection(engine, bootstrap);
  // Repetitive JSON (compresses well) with a key field, so keyed partitioning is compared too.
  const lines = Array.from({ length: N }, (_, i) => JSON.stringify({ id: `user-${i % 37}`, seq: i, note: 'the quick brown fox jumps over the lazy dog '.repeat(4), ok: i % 2 === 0 }));
  file = join(dir.path, 'records.jsonl');
  writeFileSync(file, lines.join('\n') + '\n');
});
afterAll(async () => {
  await engine.dispose();
  dir.remove();
});

type Config = NonNullable<ProducerInput['config']>;

interface Sent {
  topic: string;
  sent: number;
  bytes: number;
}

async function produce(client: 'kafkajs' | 'platformatic', config: Config): Promise<Sent> {
  const topic = uniqueName(`prod-client-${client}`);
  await createTopic(bootstrap, topic, 3);
  const view = await saveProducer(engine, {
    name: topic,
    connectionId,
    topic,
    source: { kind: 'file', path: file, format: 'jsonl', pacing: 'fast' },
    schedule: { trigger: { kind: 'continuous' }, perRun: 100 },
    key: { kind: 'field', path: 'id' },
    headers: [{ name: 'origin', value: 'workbench' }],
    config: { ...config, client },
  });
  data(await engine.dispatch('producers:start', { id: view.definition.id }));
  const final = await waitForStatus(engine, view.definition.id, (s) => s.state === 'finished' || s.state === 'failed', 60_000);
  expect(final).toMatchObject({ state: 'finished', errors: 0, lastError: null });
  return { topic, sent: final.sent, bytes: final.bytes };
}

/**
 * Every record as kcat prints it (partition, key, value, headers), sorted; the distinct ones (a
 * non-idempotent producer may legitimately write a batch twice when a timed-out request is retried —
 * at-least-once); and the bytes of key+value+headers of the distinct records.
 */
async function readWithKcat(topic: string): Promise<{ lines: string[]; distinct: string[]; duplicates: number; bytes: number }> {
  const { stdout, stderr } = await run('kcat', ['-C', '-b', bootstrap, '-t', topic, '-e', '-o', 'beginning', '-q', '-f', '%p\\t%k\\t%s\\t%h\\t%K\\t%S\\n'], { timeout: 60_000, maxBuffer: 64 * 2 ** 20 });
  expect(stderr).not.toMatch(/error|fail/i);
  const lines = stdout.trim().split('\n').filter(Boolean);
  const sizes = new Map<string, number>();
  const records = lines.map((line) => {
    const [partition, key, value, headers, keyLength, valueLength] = line.split('\t');
    // %h is "name=value": the header's bytes are those of name and value.
    const record = [partition, key, value, headers].join('\t');
    sizes.set(record, Number(keyLength) + Number(valueLength) + (headers ?? '').replace('=', '').length);
    return record;
  });
  const bytes = [...sizes.values()].reduce((sum, size) => sum + size, 0);
  return { lines: records.sort(), distinct: [...sizes.keys()].sort(), duplicates: records.length - sizes.size, bytes };
}

/** Bytes the topic's partitions take on the broker's disk (to see that compression was applied). */
async function sizeOnDisk(topic: string): Promise<number> {
  const admin = new Admin({ clientId: 'test', bootstrapBrokers: bootstrap.split(',') });
  try {
    const dirs = await admin.describeLogDirs({ topics: [{ name: topic, partitions: [0, 1, 2] }] });
    let size = 0;
    for (const broker of dirs) for (const result of broker.results) for (const t of result.topics) if (t.name === topic) for (const p of t.partitions) size += Number(p.partitionSize);
    return size;
  } finally {
    await admin.close();
  }
}

// Each row: one setting the UI offers, on the platformatic client, against the same settings on kafkajs.
const settings: [string, Config][] = [
  ['acks=1, no compression', { acks: '1', compression: 'none' }],
  ['acks=0', { acks: '0', compression: 'none', lingerMs: 0 }],
  ['acks=all, idempotent, gzip', { acks: 'all', idempotent: true, retries: 5, compression: 'gzip', lingerMs: 100, batchSize: 1_000_000 }],
  ['snappy, max in flight 1, batch size 1 byte', { acks: '1', compression: 'snappy', maxInFlight: 1, batchSize: 1, lingerMs: 0 }],
  ['lz4, linger 50 ms, batch 64 kB', { acks: 'all', compression: 'lz4', lingerMs: 50, batchSize: 65_536 }],
  ['zstd, retries 0, request timeout 5 s, buffer 64 kB', { acks: 'all', compression: 'zstd', retries: 0, requestTimeoutMs: 5_000, bufferMemory: 65_536, maxBlockMs: 10_000, lingerMs: 100, batchSize: 1_000_000 }],
];

describe('producer clients behind the send engine', () => {
  // The kafkajs run every other run is compared with, made once inside the first test that needs it
  // (expect.poll only works inside a test).
  let referenceRun: Promise<{ lines: string[]; bytes: number; onDisk: number }> | undefined;
  const referenceOnce = () =>
    (referenceRun ??= (async () => {
      // Idempotent, so that the reference holds every record exactly once even when the loaded
      // machine makes a request time out and be retried.
      const sent = await produce('kafkajs', { acks: 'all', idempotent: true, retries: 5, compression: 'none', lingerMs: 100, batchSize: 1_000_000 });
      expect(sent.sent).toBe(N);
      const read = await readWithKcat(sent.topic);
      expect(read.lines).toHaveLength(N);
      expect(read.duplicates).toBe(0);
      expect(read.bytes).toBe(sent.bytes);
      const onDisk = await sizeOnDisk(sent.topic);
      expect(onDisk).toBeGreaterThan(N * 200); // uncompressed: at least the values themselves
      return { ...read, onDisk };
    })());

  it.each(settings)('platformatic with %s sends the same records kcat reads as kafkajs', async (_label, config) => {
    const reference = await referenceOnce();
    const sent = await produce('platformatic', config);
    expect(sent.sent).toBe(N);
    const read = await readWithKcat(sent.topic);
    // Same partition (murmur2 on the key), key, value and header for every record; same byte count.
    // Without idempotence a retried request may write a batch twice (at-least-once): nothing may be
    // missing; duplicates are only allowed there, and printed.
    expect(read.distinct).toEqual(reference.lines);
    // Exact equality only where the client promises it (idempotence). retries 0 was asserted exact
    // too until a loaded CI run (2026-11-23) read 498 records for 300 on the platformatic client
    // with retries 0 — two of three partitions written twice, no error reported — so for that client
    // retries 0 is not a no-duplicates promise; loss is still ruled out by the line above.
    if (config.idempotent === true) expect(read.lines).toEqual(reference.lines);
    if (read.duplicates > 0) console.log(`[producers] platformatic ${_label}: ${read.duplicates} duplicates (not idempotent; with retries 0 too, see above)`);
    expect(read.bytes).toBe(reference.bytes);
    expect(sent.bytes).toBe(reference.bytes);
    if (config.compression !== 'none' && (config.batchSize ?? 16_384) > 1) {
      // Compressed batches of this repetitive JSON take far less disk than the uncompressed reference.
      expect(await sizeOnDisk(sent.topic)).toBeLessThan(reference.onDisk * 0.5);
    }
  }, 120_000);

  it.each(['gzip', 'snappy', 'lz4', 'zstd'] as const)('kafkajs with %s matches the same reference', async (compression) => {
    const reference = await referenceOnce();
    const sent = await produce('kafkajs', { acks: 'all', compression, lingerMs: 100, batchSize: 1_000_000 });
    const read = await readWithKcat(sent.topic);
    expect(read.distinct).toEqual(reference.lines);
    if (read.duplicates > 0) console.log(`[producers] kafkajs ${compression}: ${read.duplicates} duplicates from retried requests (not idempotent)`);
    expect(sent.bytes).toBe(reference.bytes);
    expect(await sizeOnDisk(sent.topic)).toBeLessThan(reference.onDisk * 0.5);
  }, 120_000);

  it('refuses an idempotent platformatic producer with 1 retry, which that client would retry without limit', async () => {
    const envelope = await engine.dispatch('producers:save', {
      name: uniqueName('refused'),
      connectionId,
      topic: 'anything',
      source: { kind: 'manual', value: '{}' },
      schedule: { trigger: { kind: 'continuous' } },
      config: { client: 'platformatic', acks: 'all', idempotent: true, retries: 1 },
    });
    expect(envelope.ok).toBe(false);
    if (!envelope.ok) expect(envelope.error.message).toMatch(/platformatic client retries an idempotent producer without limit/);
  });

  it('reports an unreachable broker on the platformatic client in words a user can act on', async () => {
    const closed = await saveConnection(engine, '127.0.0.1:1', 'closed');
    const view = await saveProducer(engine, {
      name: uniqueName('unreachable'),
      connectionId: closed,
      topic: 'anything',
      source: { kind: 'manual', value: '{}' },
      schedule: { trigger: { kind: 'continuous' } },
      config: { client: 'platformatic', retries: 0 },
    });
    data(await engine.dispatch('producers:start', { id: view.definition.id }));
    const waiting = await waitForStatus(engine, view.definition.id, (s) => s.state === 'waiting', 30_000);
    expect(waiting.lastError).toMatch(/127\.0\.0\.1:1/);
    expect(waiting.lastError).toMatch(/refused|reach/i);
    data(await engine.dispatch('producers:stop', { id: view.definition.id }));
  });
});
