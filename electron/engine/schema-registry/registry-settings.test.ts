import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers.js';
import { KeyFileSecretBox } from '../secrets/key-file-secret-box.js';
import { ConnectionsRepo } from '../store/connections-repo.js';
import { openDatabase, type Db } from '../store/db.js';
import { registrySettings } from './registry-settings.js';

let dir: { path: string; remove(): void };
let db: Db;
let repo: ConnectionsRepo;
beforeEach(() => {
  dir = tempDir('registry-settings');
  db = openDatabase(join(dir.path, 'workbench.sqlite'));
  repo = new ConnectionsRepo(db, new KeyFileSecretBox(join(dir.path, 'secret.key')));
});
afterEach(() => {
  db.close();
  dir.remove();
});

const base = { name: 'prod', bootstrapServers: ['kafka-1:9092'] };

describe('schema registry settings of a connection', () => {
  it('is null without a registry URL, URL only without a username', () => {
    expect(registrySettings(repo, repo.save(base).id)).toBeNull();
    const id = repo.save({ ...base, schemaRegistryUrl: 'http://registry:8081' }).id;
    expect(registrySettings(repo, id)).toEqual({ url: 'http://registry:8081' });
  });

  it('keeps the basic-auth password encrypted, apart from the SASL one, and never in the listing', () => {
    const saved = repo.save({
      ...base,
      sasl: { mechanism: 'plain', username: 'svc' },
      password: 'sasl-pw',
      schemaRegistryUrl: 'http://registry:8081',
      schemaRegistryUsername: 'reg',
      schemaRegistryPassword: 'reg-secret-42',
    });
    expect(saved.hasSchemaRegistryPassword).toBe(true);
    expect(JSON.stringify(repo.list())).not.toContain('reg-secret-42');
    expect(registrySettings(repo, saved.id)).toEqual({ url: 'http://registry:8081', username: 'reg', password: 'reg-secret-42' });
    expect(repo.password(saved.id)).toBe('sasl-pw');
    db.close();
    expect(readFileSync(join(dir.path, 'workbench.sqlite')).includes(Buffer.from('reg-secret-42'))).toBe(false);
    db = openDatabase(join(dir.path, 'workbench.sqlite'));
    repo = new ConnectionsRepo(db, new KeyFileSecretBox(join(dir.path, 'secret.key')));

    // undefined keeps it, null clears it.
    repo.save({ ...base, id: saved.id, schemaRegistryUrl: 'http://registry:8081', schemaRegistryUsername: 'reg' });
    expect(repo.registryPassword(saved.id)).toBe('reg-secret-42');
    const cleared = repo.save({ ...base, id: saved.id, schemaRegistryUrl: 'http://registry:8081', schemaRegistryPassword: null });
    expect(cleared.hasSchemaRegistryPassword).toBe(false);
    expect(registrySettings(repo, saved.id)).toEqual({ url: 'http://registry:8081' });
  });
});
