import { WorkbenchError } from '../../../shared/errors.js';
import type { ColumnType, ProjectionColumn } from '../../../shared/pipelines.js';
import { assertUserTableName } from './app-tables.js';
import type { Db } from './db.js';
import type { Row, Value } from '../pipelines/row.js';

const SQL_TYPE: Record<ColumnType, string> = { string: 'TEXT', int: 'INTEGER', double: 'REAL', boolean: 'INTEGER', timestamp: 'TEXT' };

/**
 * A table of the app's store whose schema comes from the projection (S2: `users(id, gender, …,
 * email_domain)`). `id` is `topic/partition/offset`, so a replayed record replaces its own row.
 * Timestamps are stored as ISO-8601 text, readable in any SQLite tool.
 */
export class TableSink {
  readonly table: string;
  private readonly columns: ProjectionColumn[];
  private readonly insert;

  constructor(db: Db, table: string, columns: readonly ProjectionColumn[]) {
    assertUserTableName(table, 'table');
    this.table = table;
    this.columns = [...columns];
    const quoted = (name: string) => `"${name}"`;
    const existing = db
      .prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table}')`)
      .all()
      .map((c) => c.name);
    const wanted = ['id', ...this.columns.map((c) => c.column)];
    if (existing.length > 0 && existing.join(',') !== wanted.join(',')) {
      throw new WorkbenchError(
        'CONFLICT',
        `Table ${table} exists with columns (${existing.join(', ')}), not the projection's (${wanted.join(', ')}); choose another table or drop it`,
      );
    }
    const definitions = this.columns.map((c) => `${quoted(c.column)} ${SQL_TYPE[c.type]}`);
    db.exec(`CREATE TABLE IF NOT EXISTS ${quoted(table)} (id TEXT PRIMARY KEY, ${definitions.join(', ')})`);
    this.insert = db.prepare(
      `INSERT OR REPLACE INTO ${quoted(table)} (${wanted.map(quoted).join(', ')}) VALUES (${wanted.map(() => '?').join(', ')})`,
    );
  }

  upsert(id: string, row: Row): void {
    this.insert.run(id, ...this.columns.map((c) => toSql(row[c.column] ?? null, c.type)));
  }
}

function toSql(value: Value, type: ColumnType): string | number | null {
  if (value === null) return null;
  if (type === 'timestamp' && typeof value === 'number') return new Date(value).toISOString();
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}
