import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportHistoryEntry, ExportProgress, ExportRequest, S3CredentialSummary, S3Target } from '../../shared/exports.js';
import { createEngine } from '../../electron/engine/create-engine.js';
import type { Engine } from '../../electron/engine/engine.js';
import { resolveCacheDir } from '../../electron/engine/paths.js';
import { KeyFileSecretBox } from '../../electron/engine/secrets/key-file-secret-box.js';
import { findFreePortBlock } from '../../electron/engine/cluster/ports.js';
import { startS3Server, type S3Server } from '../s3-server.js';
import { data, tempDir, uniqueName, filesUnder } from '../helpers.js';
import { duckdb } from './exports-readers.js';

// Saved S3 credentials are sealed by the secret box (the key file here, safeStorage in the app) and
// every export that fails before writing (bad folder, missing bucket, refused keys, endpoint down)
// is in the history with its reason.
const dataDir = tempDir('exports-cred-data');
const out = tempDir('exports-cred-out');
let s3: S3Server;
let engine: Engine;
const progress: ExportProgress[] = [];
const bucket = uniqueName('cred').toLowerCase().slice(0, 40);
const sessionToken = `token-${uniqueName('t')}`;

function s3Target(credentials: S3Target['credentials'], overrides: Partial<S3Target> = {}): S3Target {
  return {
    kind: 's3',
    bucket,
    prefix: 'saved/',
    region: s3.region,
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials,
    ...overrides,
  };
}

async function finished(jobId: string): Promise<ExportProgress> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const last = progress.filter((p) => p.jobId === jobId).at(-1);
    if (last && last.status !== 'running') return last;
    if (Date.now() > deadline) throw new Error(`export ${jobId} did not finish`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function history(): Promise<ExportHistoryEntry[]> {
  return data<ExportHistoryEntry[]>(await engine.dispatch('exports:history', { limit: 100 }));
}

beforeAll(async () => {
  s3 = await startS3Server();
  // The engine as the app builds it, with its file log, so the log is scanned too.
  engine = createEngine({
    dataDir: dataDir.path,
    cacheDir: resolveCacheDir(),
    secrets: new KeyFileSecretBox(join(dataDir.path, 'secret.key')),
    transport: 'serve',
    healthIntervalMs: 0,
  });
  engine.events.on('exports:progress', (p) => progress.push(p));
});
afterAll(async () => {
  await engine.dispose();
  await s3.stop();
  dataDir.remove();
  out.remove();
});

describe('saved S3 credentials and failures before an export starts', () => {
  let saved: S3CredentialSummary;
  let wrong: S3CredentialSummary;
  const table: ExportRequest['source'] = { kind: 'table', table: 'export_history' };

  it('saves credentials showing only a name and a masked key id, and exports with them', async () => {
    saved = data<S3CredentialSummary>(
      await engine.dispatch('exports:saveCredentials', {
        name: 'S3Proxy',
        accessKeyId: s3.accessKeyId,
        secretAccessKey: s3.secretAccessKey,
      }),
    );
    expect(saved).toMatchObject({ name: 'S3Proxy', hasSessionToken: false });
    expect(saved.accessKeyHint).not.toContain(s3.accessKeyId);
    expect(saved.accessKeyHint.endsWith(s3.accessKeyId.slice(-2))).toBe(true);
    wrong = data<S3CredentialSummary>(
      await engine.dispatch('exports:saveCredentials', {
        name: 'Wrong',
        accessKeyId: s3.accessKeyId,
        secretAccessKey: 'not-the-secret-at-all',
        sessionToken,
      }),
    );
    expect(wrong.hasSessionToken).toBe(true);
    const listed = data<S3CredentialSummary[]>(await engine.dispatch('exports:listCredentials', undefined));
    expect(listed.map((c) => c.name)).toEqual(['S3Proxy', 'Wrong']);
    expect(JSON.stringify(listed)).not.toContain(s3.secretAccessKey);

    expect(data(await engine.dispatch('exports:createBucket', s3Target({ mode: 'saved', id: saved.id })))).toEqual({ created: true });
    const started = data<{ jobId: string; location: string }>(
      await engine.dispatch('exports:start', {
        source: table,
        format: { kind: 'csv', delimiter: ',', header: true },
        target: s3Target({ mode: 'saved', id: saved.id }),
        name: 'with-saved',
      }),
    );
    expect(await finished(started.jobId)).toMatchObject({ status: 'done' });
    expect(started.location).toBe(`s3://${bucket}/saved/with-saved.csv`);
    const object = join(s3.dataDir, bucket, 'saved', 'with-saved.csv');
    const [count] = await duckdb(`SELECT count(*)::INT AS n FROM read_csv('${object}', header = true)`);
    expect(count?.n).toBeGreaterThanOrEqual(0);
    expect(statSync(object).size).toBeGreaterThan(20);
  });

  it('records refused keys, a missing bucket, an unreachable endpoint and a missing folder in the history with the reason', async () => {
    const deadPort = await findFreePortBlock(1, 23_000, 24_000);
    const cases: { request: ExportRequest; code: string; reason: RegExp }[] = [
      {
        request: { source: table, format: { kind: 'jsonl' }, target: s3Target({ mode: 'saved', id: wrong.id }), name: 'refused' },
        code: 'AUTH_FAILED',
        reason: /refused the credentials/,
      },
      {
        request: {
          source: table,
          format: { kind: 'jsonl' },
          target: s3Target({ mode: 'saved', id: saved.id }, { bucket: 'no-such-bucket-kwb' }),
          name: 'nobucket',
        },
        code: 'NOT_FOUND',
        reason: /bucket "no-such-bucket-kwb" does not exist/,
      },
      {
        request: {
          source: table,
          format: { kind: 'jsonl' },
          target: s3Target({ mode: 'saved', id: saved.id }, { endpoint: `http://127.0.0.1:${deadPort}` }),
          name: 'unreachable',
        },
        code: 'STORAGE_UNREACHABLE',
        reason: new RegExp(`127\\.0\\.0\\.1:${deadPort}`),
      },
      {
        request: {
          source: table,
          format: { kind: 'jsonl' },
          target: { kind: 'local', folder: join(out.path, 'missing') },
          name: 'nofolder',
        },
        code: 'NOT_FOUND',
        reason: /does not exist; create it \(Create folder\) or pick another one/,
      },
      {
        request: { source: table, format: { kind: 'jsonl' }, target: s3Target({ mode: 'saved', id: 'gone' }), name: 'gone' },
        code: 'NOT_FOUND',
        reason: /saved S3 credentials no longer exist/,
      },
    ];
    for (const { request, code, reason } of cases) {
      const reply = await engine.dispatch('exports:start', request);
      expect(reply).toMatchObject({ ok: false, error: { code } });
      const message = reply.ok ? '' : reply.error.message;
      expect(message).toMatch(reason);
      const row = (await history()).find(
        (h) =>
          h.location.includes(request.name ?? '?') ||
          h.location === (request.target.kind === 'local' ? join(request.target.folder, `${request.name}.jsonl`) : ''),
      );
      expect(row, `history row for ${request.name}`).toMatchObject({ status: 'failed', rows: 0, bytes: 0, error: message });
      expect(row?.durationMs).toBeGreaterThanOrEqual(0);
      expect(progress.filter((p) => p.status === 'failed' && p.error === message)).toHaveLength(1);
    }
    console.log(`[exports] failures before start recorded in history: ${cases.length}/${cases.length}`);
  });

  it('says the default chain found no credentials (nothing was sent) rather than that the server refused them', async () => {
    const env = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY, profile: process.env.AWS_PROFILE };
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    delete process.env.AWS_PROFILE;
    try {
      const reply = await engine.dispatch('exports:start', {
        source: table,
        format: { kind: 'jsonl' },
        target: s3Target({ mode: 'default-chain' }),
        name: 'nochain',
      });
      expect(reply).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED' } });
      const message = reply.ok ? '' : reply.error.message;
      expect(message).toBe(
        `Found no AWS credentials in the default chain (environment, ~/.aws profile, SSO, instance role), so nothing was sent to ${s3.endpoint}: choose saved credentials (Exports → S3 credentials) or set up the default chain`,
      );
      expect((await history()).find((h) => h.location.includes('nochain'))).toMatchObject({ status: 'failed', error: message });
    } finally {
      if (env.id !== undefined) process.env.AWS_ACCESS_KEY_ID = env.id;
      if (env.secret !== undefined) process.env.AWS_SECRET_ACCESS_KEY = env.secret;
      if (env.profile !== undefined) process.env.AWS_PROFILE = env.profile;
    }
  });

  it('keeps the keys out of every file of the data folder (database, WAL, log) and out of every reply', async () => {
    const needles = [s3.secretAccessKey, 'not-the-secret-at-all', sessionToken, s3.accessKeyId];
    const replies = JSON.stringify([await history(), data(await engine.dispatch('exports:listCredentials', undefined))]);
    for (const needle of needles) expect(replies).not.toContain(needle);
    const files = filesUnder(dataDir.path);
    expect(files.some((f) => f.endsWith('workbench.sqlite'))).toBe(true);
    expect(files.some((f) => f.endsWith(join('logs', 'engine.log')))).toBe(true);
    const leaks = files.filter((f) => needles.some((n) => readFileSync(f).includes(Buffer.from(n))));
    expect(leaks).toEqual([]);
    // Removing forgets them for good.
    expect(data(await engine.dispatch('exports:removeCredentials', { id: wrong.id }))).toEqual({ removed: true });
    expect(data<S3CredentialSummary[]>(await engine.dispatch('exports:listCredentials', undefined)).map((c) => c.id)).toEqual([saved.id]);
    console.log(`[exports] S3 secrets: scanned ${files.length} files; keys found in ${leaks.length}`);
  });
});
