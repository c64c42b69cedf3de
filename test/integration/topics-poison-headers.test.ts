import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Connection } from '../../shared/connection.js';
import type { ExportProgress } from '../../shared/exports.js';
import type { MessagePage, ScanProgress } from '../../shared/topic-browser.js';
import { decodeBytes } from '../../shared/topic-browser/decoders.js';
import { fromBase64 } from '../../shared/topic-browser/bytes.js';
import type { Engine } from '../../electron/engine/engine.js';
import { data, tempDir, testEngine, uniqueName } from '../helpers.js';
import { readAll } from '../kafka.js';

// Header names are data: `__proto__`, `constructor` and a repeated name must come back as they
// were written through every path (produce form, browse, filter, scan export, topic export), never
// dropped, merged into an object's prototype or shown as an inherited function.
const bootstrap = inject('kafkaBootstrap');
const dir = tempDir('topics-poison-headers');
const out = tempDir('topics-poison-headers-out');
let engine: Engine;
let connectionId: string;
const topic = uniqueName('topics-poison');
const written = [
  { key: '__proto__', value: 'p' },
  { key: 'constructor', value: 'c' },
  { key: 'toString', value: 't' },
  { key: 'dup', value: '1' },
  { key: 'dup', value: '2' },
];

async function finishedScan(expression: string): Promise<ScanProgress & { scanId: string }> {
  const { scanId } = data<{ scanId: string }>(
    await engine.dispatch('messages:scanStart', { connectionId, topic, from: { kind: 'oldest' }, expression }),
  );
  for (;;) {
    const { progress } = data<{ progress: ScanProgress }>(
      await engine.dispatch('messages:scanResults', { id: scanId, offset: 0, limit: 10 }),
    );
    if (progress.state !== 'running') return { ...progress, scanId };
    await new Promise((done) => setTimeout(done, 50));
  }
}

beforeAll(async () => {
  engine = testEngine(dir.path);
  connectionId = data<Connection>(await engine.dispatch('connections:save', { name: 'suite', bootstrapServers: bootstrap.split(',') })).id;
  data(await engine.dispatch('topics:create', { connectionId, topic, partitions: 1, replicationFactor: 1 }));
  data(
    await engine.dispatch('messages:produce', {
      connectionId,
      topic,
      partition: 0,
      key: { text: 'poison', encoder: 'string' },
      value: { text: '{"a":1}', encoder: 'json' },
      headers: written,
    }),
  );
  data(
    await engine.dispatch('messages:produce', {
      connectionId,
      topic,
      partition: 0,
      key: { text: 'plain', encoder: 'string' },
      value: { text: '{"a":2}', encoder: 'json' },
      headers: [],
    }),
  );
});
afterAll(async () => {
  await engine.dispose();
  dir.remove();
  out.remove();
});

describe('header names that are also JavaScript property names', () => {
  it('are written by the produce form as given, in order, repeats kept', async () => {
    const [record] = await readAll(bootstrap, topic);
    expect(record?.headers.map((h) => [h.key, h.value?.toString()])).toEqual(written.map((h) => [h.key, h.value]));
  });

  it('are shown by the message browser as they are', async () => {
    const page = data<MessagePage>(await engine.dispatch('messages:read', { connectionId, topic, start: { kind: 'oldest' }, limit: 10 }));
    expect(page.messages).toHaveLength(2);
    const shown = page.messages[0]?.headers.map((h) => [
      h.key,
      h.value === null ? null : decodeBytes(fromBase64(h.value.base64), 'string').text,
    ]);
    expect(shown).toEqual(written.map((h) => [h.key, h.value]));
    expect(page.messages[1]?.headers).toEqual([]);
  });

  it('are seen by filters as plain keys, and a record without them has none', async () => {
    const scan = await finishedScan('headers["__proto__"] == "p" && headers["constructor"] == "c" && headers.toString == "t"');
    expect(scan).toMatchObject({ state: 'done', matched: 1 });
    expect(await finishedScan('"constructor" in headers || "toString" in headers || has(headers.__proto__)')).toMatchObject({
      state: 'done',
      matched: 1,
    });
    expect(await finishedScan('headers.size() == 0')).toMatchObject({ state: 'done', matched: 1 });
  });

  it('are written to a scan export as own keys', async () => {
    const scan = await finishedScan('key == "poison"');
    const result = data<{ location: string }>(
      await engine.dispatch('messages:scanExport', { id: scan.scanId, format: 'jsonl', folder: out.path, fileName: 'scan.jsonl' }),
    );
    const [line] = readFileSync(result.location, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { headers: string });
    const headers = JSON.parse(line?.headers ?? 'null') as Record<string, unknown>;
    expect(Object.entries(headers)).toEqual([
      ['__proto__', 'p'],
      ['constructor', 'c'],
      ['toString', 't'],
      ['dup', ['1', '2']],
    ]);
  });

  it('are written to a topic export as own keys', async () => {
    const progress: ExportProgress[] = [];
    const off = engine.events.on('exports:progress', (p) => progress.push(p));
    const started = data<{ jobId: string; location: string }>(
      await engine.dispatch('exports:start', {
        source: { kind: 'topic', connectionId, topic },
        format: { kind: 'jsonl' },
        target: { kind: 'local', folder: out.path },
        name: 'topic',
      }),
    );
    const deadline = Date.now() + 60_000;
    while (
      progress.filter((p) => p.jobId === started.jobId).at(-1)?.status === 'running' ||
      !progress.some((p) => p.jobId === started.jobId)
    ) {
      if (Date.now() > deadline) throw new Error('export did not finish');
      await new Promise((done) => setTimeout(done, 50));
    }
    off();
    expect(progress.filter((p) => p.jobId === started.jobId).at(-1)?.status).toBe('done');
    const lines = readFileSync(join(started.location), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { headers: string | null });
    const headers = JSON.parse(lines[0]?.headers ?? 'null') as Record<string, unknown>;
    expect(Object.entries(headers)).toEqual([
      ['__proto__', 'p'],
      ['constructor', 'c'],
      ['toString', 't'],
      ['dup', ['1', '2']],
    ]);
    expect(lines[1]?.headers).toBeNull();
  });
});
