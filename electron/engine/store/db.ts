import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { WorkbenchError } from '../../../shared/errors.js';
import { privateDir, privateFile } from '../private-files.js';
import { migrations as defaultMigrations, type Migration } from './migrations.js';

export type Db = Database.Database;

function hashOf(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

/** Opens (creating if needed) the store in WAL mode and applies pending migrations in one transaction each. */
export function openDatabase(file: string, migrations: readonly Migration[] = defaultMigrations): Db {
  if (file !== ':memory:') {
    privateDir(dirname(file));
    // SQLite gives its -wal and -shm files the database file's permissions.
    privateFile(file);
    for (const side of ['-wal', '-shm']) {
      try {
        privateFile(`${file}${side}`);
      } catch {
        // Not there yet, or already gone: SQLite creates them with the database's mode.
      }
    }
  }
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    // NORMAL is enough for state Kafka can replay (docs/GUARANTEES.md); commits marking external effects use FULL.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, migrations);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function migrate(db: Db, migrations: readonly Migration[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS _migrations (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, hash TEXT NOT NULL, applied_at INTEGER NOT NULL
  ) STRICT`);
  const applied = new Map(
    db
      .prepare<[], { id: number; hash: string }>('SELECT id, hash FROM _migrations')
      .all()
      .map((row) => [row.id, row.hash]),
  );
  const record = db.prepare('INSERT INTO _migrations (id, name, hash, applied_at) VALUES (?, ?, ?, ?)');
  let changed = false;
  for (const migration of [...migrations].sort((a, b) => a.id - b.id)) {
    const hash = hashOf(migration.sql);
    const seen = applied.get(migration.id);
    if (seen !== undefined) {
      if (seen !== hash) {
        throw new WorkbenchError(
          'INTERNAL',
          `Migration ${migration.id} (${migration.name}) was changed after it was applied; add a new migration instead`,
        );
      }
      continue;
    }
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.id, migration.name, hash, Date.now());
    })();
    changed = true;
  }
  // Migrations rewrite tables (ALTER/copy), which leaves every page of the history in the WAL: a new
  // store's WAL was 284 KB for a 100 KB database. Fold it back so the store starts small.
  if (changed) db.pragma('wal_checkpoint(TRUNCATE)');
}
