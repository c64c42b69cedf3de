import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers.js';
import { KeyFileSecretBox } from '../secrets/key-file-secret-box.js';
import { ConnectionsRepo } from './connections-repo.js';
import { openDatabase, type Db } from './db.js';

let dir: { path: string; remove(): void };
let db: Db;
let repo: ConnectionsRepo;
beforeEach(() => {
  dir = tempDir('repo');
  db = openDatabase(join(dir.path, 'workbench.sqlite'));
  repo = new ConnectionsRepo(db, new KeyFileSecretBox(join(dir.path, 'secret.key')));
});
afterEach(() => {
  db.close();
  dir.remove();
});

const base = { name: 'prod', bootstrapServers: ['kafka-1:9092', 'kafka-2:9092'], sasl: { mechanism: 'plain' as const, username: 'svc' } };

describe('ConnectionsRepo', () => {
  it('saves with defaults and never returns the password', () => {
    const saved = repo.save({ ...base, password: 'pw' });
    expect(saved).toMatchObject({ name: 'prod', clientId: 'kafka-workbench', ssl: { enabled: false }, hasPassword: true, local: false });
    expect(JSON.stringify(saved)).not.toContain('pw"');
    expect(repo.password(saved.id)).toBe('pw');
  });

  it('keeps the stored password when an edit leaves it out, and clears it on null', () => {
    const saved = repo.save({ ...base, password: 'pw' });
    repo.save({ ...base, id: saved.id, name: 'prod-eu' });
    expect(repo.get(saved.id).name).toBe('prod-eu');
    expect(repo.password(saved.id)).toBe('pw');
    repo.save({ ...base, id: saved.id, password: null });
    expect(repo.password(saved.id)).toBeNull();
    expect(repo.get(saved.id).hasPassword).toBe(false);
  });

  it('reports an unknown id as NOT_FOUND and removes only what exists', () => {
    expect(() => repo.get('missing')).toThrow(/No saved connection/);
    const saved = repo.save(base);
    expect(repo.remove(saved.id)).toBe(true);
    expect(repo.remove(saved.id)).toBe(false);
    expect(repo.list()).toEqual([]);
  });

  it('lists the local connection first, then by name', () => {
    repo.save({ ...base, name: 'b' });
    repo.save({ ...base, name: 'A' });
    repo.save({ name: 'Local cluster', bootstrapServers: ['127.0.0.1:9092'] }, { local: true });
    expect(repo.list().map((c) => c.name)).toEqual(['Local cluster', 'A', 'b']);
  });

  it('takes credentials out of the registry URL: the password sealed, never listed, the URL stored without them', () => {
    const saved = repo.save({ ...base, schemaRegistryUrl: 'http://reg-user:S3cret%21@registry.example:8081' });
    expect(saved.schemaRegistryUrl).toBe('http://registry.example:8081');
    expect(saved).toMatchObject({ schemaRegistryUsername: 'reg-user', hasSchemaRegistryPassword: true });
    expect(repo.registryPassword(saved.id)).toBe('S3cret!');
    expect(JSON.stringify(repo.list())).not.toContain('S3cret');
    const raw = db.prepare<[], { config_json: string }>('SELECT config_json FROM connections').all();
    expect(JSON.stringify(raw)).not.toContain('S3cret');
    expect(repo.save({ ...base, schemaRegistryUrl: 'https://registry.example/api/' }).schemaRegistryUrl).toBe(
      'https://registry.example/api/',
    );
  });
});
