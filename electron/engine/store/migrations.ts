/**
 * Numbered migrations. An applied migration is recorded with the hash of its SQL in `_migrations`;
 * editing it afterwards is refused at open time, so add a new one instead.
 */
export interface Migration {
  id: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    id: 1,
    name: 'settings-and-connections',
    sql: `
      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
      CREATE TABLE connections (
        id                TEXT PRIMARY KEY,
        name              TEXT NOT NULL,
        config_json       TEXT NOT NULL,
        secret            BLOB,
        local             INTEGER NOT NULL DEFAULT 0,
        created_at        INTEGER NOT NULL,
        updated_at        INTEGER NOT NULL
      ) STRICT;
    `,
  },
];
