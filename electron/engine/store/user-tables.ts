import type { Row, Value } from '../pipelines/row.js';
import { assertUserTableName } from './app-tables.js';
import type { Db } from './db.js';

/**
 * Tables whose names come from the user (a pipeline's table sink, a batch report's table) or from
 * the exports allowlist. Every name reaching this module has been checked by `assertUserTableName`
 * or the allowlist, so quoting it is enough; values are always bound.
 */
const q = (name: string) => `"${name}"`;

export interface TableColumnInfo {
  name: string;
  type: string;
  notnull: number;
}

export function tableColumns(db: Db, table: string): TableColumnInfo[] {
  return db.prepare<[string], TableColumnInfo>('SELECT name, type, "notnull" FROM pragma_table_info(?)').all(table);
}

export function tableExists(db: Db, table: string): boolean {
  return (
    (db.prepare<[string], { n: number }>(`SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table)?.n ?? 0) >
    0
  );
}

export function countRows(db: Db, table: string): number {
  return db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${q(table)}`).get()?.n ?? 0;
}

/** A page of rows, newest first, as arrays with the column names beside them. */
export function newestRows(
  db: Db,
  table: string,
  limit: number,
  offset: number,
): { columns: string[]; rows: (string | number | null)[][] } {
  const statement = db.prepare(`SELECT * FROM ${q(table)} ORDER BY rowid DESC LIMIT ? OFFSET ?`);
  const rows = statement.raw(true).all(limit, offset) as (string | number | null)[][];
  return { columns: statement.columns().map((c) => c.name), rows };
}

/**
 * Keyset pages by rowid rather than one open iterator: an iterator would keep the connection busy
 * between pages, and the engine writes to the same database meanwhile.
 */
export function rowidPager<R extends object>(db: Db, table: string): (after: bigint, limit: number) => (R & { __kwb_rowid: bigint })[] {
  const page = db
    .prepare<[bigint, number], R & { __kwb_rowid: bigint }>(
      `SELECT rowid AS __kwb_rowid, * FROM ${q(table)} WHERE rowid > ? ORDER BY rowid LIMIT ?`,
    )
    .safeIntegers(true);
  return (after, limit) => page.all(after, limit);
}

/** Replaces a report table in one transaction: a reader sees the previous report or the new one. */
export function replaceTable(db: Db, table: string, columns: readonly { name: string; sql: string }[], rows: readonly Row[]): void {
  assertUserTableName(table, 'report table');
  db.transaction(() => {
    db.exec(`DROP TABLE IF EXISTS ${q(table)}`);
    db.exec(`CREATE TABLE ${q(table)} (${columns.map((c) => `${q(c.name)} ${c.sql}`).join(', ')})`);
    const insert = db.prepare(`INSERT INTO ${q(table)} VALUES (${columns.map(() => '?').join(', ')})`);
    for (const row of rows) insert.run(...columns.map((c) => toSql(row[c.name] ?? null)));
  })();
}

const toSql = (v: Value) => (typeof v === 'boolean' ? (v ? 1 : 0) : v);
