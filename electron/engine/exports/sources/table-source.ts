import type { ColumnSpec, ColumnType } from '../../../../shared/exports.js';
import { exportableTables } from '../../../../shared/exports.js';
import { WorkbenchError } from '../../../../shared/errors.js';
import type { Db } from '../../store/db.js';
import { countRows, rowidPager, tableColumns } from '../../store/user-tables.js';
import type { Row } from '../writers/types.js';
import type { ExportSourceHandle } from './types.js';

/** SQLite declared types → export column types (SQLite affinity rules, https://sqlite.org/datatype3.html). */
function columnType(declared: string): ColumnType {
  const t = declared.toUpperCase();
  if (t.includes('INT')) return 'int64';
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return 'double';
  return 'string';
}

/**
 * A whole SQLite table, by name from an allowlist only (never free-form SQL). Rows are read with an
 * iterator in batches, so a large table is not loaded at once.
 */
export function openTableSource(db: Db, table: string, batchSize = 5000): ExportSourceHandle {
  if (!(exportableTables as readonly string[]).includes(table)) {
    throw new WorkbenchError('VALIDATION', `The table ${table} cannot be exported`);
  }
  const info = tableColumns(db, table);
  if (info.length === 0) throw new WorkbenchError('NOT_FOUND', `The table ${table} does not exist yet`);
  const columns: ColumnSpec[] = info.map((c) => ({ name: c.name, type: columnType(c.type), nullable: c.notnull === 0 }));
  const total = countRows(db, table);
  return {
    label: table,
    columns,
    totalRows: total,
    async *batches(signal) {
      const page = rowidPager<Row>(db, table);
      let after = -1n;
      for (;;) {
        signal.throwIfAborted();
        const rows = page(after, batchSize);
        if (rows.length === 0) return;
        after = rows[rows.length - 1]?.__kwb_rowid ?? after;
        yield rows.map(({ __kwb_rowid: _, ...row }) => row);
        // Let other engine work (IPC, progress events) run between pages of a large table.
        await new Promise((resolve) => setImmediate(resolve));
        if (rows.length < batchSize) return;
      }
    },
  };
}
