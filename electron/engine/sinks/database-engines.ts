import type { DatabaseConnectionFields, DatabaseEngine, DatabaseTestResult } from '../../../shared/databases.js';
import { WorkbenchError } from '../../../shared/errors.js';
import type { DatabaseSink, SinkTable } from './database-sink.js';
import { CassandraSink, testCassandra } from './cassandra/cassandra-sink.js';
import { PostgresSink, testPostgres } from './postgres/postgres-sink.js';

/** A saved database connection with its password in clear (engine-side only, never sent to the UI). */
export interface DatabaseTarget {
  connection: DatabaseConnectionFields;
  password: string | null;
}

/** What each database engine provides: a pipeline sink and the connection form's "Test connection". */
export interface DatabaseDriver {
  open(target: DatabaseTarget, table: SinkTable, pipelineId: string): DatabaseSink;
  test(target: DatabaseTarget): Promise<DatabaseTestResult>;
}

/** One entry per engine. */
const DRIVERS: Partial<Record<DatabaseEngine, DatabaseDriver>> = {
  postgres: { open: (target, table, pipelineId) => new PostgresSink(target, table, pipelineId), test: testPostgres },
  cassandra: { open: (target, table, pipelineId) => new CassandraSink(target, table, pipelineId), test: testCassandra },
};

export function databaseDriver(engine: DatabaseEngine): DatabaseDriver {
  const driver = DRIVERS[engine];
  if (!driver) throw new WorkbenchError('VALIDATION', `Pipelines cannot write to ${engine} yet`);
  return driver;
}
