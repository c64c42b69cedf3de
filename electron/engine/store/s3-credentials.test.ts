import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { S3Target } from '../../../shared/exports.js';
import { tempDir } from '../../../test/helpers.js';
import { KeyFileSecretBox } from '../secrets/key-file-secret-box.js';
import { openDatabase, type Db } from './db.js';
import { PendingAborts } from '../exports/targets/pending-aborts.js';
import { S3Credentials, keyHint } from './s3-credentials.js';

let dir: { path: string; remove(): void };
let db: Db;
let box: KeyFileSecretBox;
beforeEach(() => {
  dir = tempDir('s3cred');
  db = openDatabase(join(dir.path, 'workbench.sqlite'));
  box = new KeyFileSecretBox(join(dir.path, 'secret.key'));
});
afterEach(() => {
  db.close();
  dir.remove();
});

const target = (id: string): S3Target => ({
  kind: 's3',
  bucket: 'b-1',
  prefix: '',
  region: 'us-east-1',
  forcePathStyle: false,
  credentials: { mode: 'saved', id },
});

describe('saved S3 credentials', () => {
  it('seals the keys, shows a masked hint, and resolves a target to its keys', () => {
    const repo = new S3Credentials(db, box);
    const saved = repo.save({
      name: 'aws',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG',
      sessionToken: 'tok-123',
    });
    expect(saved).toMatchObject({ name: 'aws', accessKeyHint: 'AKIA…MPLE', hasSessionToken: true });
    expect(repo.resolve(target(saved.id)).credentials).toEqual({
      mode: 'keys',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG',
      sessionToken: 'tok-123',
    });
    const updated = repo.save({ id: saved.id, name: 'aws 2', accessKeyId: 'AKIAOTHERKEY0000WXYZ', secretAccessKey: 's2' });
    expect(updated).toMatchObject({ id: saved.id, name: 'aws 2', accessKeyHint: 'AKIA…WXYZ', hasSessionToken: false });
    expect(repo.resolve(target(saved.id)).credentials).toEqual({
      mode: 'keys',
      accessKeyId: 'AKIAOTHERKEY0000WXYZ',
      secretAccessKey: 's2',
    });
    db.pragma('wal_checkpoint(TRUNCATE)');
    const file = readFileSync(join(dir.path, 'workbench.sqlite'));
    for (const secret of ['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI', 'tok-123', 'AKIAOTHERKEY0000WXYZ'])
      expect(file.includes(Buffer.from(secret))).toBe(false);
    expect(repo.remove(saved.id)).toBe(true);
    expect(() => repo.resolve(target(saved.id))).toThrow(/no longer exist/);
    expect(() => repo.save({ id: 'nope', name: 'x', accessKeyId: 'a', secretAccessKey: 'b' })).toThrow(/no longer exist/);
  });

  it('hints short key ids by their end only', () => {
    expect(keyHint('short')).toBe('…rt');
  });

  it('keeps pending aborts sealed and turns uploads of a stopped run into pending ones at start', async () => {
    const logs: string[] = [];
    const aborts = new PendingAborts(db, box, (_level, message) => logs.push(message), 60_000);
    const keys: S3Target = {
      ...target('x'),
      endpoint: 'http://127.0.0.1:9',
      credentials: { mode: 'keys', accessKeyId: 'AKIDSECRET1', secretAccessKey: 'SKSECRET2' },
    };
    aborts.uploading({ uploadId: 'u-1', key: 'k/1.csv', target: keys, jobId: 'j' });
    aborts.uploading({ uploadId: 'u-2', key: 'k/2.csv', target: keys, jobId: 'j' });
    aborts.settled('u-2');
    expect(aborts.count()).toBe(0);
    await aborts.dispose();
    const next = new PendingAborts(db, box, (_level, message) => logs.push(message), 60_000);
    next.resumeAfterRestart();
    expect(next.count()).toBe(1);
    await next.retryNow(); // port 9 answers nothing: stays pending, with the reason
    expect(next.count()).toBe(1);
    const row = db.prepare<[], { attempts: number; last_error: string }>('SELECT attempts, last_error FROM s3_pending_aborts').get();
    expect(row?.attempts).toBe(1);
    expect(row?.last_error).toMatch(/ECONNREFUSED|connect/);
    await next.dispose();
    db.pragma('wal_checkpoint(TRUNCATE)');
    const file = readFileSync(join(dir.path, 'workbench.sqlite'));
    expect(file.includes(Buffer.from('SKSECRET2'))).toBe(false);
    expect(file.includes(Buffer.from('AKIDSECRET1'))).toBe(false);
    expect(logs.join('\n')).not.toContain('SKSECRET2');
  });
});
