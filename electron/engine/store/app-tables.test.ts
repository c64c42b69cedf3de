import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers.js';
import { APP_TABLES, assertUserTableName } from './app-tables.js';
import { openDatabase } from './db.js';
import { join } from 'node:path';

describe('the app tables a user table may not be named after', () => {
  it('are exactly the tables of a new store, and each is refused', () => {
    const dir = tempDir('app-tables');
    const db = openDatabase(join(dir.path, 'store.sqlite'));
    try {
      const created = db
        .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .all()
        .map((t) => t.name);
      expect([...APP_TABLES].sort()).toEqual(created);
      for (const table of created)
        expect(() => assertUserTableName(table, 'table'), table).toThrow(
          `"${table}" is reserved for the app's own tables; choose another table name`,
        );
    } finally {
      db.close();
      dir.remove();
    }
  });

  it("refuses SQLite's names and the app's prefixes whatever the case, and lets other names through", () => {
    for (const table of ['sqlite_master', 'Pipeline_x', '_hidden', 'PRODUCERS', 'Export_History'])
      expect(() => assertUserTableName(table, 'report table')).toThrow(/choose another report table name/);
    for (const table of ['users', 'report_sensors', 'producer_stats', 'exports'])
      expect(() => assertUserTableName(table, 'table')).not.toThrow();
  });
});
