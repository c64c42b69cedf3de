import { spawn } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HeadObjectCommand, ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Connection } from '../../shared/connection.js';
import type { ExportHistoryEntry, ExportProgress, ExportRequest } from '../../shared/exports.js';
import type { Engine } from '../../electron/engine/engine.js';
import { createTopic, produce } from '../kafka.js';
import { startS3Server, type S3Server } from '../s3-server.js';
import { data, tempDir, testEngine, uniqueName, filesUnder } from '../helpers.js';
import { duckdb } from './exports-readers.js';
import { TcpProxy } from './exports-tcp-proxy.js';

// Faults during an export, with real processes: the engine killed (SIGKILL) mid local export, and the
// S3-compatible server killed mid multipart upload.
const bootstrap = inject('kafkaBootstrap');
const topic = uniqueName('exports-faults');
const total = 160_000;
const pad = 'x'.repeat(120);

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  await createTopic(bootstrap, topic, 2, { replicationFactor: 1 });
  await produce(
    bootstrap,
    Array.from({ length: total }, (_, i) => ({ topic, key: `k${i % 97}`, value: `{"seq":${i},"pad":"${pad}"}` })),
  );
}, 180_000);

describe('an engine killed mid local export', () => {
  const dataDir = tempDir('exports-kill-data');
  const out = tempDir('exports-kill-out');
  afterAll(() => {
    dataDir.remove();
    out.remove();
  });

  it('leaves a temp file that the next start removes, and the history says the job was interrupted', async () => {
    const name = 'interrupted';
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', resolve('test/integration/exports-engine-child.ts'), dataDir.path, bootstrap, topic, out.path, name],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const seen = await new Promise<{ jobId: string; rows: number; temp: string; tempBytes: number }>((done, fail) => {
      child.on('exit', (code) => fail(new Error(`child exited before it was killed (${String(code)})`)));
      let buffered = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          const event = JSON.parse(line) as ExportProgress | { started: unknown };
          if (!('jobId' in event) || event.status !== 'running' || event.rows === 0) continue;
          // Frozen at once (SIGSTOP), then inspected and killed: the export cannot finish meanwhile.
          child.kill('SIGSTOP');
          const temp = join(out.path, `.${name}.csv.${event.jobId}.partial`);
          done({ jobId: event.jobId, rows: event.rows, temp, tempBytes: existsSync(temp) ? statSync(temp).size : -1 });
        }
      });
    });
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGKILL');
    await exited;
    expect(seen.rows).toBeLessThan(total);
    expect(seen.tempBytes).toBeGreaterThan(0);
    expect(existsSync(join(out.path, `${name}.csv`))).toBe(false);
    // A temp file the engine did not name (another job id shape, another app) must survive the sweep.
    const foreign = join(out.path, `.${name}.csv.0123456789ab.partial`);
    writeFileSync(foreign, 'not ours');

    const engine = testEngine(dataDir.path);
    try {
      expect(existsSync(seen.temp)).toBe(false);
      expect(existsSync(foreign)).toBe(true);
      expect(existsSync(join(out.path, `${name}.csv`))).toBe(false);
      const history = data<ExportHistoryEntry[]>(await engine.dispatch('exports:history', undefined));
      expect(history.find((h) => h.id === seen.jobId)).toMatchObject({
        status: 'failed',
        error: 'Interrupted: the app stopped during this export; its temp file was removed and nothing was written under the final name',
      });
    } finally {
      await engine.dispose();
    }
    console.log(
      `[exports] engine SIGKILL mid export: ${seen.rows} of ${total} rows written (${seen.tempBytes} bytes in the temp file); temp files left after restart: 0; foreign temp file kept: 1`,
    );
  });
});

describe('the S3-compatible server killed mid multipart upload', () => {
  const dataDir = tempDir('exports-s3kill-data');
  let s3: S3Server;
  let proxy: TcpProxy;
  let admin: S3Client;
  let engine: Engine;
  const progress: ExportProgress[] = [];
  const bucket = uniqueName('s3kill').toLowerCase().slice(0, 40);

  beforeAll(async () => {
    s3 = await startS3Server();
    proxy = await TcpProxy.start(s3.port);
    admin = new S3Client({
      region: s3.region,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 1,
    });
    engine = testEngine(dataDir.path);
    engine.events.on('exports:progress', (p) => progress.push(p));
  }, 120_000);
  afterAll(async () => {
    await engine.dispose();
    admin.destroy();
    await proxy.stop();
    await s3.stop();
    dataDir.remove();
  });

  function pendingAborts(): number {
    const db = new Database(join(dataDir.path, 'workbench.sqlite'), { readonly: true });
    try {
      return (db.prepare(`SELECT count(*) AS n FROM s3_pending_aborts WHERE state = 'pending'`).get() as { n: number }).n;
    } finally {
      db.close();
    }
  }

  async function uploadsFor(key: string): Promise<string[]> {
    const listed = await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    return (listed.Uploads ?? []).filter((u) => u.Key === key).map((u) => u.UploadId ?? '');
  }

  async function objectExists(key: string): Promise<boolean> {
    return admin.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
      () => true,
      (error: { $metadata?: { httpStatusCode?: number } }) => {
        if (error.$metadata?.httpStatusCode === 404) return false;
        throw error;
      },
    );
  }

  it('fails the job with the reason, aborts the upload once the server is back, and a retry succeeds', async () => {
    const connectionId = data<Connection>(
      await engine.dispatch('connections:save', { name: 'suite', bootstrapServers: bootstrap.split(',') }),
    ).id;
    const saved = data<{ id: string }>(
      await engine.dispatch('exports:saveCredentials', {
        name: 's3proxy',
        accessKeyId: s3.accessKeyId,
        secretAccessKey: s3.secretAccessKey,
      }),
    );
    const target = {
      kind: 's3' as const,
      bucket,
      prefix: 'faults/',
      region: s3.region,
      endpoint: `http://127.0.0.1:${proxy.port}`,
      forcePathStyle: true,
      credentials: { mode: 'saved' as const, id: saved.id },
    };
    data(await engine.dispatch('exports:createBucket', target));
    const request: ExportRequest = {
      source: { kind: 'topic', connectionId, topic },
      format: { kind: 'csv', delimiter: ',', header: true },
      target,
      name: 'big',
    };
    const key = 'faults/big.csv';
    proxy.bytesPerSecond = 3 * 1024 * 1024;

    const started = data<{ jobId: string }>(await engine.dispatch('exports:start', request));
    const uploadId = await until('the multipart upload', async () => (await uploadsFor(key))[0]);
    expect(uploadId).not.toBe('');
    // S3Proxy's filesystem backend answers ListParts with an error: a part is seen as its file on disk.
    const partBytes = () => filesUnder(join(s3.dataDir, bucket)).reduce((sum, f) => sum + statSync(f).size, 0);
    const before = partBytes();
    // A part is stored once its file has its final name (`<key>-<n>`); S3Proxy writes it under a
    // temporary name first. Killed while such a write is under way, the filesystem backend is left
    // with a part it cannot list, and S3Proxy's abort then drops its own marker but fails, so the
    // upload stays listed for good (measured: the flaky failure of this test under load). So: wait
    // for a stored part, hold further request bytes at the proxy (no body can complete), wait for
    // writes under way to end, then kill — a crash mid-upload, but between the server's part writes.
    const partFiles = () => filesUnder(join(s3.dataDir, bucket)).filter((f) => f.includes('.mpus-'));
    const stored = () => partFiles().filter((f) => /big\.csv-\d+$/.test(f));
    const parts = await until('a first stored part', () => (stored().length > 0 ? stored().length : undefined));
    proxy.held = true;
    await until('no part write under way', () => (partFiles().every((f) => /big\.csv-(\d+|stub)$/.test(f)) ? true : undefined));
    await s3.kill();
    proxy.held = false;
    const final = await until('the job to fail', () =>
      progress.filter((p) => p.jobId === started.jobId).find((p) => p.status !== 'running'),
    );
    expect(final.status).toBe('failed');
    expect(final.error).toMatch(
      new RegExp(
        `The connection to http://127\\.0\\.0\\.1:${proxy.port} was lost during the upload; no object was written\\. Retry the export`,
      ),
    );
    expect(final.error).toMatch(/did not answer the abort .* it is aborted as soon as the endpoint answers again/);
    const history = data<ExportHistoryEntry[]>(await engine.dispatch('exports:history', undefined));
    expect(history.find((h) => h.id === started.jobId)).toMatchObject({
      status: 'failed',
      error: final.error,
      location: `s3://${bucket}/${key}`,
    });
    expect(pendingAborts()).toBe(1);
    // The server is down with the upload's parts on its disk: something is really left to abort.
    expect(partBytes() - before).toBeGreaterThanOrEqual(8 * 1024 * 1024);

    // restart() resolves once the server accepts requests signed with its keys. Then each retry pass
    // is asked for and awaited through the engine, rather than waiting on the backoff timer (≤ 30 s).
    await s3.restart();
    let passes = 0;
    await until('the pending abort to be retried', async () => {
      passes++;
      const { pending } = data<{ pending: number }>(await engine.dispatch('exports:retryAborts', undefined));
      return pending === 0 && pendingAborts() === 0 ? true : undefined;
    }).catch(async (error: unknown) => {
      const db = new Database(join(dataDir.path, 'workbench.sqlite'), { readonly: true });
      const rows = db.prepare('SELECT upload_id, state, attempts, last_error FROM s3_pending_aborts').all();
      db.close();
      const tree = filesUnder(join(s3.dataDir, bucket)).map((f) => `${f.slice(s3.dataDir.length)} ${statSync(f).size}`);
      throw new Error(
        `${String(error)}; pending ${JSON.stringify(rows)}; listed ${JSON.stringify(await uploadsFor(key).catch(String))}; server files ${JSON.stringify(tree)}`,
      );
    });
    const uploadsLeft = await uploadsFor(key);
    expect(uploadsLeft).toEqual([]);
    expect(await objectExists(key)).toBe(false);

    proxy.bytesPerSecond = null;
    const retry = data<{ jobId: string; location: string }>(await engine.dispatch('exports:start', request));
    const done = await until(
      'the retry',
      () => progress.filter((p) => p.jobId === retry.jobId).find((p) => p.status !== 'running'),
      240_000,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; last progress ${JSON.stringify(progress.filter((p) => p.jobId === retry.jobId).at(-1))}`);
    });
    expect(done).toMatchObject({ status: 'done', rows: total });
    expect(await objectExists(key)).toBe(true);
    expect(await uploadsFor(key)).toEqual([]);
    const [count] = await duckdb(
      `SELECT count(*)::INT AS n, count(DISTINCT "offset" || '-' || "partition")::INT AS d FROM read_csv('${join(s3.dataDir, bucket, key)}', header = true)`,
    );
    expect(count).toEqual({ n: total, d: total });
    console.log(
      `[reliability] S3 server SIGKILL mid multipart upload: parts uploaded before the kill ${parts}, job failed with reason, pending aborts after kill 1, after restart 0 (${passes} retry pass(es)), multipart uploads left ${uploadsLeft.length}, objects under the key after failure 0; retry rows ${done.rows}/${total}, DuckDB read ${Number(count?.n)} rows (${Number(count?.d)} distinct), duplicated ${total - Number(count?.d)}, lost ${total - Number(count?.n)}`,
    );
  }, 420_000);
});
