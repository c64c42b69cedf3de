import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { Envelope } from '../../shared/contract.js';
import type { Connection } from '../../shared/connection.js';
import { createEngine } from '../../electron/engine/create-engine.js';
import type { Engine } from '../../electron/engine/engine.js';
import { resolveCacheDir } from '../../electron/engine/paths.js';
import { KeyFileSecretBox } from '../../electron/engine/secrets/key-file-secret-box.js';
import { tempDir, uniqueName, filesUnder } from '../helpers.js';
import { createTopic, saveProducer, waitForStatus } from './producers-helpers.js';

// docs/GUARANTEES.md, secrets: a SASL password is never written in clear to SQLite (database, WAL)
// nor to the engine's log, also when it is used and fails (the suite's broker speaks no SASL, so
// every use ends in an error that is logged).
const bootstrap = inject('kafkaBootstrap');
const dir = tempDir('secrets');
afterAll(() => dir.remove());

describe('a saved SASL password', () => {
  it('appears in no file of the data folder after it was saved and used', async () => {
    const password = `pw-${uniqueName('secret')}`;
    // The engine as the app builds it: with its file log (testEngine discards the log).
    const engine: Engine = createEngine({
      dataDir: dir.path,
      cacheDir: resolveCacheDir(),
      secrets: new KeyFileSecretBox(join(dir.path, 'secret.key')),
      transport: 'serve',
      healthIntervalMs: 0,
    });
    const dispatch = (method: string, payload: unknown): Promise<Envelope<unknown>> => engine.dispatch(method, payload);
    const replies: Envelope<unknown>[] = [];
    try {
      const fields = {
        name: 'with sasl',
        bootstrapServers: bootstrap.split(','),
        sasl: { mechanism: 'plain' as const, username: 'alice' },
        password,
      };
      const saved = await dispatch('connections:save', fields);
      if (!saved.ok) throw new Error(saved.error.message);
      const id = (saved.data as Connection).id;
      replies.push(saved);
      // Every way a connection is used: test (saved and unsaved), activate, browse, produce.
      replies.push(await dispatch('connections:test', { id }));
      replies.push(await dispatch('connections:test', { connection: fields }));
      replies.push(await dispatch('connections:activate', { id }));
      replies.push(await dispatch('topics:stats', { connectionId: id }));
      replies.push(await dispatch('connections:list', undefined));
      const topic = uniqueName('secrets');
      await createTopic(bootstrap, topic);
      const producer = await saveProducer(engine, {
        name: topic,
        connectionId: id,
        topic,
        source: { kind: 'sensors' },
        schedule: { trigger: { kind: 'interval', everyMs: 100 }, maxMessages: 3 },
      });
      replies.push(await dispatch('producers:start', { id: producer.definition.id }));
      const waiting = await waitForStatus(engine, producer.definition.id, (s) => s.lastError !== null, 30_000);
      replies.push(await dispatch('producers:stop', { id: producer.definition.id }));
      replies.push(await dispatch('producers:list', undefined));
      // The uses failed (no SASL on the broker), so there was something to log.
      expect(waiting.lastError).toMatch(/Authentication|SASL|failed/i);
      // While the engine runs, the WAL holds the latest writes: scanned too.
      const open = filesUnder(dir.path);
      expect(open.some((f) => f.endsWith('workbench.sqlite-wal'))).toBe(true);
      expect(open.filter((f) => readFileSync(f).includes(Buffer.from(password)))).toEqual([]);
    } finally {
      await engine.dispose();
    }

    // Nothing the engine answered carries the password.
    for (const reply of replies) expect(JSON.stringify(reply)).not.toContain(password);
    const files = filesUnder(dir.path);
    const log = files.find((f) => f.endsWith(join('logs', 'engine.log')));
    expect(log, 'the engine log exists').toBeDefined();
    expect(readFileSync(log as string, 'utf8')).toMatch(/alice|SASL|Authentication|failed/i);
    expect(files.some((f) => f.endsWith('workbench.sqlite'))).toBe(true);
    const needle = Buffer.from(password);
    const leaks = files.filter((f) => readFileSync(f).includes(needle));
    expect(leaks, `files holding the password in clear: ${leaks.join(', ')}`).toEqual([]);
    console.log(
      `[reliability] secrets: scanned ${files.length} files (${files.map((f) => f.slice(dir.path.length + 1)).join(', ')}); password found in ${leaks.length}`,
    );
  });
});

describe('saved S3 keys', () => {
  it('appear in no file of the data folder after they were saved and used', async () => {
    const s3dir = tempDir('secrets-s3');
    const keys = {
      accessKeyId: `AKIA${uniqueName('id')
        .replace(/[^a-z0-9]/g, '')
        .toUpperCase()}`,
      secretAccessKey: `sk-${uniqueName('s3')}`,
      sessionToken: `st-${uniqueName('s3')}`,
    };
    const engine: Engine = createEngine({
      dataDir: s3dir.path,
      cacheDir: resolveCacheDir(),
      secrets: new KeyFileSecretBox(join(s3dir.path, 'secret.key')),
      transport: 'serve',
      healthIntervalMs: 0,
    });
    const replies: Envelope<unknown>[] = [];
    try {
      const saved = await engine.dispatch('exports:saveCredentials', { name: 'aws', ...keys });
      replies.push(saved, await engine.dispatch('exports:listCredentials', undefined));
      const id = saved.ok ? (saved.data as { id: string }).id : '';
      // Used against an endpoint that is down: the failure is logged and kept in the history.
      const target = {
        kind: 's3',
        bucket: 'kwb-secrets',
        endpoint: 'http://127.0.0.1:9',
        forcePathStyle: true,
        credentials: { mode: 'saved', id },
      };
      replies.push(
        await engine.dispatch('exports:start', { source: { kind: 'table', table: 'export_history' }, format: { kind: 'jsonl' }, target }),
      );
      replies.push(await engine.dispatch('exports:createBucket', target), await engine.dispatch('exports:history', undefined));
      expect(replies[2]).toMatchObject({ ok: false, error: { code: 'STORAGE_UNREACHABLE' } });
      // A pipeline's file sink (its spec is stored unencrypted): keys are refused, the reference is kept.
      const connection = await engine.dispatch('connections:save', { name: 'suite', bootstrapServers: bootstrap.split(',') });
      const connectionId = connection.ok ? (connection.data as Connection).id : '';
      const pipeline = (credentials: unknown) => ({
        name: uniqueName('secrets-pipeline'),
        connectionId,
        topics: ['kwb-secrets'],
        groupId: uniqueName('secrets-group'),
        projection: [{ column: 'v', path: 'v', type: 'string' }],
        sinks: [{ kind: 'files', format: { kind: 'jsonl' }, target: { ...target, credentials } }],
      });
      const withKeys = await engine.dispatch('pipelines:save', pipeline({ mode: 'keys', ...keys }));
      const withRef = await engine.dispatch('pipelines:save', pipeline({ mode: 'saved', id }));
      replies.push(withKeys, withRef, await engine.dispatch('pipelines:list', undefined));
      expect(withKeys).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      expect(JSON.stringify(withKeys)).toMatch(/does not store S3 keys/);
      expect(withRef).toMatchObject({ ok: true, data: { sinks: [{ target: { credentials: { mode: 'saved', id } } }] } });
    } finally {
      await engine.dispose();
    }
    const needles = Object.values(keys);
    for (const reply of replies) for (const needle of needles) expect(JSON.stringify(reply)).not.toContain(needle);
    const files = filesUnder(s3dir.path);
    expect(readFileSync(files.find((f) => f.endsWith(join('logs', 'engine.log'))) ?? '', 'utf8')).toMatch(/failed before it started/);
    const leaks = files.filter((f) => needles.some((n) => readFileSync(f).includes(Buffer.from(n))));
    expect(leaks, `files holding an S3 key in clear: ${leaks.join(', ')}`).toEqual([]);
    console.log(`[reliability] S3 secrets: scanned ${files.length} files; keys found in ${leaks.length}`);
    s3dir.remove();
  });
});
