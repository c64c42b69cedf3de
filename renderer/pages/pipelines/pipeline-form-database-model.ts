import type { DatabaseEngine } from '../../../shared/databases.js';
import type { DatabaseSinkSpec, PipelineInput } from '../../../shared/pipelines.js';

type DatabaseSinkInput = Extract<NonNullable<PipelineInput['sinks']>[number], { kind: 'database' }>;

/** The database sink's inputs (PostgreSQL, Cassandra): a saved connection, a table, its primary key. */
export interface DatabaseSinkForm {
  /** Empty: no database sink. */
  connectionId: string;
  engine: DatabaseEngine;
  table: string;
  /** Comma-separated column names; empty for an aggregation = window + group. */
  primaryKey: string;
  createTable: boolean;
}

export function emptyDatabaseSinkForm(): DatabaseSinkForm {
  return { connectionId: '', engine: 'postgres', table: '', primaryKey: '', createTable: true };
}

export function databaseSinkToForm(sinks: PipelineInput['sinks']): DatabaseSinkForm {
  const sink = sinks?.find((s): s is DatabaseSinkSpec => s.kind === 'database');
  if (!sink) return emptyDatabaseSinkForm();
  const primaryKey = sink.primaryKey ?? [];
  return {
    connectionId: sink.databaseConnectionId,
    engine: sink.engine,
    table: sink.table,
    primaryKey: primaryKey.join(', '),
    createTable: sink.createTable ?? true,
  };
}

/** The sink of the form, none when no connection is chosen, or what to fix. */
export function databaseSinkFromForm(form: DatabaseSinkForm, aggregate: boolean): { sink: DatabaseSinkInput | null } | { error: string } {
  if (form.connectionId === '') return { sink: null };
  const table = form.table.trim();
  if (table === '') return { error: 'The table to write to' };
  const primaryKey = form.primaryKey
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  if (!aggregate && primaryKey.length === 0) return { error: 'The primary key: a column whose value is unique (e.g. uuid)' };
  return {
    sink: {
      kind: 'database',
      engine: form.engine,
      databaseConnectionId: form.connectionId,
      table,
      primaryKey,
      createTable: form.createTable,
    },
  };
}
