// The CQL the Cassandra sink sends, built from a pipeline's typed columns. Pure: no driver here.
import { WorkbenchError } from '../../../../shared/errors.js';
import type { ColumnType } from '../../../../shared/pipelines.js';

export interface CassandraColumn {
  name: string;
  type: ColumnType;
}

/** The destination table: its columns and primary key (partition key columns, then clustering columns). */
export interface CassandraTableSpec {
  keyspace: string;
  table: string;
  columns: readonly CassandraColumn[];
  partitionKey: readonly string[];
  clusteringKey?: readonly string[];
}

/**
 * The CQL type each pipeline column type is written as. `int` is any safe JavaScript integer, so it
 * needs 64 bits (`bigint`); timestamps are epoch milliseconds, which is what CQL `timestamp` holds.
 * https://cassandra.apache.org/doc/5.0/cassandra/developing/cql/types.html
 */
export const CQL_TYPES: Readonly<Record<ColumnType, string>> = {
  string: 'text',
  int: 'bigint',
  double: 'double',
  boolean: 'boolean',
  timestamp: 'timestamp',
};

const PLAIN = /^[A-Za-z_][A-Za-z0-9_]{0,47}$/;

/**
 * A quoted CQL identifier. Quoting keeps the name's case (unquoted names are folded to lower case),
 * so the table's columns are exactly the projection's. Names are the projection's identifiers
 * (letters, digits, _), and 48 characters is Cassandra's limit for keyspace and table names.
 */
export function quoteName(name: string): string {
  if (!PLAIN.test(name))
    throw new WorkbenchError('VALIDATION', `"${name}" is not a valid Cassandra name (letters, digits and _, up to 48)`);
  return `"${name}"`;
}

const qualified = (spec: CassandraTableSpec): string => `${quoteName(spec.keyspace)}.${quoteName(spec.table)}`;

/** Throws, naming the column, when the primary key names a column the table does not have or none at all. */
export function checkSpec(spec: CassandraTableSpec): void {
  const names = new Set(spec.columns.map((c) => c.name));
  if (names.size !== spec.columns.length) throw new WorkbenchError('VALIDATION', `Table ${spec.table} names a column twice`);
  if (spec.partitionKey.length === 0) throw new WorkbenchError('VALIDATION', `Table ${spec.table} needs a primary key column`);
  for (const key of [...spec.partitionKey, ...(spec.clusteringKey ?? [])]) {
    if (!names.has(key)) throw new WorkbenchError('VALIDATION', `The primary key column ${key} is not one of the pipeline's columns`);
  }
}

export function createTableCql(spec: CassandraTableSpec): string {
  checkSpec(spec);
  const columns = spec.columns.map((c) => `${quoteName(c.name)} ${CQL_TYPES[c.type]}`);
  const partition = `(${spec.partitionKey.map(quoteName).join(', ')})`;
  const clustering = (spec.clusteringKey ?? []).map(quoteName);
  const key = [partition, ...clustering].join(', ');
  return `CREATE TABLE IF NOT EXISTS ${qualified(spec)} (${columns.join(', ')}, PRIMARY KEY (${key}))`;
}

/** An INSERT is an upsert in Cassandra: a replayed row overwrites the same primary key. */
export function upsertCql(spec: CassandraTableSpec): string {
  const names = spec.columns.map((c) => quoteName(c.name));
  return `INSERT INTO ${qualified(spec)} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`;
}

/** The rows of `system_schema.columns` that describe one table. */
export const TABLE_COLUMNS_CQL =
  'SELECT column_name, type, kind, position FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?';

export interface SchemaColumn {
  column_name: string;
  type: string;
  /** partition_key, clustering, regular or static. */
  kind: string;
  position: number;
}

/**
 * What stops the pipeline from writing into an existing table, one sentence each: a missing column,
 * a column of another type, a different primary key. An extra column in the table is fine (it stays
 * null). Empty when the table fits.
 */
export function tableMismatches(spec: CassandraTableSpec, actual: readonly SchemaColumn[]): string[] {
  const where = `${spec.keyspace}.${spec.table}`;
  if (actual.length === 0) return [`Table ${where} does not exist; create it or choose "Create the table"`];
  const byName = new Map(actual.map((c) => [c.column_name, c]));
  const problems: string[] = [];
  for (const column of spec.columns) {
    const found = byName.get(column.name);
    const wanted = CQL_TYPES[column.type];
    if (!found) problems.push(`column ${column.name} is missing from ${where} (the pipeline writes ${wanted})`);
    else if (found.type !== wanted) problems.push(`column ${column.name} is ${found.type} in ${where}, but the pipeline writes ${wanted}`);
  }
  const keyOf = (kind: string): string[] =>
    actual
      .filter((c) => c.kind === kind)
      .sort((a, b) => a.position - b.position)
      .map((c) => c.column_name);
  const partition = keyOf('partition_key');
  const clustering = keyOf('clustering');
  const same = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
  if (!same(partition, spec.partitionKey) || !same(clustering, spec.clusteringKey ?? [])) {
    const show = (p: readonly string[], c: readonly string[]): string => `((${p.join(', ')})${c.length ? `, ${c.join(', ')}` : ''})`;
    problems.push(
      `the primary key of ${where} is ${show(partition, clustering)}, but the pipeline upserts by ${show(spec.partitionKey, spec.clusteringKey ?? [])}`,
    );
  }
  return problems;
}

/** The key a row is deduplicated by (its whole primary key) or grouped into a batch by (its partition key). */
export function keyOf(row: Readonly<Record<string, unknown>>, columns: readonly string[]): string {
  return JSON.stringify(columns.map((c) => row[c] ?? null));
}

/** Where each pipeline's source offsets live in the keyspace, one partition per pipeline. */
export const OFFSETS_TABLE = 'kafka_workbench_offsets';
export const CREATE_OFFSETS_CQL = `CREATE TABLE IF NOT EXISTS ${OFFSETS_TABLE} (pipeline_id text, topic text, partition int, next_offset bigint, PRIMARY KEY ((pipeline_id), topic, partition))`;
export const READ_OFFSETS_CQL = `SELECT topic, partition, next_offset FROM ${OFFSETS_TABLE} WHERE pipeline_id = ?`;
export const WRITE_OFFSET_CQL = `INSERT INTO ${OFFSETS_TABLE} (pipeline_id, topic, partition, next_offset) VALUES (?, ?, ?, ?)`;
