import { describe, expect, it } from 'vitest';
import { createTableCql, keyOf, quoteName, tableMismatches, upsertCql, type CassandraTableSpec, type SchemaColumn } from './cql.js';

const spec: CassandraTableSpec = {
  keyspace: 'kwb',
  table: 'users',
  columns: [
    { name: 'uuid', type: 'string' },
    { name: 'age', type: 'int' },
    { name: 'dob_date', type: 'timestamp' },
    { name: 'email_domain', type: 'string' },
  ],
  partitionKey: ['uuid'],
};

const schema = (rows: [string, string, string, number][]): SchemaColumn[] =>
  rows.map(([column_name, type, kind, position]) => ({ column_name, type, kind, position }));

describe('Cassandra CQL of the sink', () => {
  it('creates the table with quoted names, CQL types and the primary key', () => {
    expect(createTableCql(spec)).toBe(
      'CREATE TABLE IF NOT EXISTS "kwb"."users" ("uuid" text, "age" bigint, "dob_date" timestamp, "email_domain" text, PRIMARY KEY (("uuid")))',
    );
    expect(createTableCql({ ...spec, partitionKey: ['uuid', 'age'], clusteringKey: ['dob_date'] })).toContain(
      'PRIMARY KEY (("uuid", "age"), "dob_date")',
    );
  });

  it('upserts every column with a bind marker', () => {
    expect(upsertCql(spec)).toBe('INSERT INTO "kwb"."users" ("uuid", "age", "dob_date", "email_domain") VALUES (?, ?, ?, ?)');
  });

  it('refuses a primary key column the pipeline does not write, and names that are not identifiers', () => {
    expect(() => createTableCql({ ...spec, partitionKey: ['id'] })).toThrow('The primary key column id is not one of the pipeline');
    expect(() => createTableCql({ ...spec, partitionKey: [] })).toThrow('needs a primary key column');
    expect(() => quoteName('a"; DROP TABLE x; --')).toThrow('is not a valid Cassandra name');
  });

  it('names each mismatch of an existing table: missing column, other type, other primary key', () => {
    const problems = tableMismatches(
      spec,
      schema([
        ['uuid', 'text', 'clustering', 0],
        ['id', 'int', 'partition_key', 0],
        ['age', 'int', 'regular', -1],
        ['dob_date', 'timestamp', 'regular', -1],
        ['extra', 'text', 'regular', -1],
      ]),
    );
    expect(problems).toEqual([
      'column age is int in kwb.users, but the pipeline writes bigint',
      'column email_domain is missing from kwb.users (the pipeline writes text)',
      'the primary key of kwb.users is ((id), uuid), but the pipeline upserts by ((uuid))',
    ]);
  });

  it('accepts a table that fits, extra columns included, and says when the table is missing', () => {
    const fits = schema([
      ['uuid', 'text', 'partition_key', 0],
      ['age', 'bigint', 'regular', -1],
      ['dob_date', 'timestamp', 'regular', -1],
      ['email_domain', 'text', 'regular', -1],
      ['note', 'text', 'regular', -1],
    ]);
    expect(tableMismatches(spec, fits)).toEqual([]);
    expect(tableMismatches(spec, [])).toEqual(['Table kwb.users does not exist; create it or choose "Create the table"']);
  });

  it('keys rows by the values of the key columns, a missing value as null', () => {
    expect(keyOf({ a: 1, b: 'x' }, ['b', 'a'])).toBe('["x",1]');
    expect(keyOf({ a: 1 }, ['a', 'b'])).toBe('[1,null]');
  });
});
