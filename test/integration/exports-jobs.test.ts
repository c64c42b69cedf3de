import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Connection } from '../../shared/connection.js';
import type { ExportHistoryEntry, ExportProgress, ExportRequest } from '../../shared/exports.js';
import type { Engine } from '../../electron/engine/engine.js';
import { startS3Server, type S3Server } from '../s3-server.js';
import { data, tempDir, testEngine, uniqueName } from '../helpers.js';
import { duckdb } from './exports-readers.js';
import { createTopic, produce } from '../kafka.js';

const bootstrap = inject('kafkaBootstrap');
const dataDir = tempDir('exports-jobs-data');
const out = tempDir('exports-jobs-out');
let engine: Engine;
let connectionId: string;
const progress: ExportProgress[] = [];
const topic = uniqueName('exports-jobs');
const perPartition = 400;

async function finished(jobId: string): Promise<ExportProgress> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const last = progress.filter((p) => p.jobId === jobId).at(-1);
    if (last && last.status !== 'running') return last;
    if (Date.now() > deadline) throw new Error(`export ${jobId} did not finish`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function runExport(request: ExportRequest): Promise<{ jobId: string; location: string; final: ExportProgress }> {
  const started = data<{ jobId: string; location: string }>(await engine.dispatch('exports:start', request));
  return { ...started, final: await finished(started.jobId) };
}

beforeAll(async () => {
  engine = testEngine(dataDir.path);
  engine.events.on('exports:progress', (p) => progress.push(p));
  connectionId = data<Connection>(await engine.dispatch('connections:save', { name: 'suite', bootstrapServers: bootstrap.split(',') })).id;
  await createTopic(bootstrap, topic, 3, { replicationFactor: 1 });
  for (let partition = 0; partition < 3; partition++) {
    await produce(
      bootstrap,
      Array.from({ length: perPartition }, (_, i) => ({
        topic,
        partition,
        key: i % 10 === 0 ? null : `k-${partition}-${i}`,
        value: i % 25 === 0 ? null : JSON.stringify({ p: partition, i, text: 'ünïcødé, "quoted"' }),
        timestamp: Date.UTC(2025, 5, 1) + partition * 1_000_000 + i,
        ...(i % 2 === 0 ? { headers: { source: `s${i}` } } : {}),
      })),
    );
  }
});
afterAll(async () => {
  await engine.dispose();
  dataDir.remove();
  out.remove();
});

describe('export jobs through the engine', () => {
  it('exports a whole topic to Parquet (zstd, µs) that DuckDB reads back with every message field', async () => {
    const { location, final } = await runExport({
      source: { kind: 'topic', connectionId, topic },
      format: { kind: 'parquet', codec: 'zstd', timestampUnit: 'us' },
      target: { kind: 'local', folder: out.path },
      name: 'whole-topic',
    });
    expect(final).toMatchObject({ status: 'done', rows: 3 * perPartition, percent: 100, location: join(out.path, 'whole-topic.parquet') });
    expect(location).toBe(join(out.path, 'whole-topic.parquet'));
    const rows = await duckdb(
      `SELECT "partition", "offset", epoch_us("timestamp") AS ts, "key", "value", "headers" FROM read_parquet('${location}') ORDER BY "partition", "offset"`,
    );
    expect(rows).toHaveLength(3 * perPartition);
    for (const row of rows) {
      const partition = Number(row.partition);
      const i = Number(row.offset);
      expect(row.ts).toBe(BigInt(Date.UTC(2025, 5, 1) + partition * 1_000_000 + i) * 1000n);
      expect(row.key).toBe(i % 10 === 0 ? null : `k-${partition}-${i}`);
      expect(row.value).toBe(i % 25 === 0 ? null : JSON.stringify({ p: partition, i, text: 'ünïcødé, "quoted"' }));
      expect(row.headers).toBe(i % 2 === 0 ? JSON.stringify({ source: `s${i}` }) : null);
    }
    // Min/max statistics for the columns a reader filters on; none for the opaque value and headers.
    const stats = await duckdb(
      `SELECT DISTINCT path_in_schema AS col, stats_min_value IS NOT NULL AS has_min, stats_max_value IS NOT NULL AS has_max FROM parquet_metadata('${location}') ORDER BY col`,
    );
    expect(stats).toEqual(
      ['headers', 'key', 'offset', 'partition', 'timestamp', 'value']
        .sort()
        .map((col) => ({ col, has_min: col !== 'value' && col !== 'headers', has_max: col !== 'value' && col !== 'headers' })),
    );
  });

  it('exports only the asked partition and offset range to CSV', async () => {
    const { location, final } = await runExport({
      source: { kind: 'topic', connectionId, topic, partitions: [1], fromOffset: '100', toOffset: '150' },
      format: { kind: 'csv', delimiter: ';', header: true },
      target: { kind: 'local', folder: out.path },
    });
    expect(final).toMatchObject({ status: 'done', rows: 50, percent: 100 });
    expect(location).toMatch(new RegExp(`${topic}-\\d{8}-\\d{6}\\.csv$`));
    const rows = await duckdb(
      `SELECT "partition", "offset", "value" FROM read_csv('${location}', header = true, delim = ';') ORDER BY "offset"`,
    );
    expect(rows.map((r) => Number(r.offset))).toEqual(Array.from({ length: 50 }, (_, i) => 100 + i));
    expect(new Set(rows.map((r) => Number(r.partition)))).toEqual(new Set([1]));
    expect(rows[1]?.value).toBe(JSON.stringify({ p: 1, i: 101, text: 'ünïcødé, "quoted"' }));
  });

  it('cancels a running export, leaves no file, and records it as cancelled', async () => {
    const started = data<{ jobId: string; location: string }>(
      await engine.dispatch('exports:start', {
        source: { kind: 'topic', connectionId, topic },
        format: { kind: 'jsonl' },
        target: { kind: 'local', folder: out.path },
        name: 'cancelled',
      }),
    );
    expect(data<{ cancelled: boolean }>(await engine.dispatch('exports:cancel', { jobId: started.jobId }))).toEqual({ cancelled: true });
    expect(await finished(started.jobId)).toMatchObject({ status: 'cancelled' });
    expect(existsSync(started.location)).toBe(false);
    expect(readdirSync(out.path).filter((f) => f.includes('cancelled'))).toEqual([]);
    const history = data<ExportHistoryEntry[]>(await engine.dispatch('exports:history', { limit: 10 }));
    expect(history.find((h) => h.id === started.jobId)).toMatchObject({ status: 'cancelled', location: started.location, error: null });
  });

  it('keeps a history with target, rows, size, duration and status, and exports it as a table', async () => {
    const history = data<ExportHistoryEntry[]>(await engine.dispatch('exports:history', undefined));
    const whole = history.find((h) => h.location.endsWith('whole-topic.parquet'));
    expect(whole).toMatchObject({
      status: 'done',
      rows: 3 * perPartition,
      format: 'parquet zstd us',
      target: `folder ${out.path}`,
      error: null,
    });
    expect(whole?.bytes).toBeGreaterThan(1000);
    expect(whole?.durationMs).toBeGreaterThanOrEqual(0);

    const { location, final } = await runExport({
      source: { kind: 'table', table: 'export_history' },
      format: { kind: 'jsonl' },
      target: { kind: 'local', folder: out.path },
    });
    expect(final.status).toBe('done');
    const rows = await duckdb(`SELECT id, status, "rows" FROM read_json('${location}', format = 'newline_delimited') ORDER BY started_at`);
    // Every job recorded before this one, oldest first, then this export's own (still running) row.
    expect(rows.map((r) => String(r.id))).toEqual(
      [...history]
        .reverse()
        .map((h) => h.id)
        .concat([final.jobId]),
    );
    expect(rows.at(-1)?.status).toBe('running');
    const exported = rows.find((r) => String(r.id) === whole?.id);
    expect([exported?.status, Number(exported?.rows)]).toEqual(['done', 3 * perPartition]);
  });

  it('refuses a table outside the allowlist and a missing folder with clear errors', async () => {
    const table = await engine.dispatch('exports:start', {
      source: { kind: 'table', table: 'connections' },
      format: { kind: 'jsonl' },
      target: { kind: 'local', folder: out.path },
    });
    expect(table).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const folder = await engine.dispatch('exports:start', {
      source: { kind: 'topic', connectionId, topic },
      format: { kind: 'jsonl' },
      target: { kind: 'local', folder: join(out.path, 'missing') },
    });
    expect(folder).toMatchObject({
      ok: false,
      error: {
        code: 'NOT_FOUND',
        message: `The folder ${join(out.path, 'missing')} does not exist; create it (Create folder) or pick another one`,
      },
    });
  });

  it('creates a missing folder with its parents on request, then exports into it; says why when it cannot', async () => {
    const nested = join(out.path, 'made', 'for', 'export');
    expect(data(await engine.dispatch('exports:createFolder', { kind: 'local', folder: nested }))).toEqual({ created: true });
    expect(statSync(nested).isDirectory()).toBe(true);
    expect(data(await engine.dispatch('exports:createFolder', { kind: 'local', folder: nested }))).toEqual({ created: false });
    const { location, final } = await runExport({
      source: { kind: 'topic', connectionId, topic },
      format: { kind: 'jsonl' },
      target: { kind: 'local', folder: nested },
    });
    expect(final.status).toBe('done');
    expect(location.startsWith(nested)).toBe(true);

    const relative = await engine.dispatch('exports:createFolder', { kind: 'local', folder: 'exports/here' });
    expect(relative).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', message: 'The folder exports/here is not an absolute path (e.g. /home/me/exports)' },
    });
    writeFileSync(join(out.path, 'a-file'), 'x');
    const underFile = await engine.dispatch('exports:createFolder', { kind: 'local', folder: join(out.path, 'a-file', 'sub') });
    expect(underFile).toMatchObject({
      ok: false,
      error: {
        code: 'VALIDATION',
        message: `Cannot create ${join(out.path, 'a-file', 'sub')}: a part of that path is a file, not a folder`,
      },
    });
    const isFile = await engine.dispatch('exports:createFolder', { kind: 'local', folder: join(out.path, 'a-file') });
    expect(isFile).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', message: `${join(out.path, 'a-file')} is a file, not a folder; pick another path` },
    });
  });

  describe('to S3', () => {
    let s3: S3Server;
    beforeAll(async () => {
      s3 = await startS3Server();
    });
    afterAll(async () => {
      await s3.stop();
    });

    it('offers to create a missing bucket, then exports the topic into it under a dated prefix', async () => {
      const target = {
        kind: 's3' as const,
        bucket: uniqueName('bucket').toLowerCase().slice(0, 40),
        prefix: 'exports/{yyyy}/{MM}/',
        region: 'us-east-1',
        endpoint: s3.endpoint,
        forcePathStyle: true,
        credentials: { mode: 'keys' as const, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      };
      const request: ExportRequest = {
        source: { kind: 'topic', connectionId, topic },
        format: { kind: 'parquet', codec: 'snappy' },
        target,
        name: 'to-s3',
      };
      expect(await engine.dispatch('exports:start', request)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect(data(await engine.dispatch('exports:createBucket', target))).toEqual({ created: true });
      const { location, final } = await runExport(request);
      const now = new Date();
      const key = `exports/${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}/to-s3.parquet`;
      expect(location).toBe(`s3://${target.bucket}/${key}`);
      expect(final).toMatchObject({ status: 'done', rows: 3 * perPartition });
      const client = new S3Client({
        region: 'us-east-1',
        endpoint: s3.endpoint,
        forcePathStyle: true,
        credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
      const got = await client.send(new GetObjectCommand({ Bucket: target.bucket, Key: key }));
      const file = join(out.path, 'from-s3.parquet');
      const { writeFileSync } = await import('node:fs');
      writeFileSync(file, await (got.Body?.transformToByteArray() ?? Promise.resolve(new Uint8Array())));
      client.destroy();
      const [summary] = await duckdb(`SELECT count(*)::INT AS n FROM read_parquet('${file}')`);
      expect(summary).toEqual({ n: 3 * perPartition });
    });
  });
});
