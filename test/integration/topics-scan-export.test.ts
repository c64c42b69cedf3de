import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Connection } from '../../shared/connection.js';
import type { ScanProgress } from '../../shared/topic-browser.js';
import type { Engine } from '../../electron/engine/engine.js';
import { data, tempDir, testEngine, uniqueName } from '../helpers.js';
import { produce } from '../kafka.js';

const bootstrap = inject('kafkaBootstrap');
const dir = tempDir('topics-scan-export');
const out = tempDir('topics-scan-export-out');
let engine: Engine;
let connectionId: string;
const topic = uniqueName('topics-export');
const BASE = Date.UTC(2024, 0, 1);
const COUNT = 1_200;

async function finishedScan(expression: string): Promise<ScanProgress & { scanId: string }> {
  const { scanId } = data<{ scanId: string }>(
    await engine.dispatch('messages:scanStart', { connectionId, topic, from: { kind: 'oldest' }, expression }),
  );
  for (;;) {
    const { progress } = data<{ progress: ScanProgress }>(
      await engine.dispatch('messages:scanResults', { id: scanId, offset: 0, limit: 1 }),
    );
    if (progress.state !== 'running') return { ...progress, scanId };
    await new Promise((done) => setTimeout(done, 50));
  }
}

beforeAll(async () => {
  engine = testEngine(dir.path);
  connectionId = data<Connection>(await engine.dispatch('connections:save', { name: 'suite', bootstrapServers: bootstrap.split(',') })).id;
  // retention.ms=-1: 2024 timestamps would otherwise be deleted by the broker's 5-minute retention check.
  data(
    await engine.dispatch('topics:create', {
      connectionId,
      topic,
      partitions: 2,
      replicationFactor: 1,
      configs: [{ name: 'retention.ms', value: '-1' }],
    }),
  );
  const long = Buffer.alloc(8);
  long.writeBigInt64BE(42n);
  await produce(bootstrap, [
    ...Array.from({ length: COUNT }, (_, i) => ({
      topic,
      partition: i % 2,
      key: `sensor_${i % 4}`,
      value: JSON.stringify({ i, note: i === 8 ? 'comma, "quote"\nnewline' : 'plain' }),
      timestamp: BASE + i * 1000,
      headers: { source: 'seed' },
    })),
    // Binary value: must come back byte for byte through value_base64.
    { topic, partition: 0, key: 'binary', value: long, timestamp: BASE },
  ]);
});
afterAll(async () => {
  await engine.dispose();
  dir.remove();
  out.remove();
});

describe('export of a scan’s matches', () => {
  it('writes every match as JSONL with metadata, decoded text and exact bytes, reporting progress', async () => {
    const scan = await finishedScan('key == "sensor_0" || key == "binary"');
    expect(scan).toMatchObject({ state: 'done', matched: COUNT / 4 + 1 });
    const progress: number[] = [];
    const off = engine.events.on('messages:exportProgress', (p) => {
      if (p.scanId === scan.scanId) progress.push(p.written);
    });
    const result = data<{ location: string; rows: number; bytes: number }>(
      await engine.dispatch('messages:scanExport', { id: scan.scanId, format: 'jsonl', folder: out.path, fileName: 'matches.jsonl' }),
    );
    off();
    expect(result).toMatchObject({ location: join(out.path, 'matches.jsonl'), rows: COUNT / 4 + 1 });
    expect(progress.at(-1)).toBe(COUNT / 4 + 1);
    expect(progress.length).toBeGreaterThan(0);
    const lines = readFileSync(result.location, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(COUNT / 4 + 1);
    const eight = lines.find((l) => l.value === JSON.stringify({ i: 8, note: 'comma, "quote"\nnewline' }));
    expect(eight).toMatchObject({
      partition: 0,
      key: 'sensor_0',
      timestamp: new Date(BASE + 8000).toISOString(),
      timestamp_type: 'CreateTime',
      headers: '{"source":"seed"}',
      value_decoder: 'json',
    });
    const binary = lines.find((l) => l.key === 'binary');
    expect(binary).toMatchObject({
      value: '42',
      value_decoder: 'int64',
      value_base64: Buffer.from([0, 0, 0, 0, 0, 0, 0, 42]).toString('base64'),
    });
    expect(readdirSync(out.path)).toEqual(['matches.jsonl']);
  });

  it('writes CSV that a CSV parser reads back with quotes, commas and newlines intact', async () => {
    const scan = await finishedScan('key == "sensor_0"');
    const result = data<{ location: string; rows: number }>(
      await engine.dispatch('messages:scanExport', { id: scan.scanId, format: 'csv', folder: out.path, fileName: 'matches.csv' }),
    );
    expect(result.rows).toBe(COUNT / 4);
    const rows = parse<Record<string, string>>(readFileSync(result.location, 'utf8'), { columns: true });
    expect(rows).toHaveLength(COUNT / 4);
    expect(Object.keys(rows[0] ?? {})).toEqual([
      'partition',
      'offset',
      'timestamp',
      'timestamp_type',
      'key',
      'value',
      'headers',
      'key_decoder',
      'value_decoder',
      'key_base64',
      'value_base64',
      'size',
      'truncated',
    ]);
    expect(rows.find((r) => r.value?.includes('"i":8'))?.value).toBe(JSON.stringify({ i: 8, note: 'comma, "quote"\nnewline' }));
  });

  it('refuses a folder that does not exist and leaves nothing behind', async () => {
    const scan = await finishedScan('key == "sensor_1"');
    const failed = await engine.dispatch('messages:scanExport', {
      id: scan.scanId,
      format: 'csv',
      folder: join(out.path, 'missing'),
      fileName: 'x.csv',
    });
    expect(failed).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(failed.ok ? '' : failed.error.message).toContain('does not exist');
  });
});
