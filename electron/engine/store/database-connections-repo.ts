import { randomUUID } from 'node:crypto';
import {
  databaseConnectionFieldsSchema,
  databaseConnectionInputSchema,
  type DatabaseConnection,
  type DatabaseConnectionInput,
} from '../../../shared/databases.js';
import { WorkbenchError } from '../../../shared/errors.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { Db } from './db.js';

interface Row {
  id: string;
  name: string;
  engine: string;
  config_json: string;
  secret: Buffer | null;
  created_at: number;
  updated_at: number;
}

/** Saved database connections of pipeline sinks (PostgreSQL, Cassandra); passwords only sealed by the SecretBox. */
export class DatabaseConnectionsRepo {
  private readonly db: Db;
  private readonly secrets: SecretBox;

  constructor(db: Db, secrets: SecretBox) {
    this.db = db;
    this.secrets = secrets;
  }

  list(): DatabaseConnection[] {
    return this.db.prepare<[], Row>('SELECT * FROM database_connections ORDER BY name COLLATE NOCASE').all().map(toConnection);
  }

  get(id: string): DatabaseConnection {
    return toConnection(this.row(id));
  }

  /** The password in clear, for the database driver only; never sent to the UI. */
  password(id: string): string | null {
    const { secret } = this.row(id);
    return secret ? this.secrets.decrypt(secret) : null;
  }

  save(input: DatabaseConnectionInput): DatabaseConnection {
    const { id: givenId, password, ...fields } = databaseConnectionInputSchema.parse(input);
    const config = JSON.stringify(databaseConnectionFieldsSchema.parse(fields));
    const now = Date.now();
    const sealed = (existing: Buffer | null): Buffer | null =>
      password === undefined ? existing : password === null || password === '' ? null : this.secrets.encrypt(password);
    if (givenId === undefined) {
      const id = randomUUID();
      this.db
        .prepare(
          'INSERT INTO database_connections (id, name, engine, config_json, secret, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(id, fields.name, fields.engine, config, sealed(null), now, now);
      return this.get(id);
    }
    const existing = this.row(givenId);
    this.db
      .prepare('UPDATE database_connections SET name = ?, engine = ?, config_json = ?, secret = ?, updated_at = ? WHERE id = ?')
      .run(fields.name, fields.engine, config, sealed(existing.secret), now, givenId);
    return this.get(givenId);
  }

  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM database_connections WHERE id = ?').run(id).changes > 0;
  }

  /** Names of the saved pipelines with a sink on this connection. */
  pipelinesUsing(id: string): string[] {
    return this.db
      .prepare<[string], { name: string }>(
        `SELECT name FROM pipelines WHERE EXISTS (SELECT 1 FROM json_each(spec_json, '$.sinks') WHERE json_extract(value, '$.databaseConnectionId') = ?) ORDER BY name`,
      )
      .all(id)
      .map((row) => row.name);
  }

  private row(id: string): Row {
    const row = this.db.prepare<[string], Row>('SELECT * FROM database_connections WHERE id = ?').get(id);
    if (!row) throw new WorkbenchError('NOT_FOUND', `No saved database connection with id ${id}`);
    return row;
  }
}

function toConnection(row: Row): DatabaseConnection {
  const fields = databaseConnectionFieldsSchema.parse(JSON.parse(row.config_json));
  return { ...fields, id: row.id, hasPassword: row.secret !== null, createdAt: row.created_at, updatedAt: row.updated_at };
}
