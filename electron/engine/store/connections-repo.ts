import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { connectionFieldsSchema, type Connection, type ConnectionInput } from '../../../shared/connection.js';
import { connectionInputSchema } from '../../../shared/connection.js';
import { WorkbenchError } from '../../../shared/errors.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { Db } from './db.js';

interface Row {
  id: string;
  name: string;
  config_json: string;
  secret: Buffer | null;
  registry_secret: Buffer | null;
  local: number;
  created_at: number;
  updated_at: number;
}

export type ConnectionFields = z.output<typeof connectionFieldsSchema>;

/** Saved cluster connections. Passwords are stored only encrypted by the SecretBox. */
export class ConnectionsRepo {
  private readonly db: Db;
  private readonly secrets: SecretBox;

  constructor(db: Db, secrets: SecretBox) {
    this.db = db;
    this.secrets = secrets;
  }

  list(): Connection[] {
    return this.db
      .prepare<[], Row>('SELECT * FROM connections ORDER BY local DESC, name COLLATE NOCASE')
      .all()
      .map((row) => toConnection(row));
  }

  get(id: string): Connection {
    return toConnection(this.row(id));
  }

  find(id: string): Connection | null {
    const row = this.db.prepare<[string], Row>('SELECT * FROM connections WHERE id = ?').get(id);
    return row ? toConnection(row) : null;
  }

  /** The password in clear, for the Kafka client only; never sent to the UI. */
  password(id: string): string | null {
    const { secret } = this.row(id);
    return secret ? this.secrets.decrypt(secret) : null;
  }

  /** The schema registry's basic-auth password in clear, for the registry client only. */
  registryPassword(id: string): string | null {
    const { registry_secret: secret } = this.row(id);
    return secret ? this.secrets.decrypt(secret) : null;
  }

  save(input: ConnectionInput, options: { local?: boolean } = {}): Connection {
    const parsed = splitRegistryCredentials(connectionInputSchema.parse(input));
    const { id: givenId, password, schemaRegistryPassword, ...fields } = parsed;
    const registrySecret = (existing: Buffer | null): Buffer | null =>
      schemaRegistryPassword === undefined
        ? existing
        : schemaRegistryPassword === null || schemaRegistryPassword === ''
          ? null
          : this.secrets.encrypt(schemaRegistryPassword);
    const now = Date.now();
    const config = JSON.stringify(connectionFieldsSchema.parse(fields));
    if (givenId === undefined) {
      const id = randomUUID();
      this.db
        .prepare(
          'INSERT INTO connections (id, name, config_json, secret, registry_secret, local, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          id,
          fields.name,
          config,
          password ? this.secrets.encrypt(password) : null,
          registrySecret(null),
          options.local ? 1 : 0,
          now,
          now,
        );
      return this.get(id);
    }
    const existing = this.row(givenId);
    const secret = password === undefined ? existing.secret : password === null || password === '' ? null : this.secrets.encrypt(password);
    this.db
      .prepare('UPDATE connections SET name = ?, config_json = ?, secret = ?, registry_secret = ?, updated_at = ? WHERE id = ?')
      .run(fields.name, config, secret, registrySecret(existing.registry_secret), now, givenId);
    return this.get(givenId);
  }

  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM connections WHERE id = ?').run(id).changes > 0;
  }

  private row(id: string): Row {
    const row = this.db.prepare<[string], Row>('SELECT * FROM connections WHERE id = ?').get(id);
    if (!row) throw new WorkbenchError('NOT_FOUND', `No saved connection with id ${id}`);
    return row;
  }
}

/**
 * Credentials written into the registry URL (`https://user:secret@registry:8081`) become the basic
 * auth fields: the password is sealed like any other, the URL is stored (and listed) without them.
 * A password given in its own field wins over one in the URL.
 */
export function splitRegistryCredentials<
  T extends {
    schemaRegistryUrl?: string | undefined;
    schemaRegistryUsername?: string | undefined;
    schemaRegistryPassword?: string | null | undefined;
  },
>(input: T): T {
  if (input.schemaRegistryUrl === undefined) return input;
  const url = new URL(input.schemaRegistryUrl);
  if (url.username === '' && url.password === '') return input;
  const username = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  // URL adds a "/" to an empty path; keep the address as it was written otherwise.
  const cleaned =
    url.pathname === '/' && !/^[a-z]+:\/\/[^/]*\/$/i.test(input.schemaRegistryUrl) ? url.toString().replace(/\/$/, '') : url.toString();
  return {
    ...input,
    schemaRegistryUrl: cleaned,
    ...(username !== '' && input.schemaRegistryUsername === undefined ? { schemaRegistryUsername: username } : {}),
    ...(password !== '' && (input.schemaRegistryPassword === undefined || input.schemaRegistryPassword === '')
      ? { schemaRegistryPassword: password }
      : {}),
  };
}

function toConnection(row: Row): Connection {
  const fields = connectionFieldsSchema.parse(JSON.parse(row.config_json));
  return {
    ...fields,
    id: row.id,
    hasPassword: row.secret !== null,
    hasSchemaRegistryPassword: row.registry_secret !== null,
    local: row.local === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
