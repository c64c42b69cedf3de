import { WorkbenchError } from '../../../shared/errors.js';

/** Every table the migrations create in the app's store (store/app-tables.test.ts compares). */
export const APP_TABLES = [
  '_migrations',
  'settings',
  'connections',
  'pipelines',
  'pipeline_offsets',
  'pipeline_state',
  'pipeline_progress',
  'pipeline_results',
  'producers',
  'export_history',
  'pipeline_files',
  'pipeline_file_rows',
  's3_credentials',
  's3_pending_aborts',
  'database_connections',
] as const;

const app = new Set<string>(APP_TABLES);

/**
 * Refuses a user-chosen table name (a pipeline's table sink, a batch report's table) that is one of
 * the app's own tables, SQLite's (`sqlite_…`), or in the prefixes kept for the app (`_…`, `pipeline…`).
 * `what` names the field in the error ("table", "report table").
 */
export function assertUserTableName(table: string, what: string): void {
  const name = table.toLowerCase();
  if (app.has(name) || /^(sqlite_|_|pipeline)/.test(name)) {
    throw new WorkbenchError('VALIDATION', `"${table}" is reserved for the app's own tables; choose another ${what} name`);
  }
}
