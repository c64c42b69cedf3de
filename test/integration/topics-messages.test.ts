import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Connection } from '../../shared/connection.js';
import type { MessagePage, ScanProgress, KafkaMessage } from '../../shared/topic-browser.js';
import { decodeBytes } from '../../shared/topic-browser/decoders.js';
import { fromBase64 } from '../../shared/topic-browser/bytes.js';
import type { Engine } from '../../electron/engine/engine.js';
import { data, tempDir, testEngine, uniqueName } from '../helpers.js';
import { produce } from '../kafka.js';

const bootstrap = inject('kafkaBootstrap');
const dir = tempDir('topics-messages');
let engine: Engine;
let connectionId: string;
const topic = uniqueName('topics-msgs');
const BASE = Date.UTC(2024, 0, 1);
const PER_PARTITION = 300;

const text = (payload: KafkaMessage['value']) => (payload === null ? null : decodeBytes(fromBase64(payload.base64)).text);
const read = async (input: Record<string, unknown>) =>
  data<MessagePage>(await engine.dispatch('messages:read', { connectionId, topic, ...input }));

beforeAll(async () => {
  engine = testEngine(dir.path);
  connectionId = data<Connection>(await engine.dispatch('connections:save', { name: 'suite', bootstrapServers: bootstrap.split(',') })).id;
  // retention.ms=-1: the 2024 timestamps would otherwise be deleted by the broker's 5-minute retention check.
  data(
    await engine.dispatch('topics:create', {
      connectionId,
      topic,
      partitions: 3,
      replicationFactor: 1,
      configs: [{ name: 'retention.ms', value: '-1' }],
    }),
  );
  // 900 records: record i goes to partition i % 3 with timestamp BASE + i seconds, so time order = i.
  const messages = Array.from({ length: PER_PARTITION * 3 }, (_, i) => ({
    topic,
    partition: i % 3,
    key: `sensor_${i % 5}`,
    value: JSON.stringify({ i, temperature: i % 50 }),
    timestamp: BASE + i * 1000,
    headers: { source: i % 2 === 0 ? 'even' : 'odd' },
  }));
  await produce(bootstrap, messages);
});
afterAll(async () => {
  await engine.dispose();
  dir.remove();
});

describe('message browser against the local Kafka', () => {
  it('reads the newest 100 across partitions in time order, fast', async () => {
    // The first read of the run opens the connection and learns the metadata; time it apart.
    const first = await read({ start: { kind: 'newest' }, limit: 100 });
    const started = performance.now();
    const page = await read({ start: { kind: 'newest' }, limit: 100 });
    const ms = performance.now() - started;
    console.log(
      `[figure] newest 100 of ${PER_PARTITION * 3} over 3 partitions: ${ms.toFixed(0)} ms (first read of the run: ${first.tookMs} ms)`,
    );
    expect(first.messages).toEqual(page.messages);
    const order = page.messages.map((m) => (JSON.parse(text(m.value) ?? '{}') as { i: number }).i);
    expect(order).toEqual(Array.from({ length: 100 }, (_, k) => 800 + k));
    expect(page.hasMoreBefore).toBe(true);
    expect(page.hasMoreAfter).toBe(false);
    expect(page.watermarks.map((w) => w.high)).toEqual([PER_PARTITION, PER_PARTITION, PER_PARTITION]);
  });

  it('pages back from the newest page and forward again to the same records', async () => {
    const newest = await read({ start: { kind: 'newest' }, limit: 50 });
    const before = await read({ start: { kind: 'before', positions: newest.first }, limit: 50 });
    const ids = (page: MessagePage) => page.messages.map((m) => (JSON.parse(text(m.value) ?? '{}') as { i: number }).i);
    expect(ids(before)).toEqual(Array.from({ length: 50 }, (_, k) => 800 + k));
    const forward = await read({ start: { kind: 'after', positions: before.next }, limit: 50 });
    expect(ids(forward)).toEqual(ids(newest));
  });

  it('reads the oldest records of one partition, then from an offset', async () => {
    const page = await read({ partition: 1, start: { kind: 'oldest' }, limit: 5 });
    expect(page.messages.map((m) => [m.partition, m.offset])).toEqual([
      [1, 0],
      [1, 1],
      [1, 2],
      [1, 3],
      [1, 4],
    ]);
    expect(page.messages[0]).toMatchObject({ timestampType: 'CreateTime', timestamp: BASE + 1000 });
    expect(text(page.messages[0]?.key ?? null)).toBe('sensor_1');
    expect(page.messages[0]?.headers).toHaveLength(1);
    const fromOffset = await read({ partition: 2, start: { kind: 'offset', offset: 250 }, limit: 100 });
    expect(fromOffset.messages.map((m) => m.offset)).toEqual(Array.from({ length: 50 }, (_, k) => 250 + k));
    expect(fromOffset.hasMoreAfter).toBe(false);
  });

  it('seeks by timestamp with ListOffsets by time', async () => {
    const started = performance.now();
    const page = await read({ start: { kind: 'timestamp', timestamp: BASE + 600_000 }, limit: 10 });
    console.log(`[figure] seek to a timestamp, 10 records: ${(performance.now() - started).toFixed(0)} ms`);
    expect(page.messages.map((m) => m.timestamp)).toEqual(Array.from({ length: 10 }, (_, k) => BASE + (600 + k) * 1000));
  });

  it('says which partition does not exist', async () => {
    expect(await engine.dispatch('messages:read', { connectionId, topic, partition: 7, start: { kind: 'oldest' } })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });

  it('produces JSON, a 64-bit long and headers, and reads them back decoded', async () => {
    const target = uniqueName('topics-produce');
    data(await engine.dispatch('topics:create', { connectionId, topic: target }));
    const sent = data<{ partition: number; offset: number }>(
      await engine.dispatch('messages:produce', {
        connectionId,
        topic: target,
        key: { text: 'k1', encoder: 'string' },
        value: { text: '{"a":1}', encoder: 'json' },
        headers: [{ key: 'h', value: 'v' }],
      }),
    );
    expect(sent).toEqual({ partition: 0, offset: 0 });
    data(
      await engine.dispatch('messages:produce', {
        connectionId,
        topic: target,
        key: { text: 'hello', encoder: 'string' },
        value: { text: '42', encoder: 'int64' },
      }),
    );
    expect(
      await engine.dispatch('messages:produce', { connectionId, topic: target, key: null, value: { text: '{nope', encoder: 'json' } }),
    ).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const page = data<MessagePage>(await engine.dispatch('messages:read', { connectionId, topic: target, start: { kind: 'oldest' } }));
    expect(page.messages).toHaveLength(2);
    const [json, long] = page.messages;
    expect(decodeBytes(fromBase64(json?.value?.base64 ?? ''))).toMatchObject({ decoder: 'json', ok: true, text: '{\n  "a": 1\n}' });
    expect(json?.headers.map((h) => [h.key, text(h.value)])).toEqual([['h', 'v']]);
    expect(decodeBytes(fromBase64(long?.value?.base64 ?? ''))).toMatchObject({ decoder: 'int64', text: '42' });
  });

  it('decodes a big-endian long value written by kcat from binary input', async () => {
    const target = uniqueName('topics-kcat');
    data(await engine.dispatch('topics:create', { connectionId, topic: target }));
    const long = Buffer.alloc(8);
    long.writeBigInt64BE(1234567890123n);
    execFileSync('kcat', ['-P', '-b', bootstrap, '-t', target, '-k', 'word', '-p', '0'], { input: long });
    const page = data<MessagePage>(await engine.dispatch('messages:read', { connectionId, topic: target, start: { kind: 'oldest' } }));
    expect(page.messages).toHaveLength(1);
    expect(decodeBytes(fromBase64(page.messages[0]?.value?.base64 ?? ''))).toMatchObject({ decoder: 'int64', text: '1234567890123' });
  });
});

describe('filtered scans', () => {
  async function scan(input: Record<string, unknown>): Promise<{ progress: ScanProgress; messages: KafkaMessage[] }> {
    const { scanId } = data<{ scanId: string }>(
      await engine.dispatch('messages:scanStart', { connectionId, topic, from: { kind: 'oldest' }, ...input }),
    );
    await expect
      .poll(async () => data<{ progress: ScanProgress }>(await engine.dispatch('messages:scanResults', { id: scanId })).progress.state, {
        timeout: 30_000,
      })
      .not.toBe('running');
    return data(await engine.dispatch('messages:scanResults', { id: scanId, limit: 1000 }));
  }

  it('keeps the records a CEL expression matches and counts what it scanned', async () => {
    const started = performance.now();
    const result = await scan({ expression: 'value.temperature > 45 && key == "sensor_3"' });
    console.log(`[figure] scan of 900 records with a CEL filter: ${(performance.now() - started).toFixed(0)} ms`);
    const expected = Array.from({ length: 900 }, (_, i) => i).filter((i) => i % 50 > 45 && i % 5 === 3);
    expect(result.progress).toMatchObject({ state: 'done', scanned: 900, matched: expected.length, total: 900 });
    expect(result.messages.map((m) => (JSON.parse(text(m.value) ?? '{}') as { i: number }).i).sort((a, b) => a - b)).toEqual(expected);
  });

  it('filters on headers, partition and text', async () => {
    const byHeader = await scan({ expression: 'headers.source == "odd" && partition == 1', contains: '"temperature":7' });
    // partition 1 holds i ≡ 1 (mod 3); odd i; temperature = i % 50 starts with 7 (7, 70+ do not exist: 7 only)
    const expected = Array.from({ length: 900 }, (_, i) => i).filter((i) => i % 3 === 1 && i % 2 === 1 && String(i % 50).startsWith('7'));
    expect(byHeader.progress.matched).toBe(expected.length);
  });

  it('rejects an expression that tries to reach the host, before scanning anything', async () => {
    for (const expression of ['process.exit()', 'constructor.constructor("return process")()', 'this.constructor', 'require("fs")']) {
      const result = await engine.dispatch('messages:scanStart', { connectionId, topic, from: { kind: 'oldest' }, expression });
      expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
    expect(await engine.dispatch('messages:checkFilter', { expression: 'x'.repeat(2001) })).toMatchObject({
      ok: true,
      data: { ok: false },
    });
    expect(await engine.dispatch('messages:checkFilter', { expression: 'value.a == 1' })).toEqual({ ok: true, data: { ok: true } });
  });

  it('can be cancelled and reports progress events', async () => {
    const events: ScanProgress[] = [];
    const off = engine.events.on('messages:scanProgress', (p) => events.push(p));
    const { scanId } = data<{ scanId: string }>(
      await engine.dispatch('messages:scanStart', { connectionId, topic, from: { kind: 'oldest' } }),
    );
    data(await engine.dispatch('messages:scanCancel', { id: scanId }));
    await expect.poll(() => events.some((e) => e.scanId === scanId && e.state !== 'running'), { timeout: 20_000 }).toBe(true);
    off();
    expect(events.filter((e) => e.scanId === scanId).at(-1)?.state).toBe('cancelled');
  });
});

describe('live tail', () => {
  it('delivers a message produced after the tail started', async () => {
    const target = uniqueName('topics-tail');
    data(await engine.dispatch('topics:create', { connectionId, topic: target, partitions: 2 }));
    data(
      await engine.dispatch('messages:produce', { connectionId, topic: target, key: null, value: { text: 'before', encoder: 'string' } }),
    );
    const seen: string[] = [];
    const off = engine.events.on('messages:tail', (event) => seen.push(...event.messages.map((m) => text(m.value) ?? '')));
    const { tailId } = data<{ tailId: string }>(await engine.dispatch('messages:tailStart', { connectionId, topic: target }));
    data(
      await engine.dispatch('messages:produce', { connectionId, topic: target, key: null, value: { text: 'after', encoder: 'string' } }),
    );
    await expect.poll(() => seen, { timeout: 20_000 }).toContain('after');
    expect(seen).not.toContain('before');
    expect(data(await engine.dispatch('messages:tailStop', { id: tailId }))).toEqual({ stopped: true });
    off();
  });
});
