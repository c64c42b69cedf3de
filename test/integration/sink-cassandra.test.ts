// The Cassandra sink's writer against a real Apache Cassandra 5.0 node (test/cassandra-server.ts),
// every row read back by an independent client (DataStax's Python driver, test/cassandra/cql.py).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Row } from '../../electron/engine/pipelines/row.js';
import type { CassandraColumn } from '../../electron/engine/sinks/cassandra/cql.js';
import {
  CassandraWriter,
  testCassandraConnection,
  type CassandraConnectionConfig,
} from '../../electron/engine/sinks/cassandra/cassandra-writer.js';
import { runCqlIndependently, startCassandraServer, type CassandraServer } from '../cassandra-server.js';

let server: CassandraServer;
const KEYSPACE = 'kwb';
const WRITER = { username: 'kwb_writer', password: 'writer-secret' };
const READER = { username: 'kwb_reader', password: 'reader-secret' };

/** The Random users preset's projection (renderer/pages/pipelines/pipeline-form-model.ts), `uuid` the primary key. */
const USER_COLUMNS: CassandraColumn[] = [
  ...['gender', 'name_title', 'name_first', 'name_last'].map((name) => ({ name, type: 'string' as const })),
  { name: 'street_number', type: 'int' },
  ...['street_name', 'city', 'state', 'country', 'postcode', 'email', 'uuid'].map((name) => ({ name, type: 'string' as const })),
  { name: 'dob_date', type: 'timestamp' },
  { name: 'age', type: 'int' },
  ...['phone', 'cell', 'picture_large', 'email_domain'].map((name) => ({ name, type: 'string' as const })),
];

const DOMAINS = ['example.com', 'mail.test', 'users.example.org'];

function user(i: number, version = 0): Row {
  const domain = DOMAINS[i % DOMAINS.length] ?? 'example.com';
  return {
    gender: i % 2 ? 'female' : 'male',
    name_title: 'Ms',
    name_first: `First${i}`,
    name_last: `Last${i}v${version}`,
    street_number: 1000 + i,
    street_name: 'Main Street',
    city: 'Lyon',
    state: 'Rhône',
    country: 'France',
    postcode: String(69000 + (i % 100)),
    email: `user${i}@${domain}`,
    uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    dob_date: Date.UTC(1980, 0, 1) + i * 86_400_000,
    age: 20 + (i % 60) + version,
    phone: `+33 1 ${i}`,
    cell: `+33 6 ${i}`,
    picture_large: `https://example.com/p/${i}.jpg`,
    email_domain: domain,
  };
}

const config = (overrides: Partial<CassandraConnectionConfig> = {}): CassandraConnectionConfig => ({
  contactPoints: [server.contactPoint],
  localDataCenter: server.localDataCenter,
  keyspace: KEYSPACE,
  ...WRITER,
  ...overrides,
});

const readUsers = async (table: string): Promise<Record<string, unknown>[]> =>
  runCqlIndependently(server, { query: `SELECT * FROM ${KEYSPACE}.${table}` });

beforeAll(async () => {
  server = await startCassandraServer({ ports: [46_000, 47_000], startTimeoutMs: 170_000 });
  await runCqlIndependently(server, {
    statements: [
      `CREATE KEYSPACE ${KEYSPACE} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
      `CREATE ROLE ${WRITER.username} WITH PASSWORD = '${WRITER.password}' AND LOGIN = true`,
      `GRANT CREATE ON KEYSPACE ${KEYSPACE} TO ${WRITER.username}`,
      `GRANT MODIFY ON KEYSPACE ${KEYSPACE} TO ${WRITER.username}`,
      `GRANT SELECT ON KEYSPACE ${KEYSPACE} TO ${WRITER.username}`,
      `CREATE ROLE ${READER.username} WITH PASSWORD = '${READER.password}' AND LOGIN = true`,
      `GRANT SELECT ON KEYSPACE ${KEYSPACE} TO ${READER.username}`,
    ],
  });
});

afterAll(async () => {
  await server?.stop();
});

describe('Cassandra sink writer', () => {
  it('creates the users table from the projection and upserts every row once, email_domain included', async () => {
    const writer = await CassandraWriter.open(config(), { table: 'users_once', columns: USER_COLUMNS, partitionKey: ['uuid'] }, 'create');
    try {
      const rows = Array.from({ length: 3000 }, (_, i) => user(i));
      let written = 0;
      for (let i = 0; i < rows.length; i += 500) written += (await writer.write(rows.slice(i, i + 500))).rows;
      expect(written).toBe(3000);
      // A replay of the same rows (a restart before the offsets were committed) rewrites the same keys.
      await writer.write(rows.slice(0, 1000));
    } finally {
      await writer.close();
    }
    const stored = await readUsers('users_once');
    expect(stored).toHaveLength(3000);
    const byUuid = new Map(stored.map((row) => [row.uuid, row]));
    expect(byUuid.size).toBe(3000);
    for (let i = 0; i < 3000; i++) {
      const expected = user(i);
      const row = byUuid.get(expected.uuid);
      expect(row?.email_domain).toBe(String(expected.email).split('@')[1]);
      expect(row).toEqual(expected);
    }
  });

  it('keeps the latest values of a key written twice in one batch and across batches', async () => {
    const writer = await CassandraWriter.open(
      config(),
      { table: 'users_latest', columns: USER_COLUMNS, partitionKey: ['uuid'] },
      'create',
      { maxBatchRows: 10 },
    );
    try {
      // Same key thrice in one call: the later row wins even where its value is smaller (age 21 after 22).
      const first = await writer.write([user(1, 1), user(2), user(1, 0), user(3)]);
      expect(first).toEqual({ rows: 3, batches: 3 });
      await writer.write([user(3, 2)]);
    } finally {
      await writer.close();
    }
    const stored = new Map((await readUsers('users_latest')).map((row) => [row.uuid, row]));
    expect(stored.size).toBe(3);
    expect(stored.get(user(1).uuid)).toEqual(user(1, 0));
    expect(stored.get(user(3).uuid)).toEqual(user(3, 2));
  });

  it('writes a partition of many rows in unlogged batches, upserting by (window, group)', async () => {
    const columns: CassandraColumn[] = [
      { name: 'sensor_id', type: 'string' },
      { name: 'window_start', type: 'timestamp' },
      { name: 'avg_temperature', type: 'double' },
      { name: 'num_readings', type: 'int' },
    ];
    const writer = await CassandraWriter.open(
      config(),
      { table: 'sensor_windows', columns, partitionKey: ['sensor_id'], clusteringKey: ['window_start'] },
      'create',
      { maxBatchRows: 25 },
    );
    const row = (sensor: number, w: number, n: number): Row => ({
      sensor_id: `s${sensor}`,
      window_start: w * 300_000,
      avg_temperature: 20 + w / 10,
      num_readings: n,
    });
    try {
      const update1 = Array.from({ length: 4 * 60 }, (_, i) => row(i % 4, Math.floor(i / 4), 1));
      expect(await writer.write(update1)).toEqual({ rows: 240, batches: 4 * 3 });
      // Update mode: the same windows again with new counts replace the earlier results.
      await writer.write(update1.map((r) => ({ ...r, num_readings: 7 })));
    } finally {
      await writer.close();
    }
    const stored = await runCqlIndependently(server, {
      query: `SELECT sensor_id, window_start, num_readings FROM ${KEYSPACE}.sensor_windows`,
    });
    expect(stored).toHaveLength(240);
    expect(new Set(stored.map((r) => r.num_readings))).toEqual(new Set([7]));
  });

  it('names every mismatch of an existing table before writing anything', async () => {
    await runCqlIndependently(server, {
      statements: [`CREATE TABLE ${KEYSPACE}.users_old (uuid text PRIMARY KEY, age int, email text, dob_date text)`],
    });
    const opening = CassandraWriter.open(config(), { table: 'users_old', columns: USER_COLUMNS, partitionKey: ['uuid'] }, 'check');
    await expect(opening).rejects.toThrow(
      /Table kwb\.users_old does not fit the pipeline: column gender is missing from kwb\.users_old \(the pipeline writes text\);.* column dob_date is text in kwb\.users_old, but the pipeline writes timestamp; column age is int in kwb\.users_old, but the pipeline writes bigint;.*email_domain is missing/,
    );
    await expect(
      CassandraWriter.open(config(), { table: 'users_absent', columns: USER_COLUMNS, partitionKey: ['uuid'] }, 'check'),
    ).rejects.toThrow('Table kwb.users_absent does not exist; create it or choose "Create the table"');
  });

  it('says in plain words what is wrong with a connection', async () => {
    await expect(testCassandraConnection(config())).resolves.toEqual({ releaseVersion: '5.0.9', dataCenter: 'datacenter1' });
    await expect(testCassandraConnection(config({ password: 'wrong' }))).rejects.toMatchObject({
      code: 'AUTH_FAILED',
      message: `Cassandra at ${server.contactPoint} refused user "kwb_writer": wrong user name or password`,
    });
    await expect(testCassandraConnection(config({ keyspace: 'no_such_keyspace' }))).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: `Keyspace no_such_keyspace does not exist in Cassandra at ${server.contactPoint}`,
    });
    await expect(testCassandraConnection(config({ contactPoints: ['127.0.0.1:1'] }))).rejects.toMatchObject({
      code: 'STORAGE_UNREACHABLE',
      message: 'Cassandra at 127.0.0.1:1 cannot be reached (connection refused)',
      transient: true,
    });
    await expect(testCassandraConnection(config({ localDataCenter: 'dc9' }))).rejects.toMatchObject({
      code: 'VALIDATION',
      message: `The local data centre is wrong: Cassandra at ${server.contactPoint} has datacenter1`,
    });
  });

  it('says permission denied when the user may read but not create or write', async () => {
    const denied = CassandraWriter.open(config(READER), { table: 'users_denied', columns: USER_COLUMNS, partitionKey: ['uuid'] }, 'create');
    await expect(denied).rejects.toThrow(/^Permission denied: user "kwb_reader" may not do this in kwb/);
    await expect(denied).rejects.toMatchObject({ code: 'AUTH_FAILED', transient: false });
    const writer = await CassandraWriter.open(config(), { table: 'users_denied', columns: USER_COLUMNS, partitionKey: ['uuid'] }, 'create');
    await writer.close();
    const reader = await CassandraWriter.open(
      config(READER),
      { table: 'users_denied', columns: USER_COLUMNS, partitionKey: ['uuid'] },
      'check',
    );
    try {
      await expect(reader.write([user(1)])).rejects.toMatchObject({ code: 'AUTH_FAILED', transient: false });
    } finally {
      await reader.close();
    }
  });

  it('fails a write with a transient error while the server is down and writes again once it is back', async () => {
    const writer = await CassandraWriter.open(config(), { table: 'users_outage', columns: USER_COLUMNS, partitionKey: ['uuid'] }, 'create');
    try {
      await writer.write(Array.from({ length: 100 }, (_, i) => user(i)));
      await server.kill();
      await expect(writer.write(Array.from({ length: 100 }, (_, i) => user(100 + i)))).rejects.toMatchObject({
        code: 'STORAGE_UNREACHABLE',
        transient: true,
      });
      await server.restart();
      // The same batch again, as a pipeline that kept its offsets replays it.
      let retried = false;
      for (let attempt = 0; attempt < 60 && !retried; attempt++) {
        retried = await writer.write(Array.from({ length: 100 }, (_, i) => user(100 + i))).then(
          () => true,
          async () => (await new Promise((r) => setTimeout(r, 1000)), false),
        );
      }
      expect(retried).toBe(true);
    } finally {
      await writer.close();
    }
    const stored = await readUsers('users_outage');
    expect(stored).toHaveLength(200);
  });
});
