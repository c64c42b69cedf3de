import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Connection } from '../../shared/connection.js';
import type { DatabaseConnection, DatabaseTestResult } from '../../shared/databases.js';
import type { Pipeline, PipelineStatus } from '../../shared/pipelines.js';
import type { Engine } from '../../electron/engine/engine.js';
import { randomUsersCassandraPreset } from '../../renderer/pages/pipelines/pipeline-form-model.js';
import { data, tempDir, testEngine, uniqueName } from '../helpers.js';
import { runCqlIndependently, startCassandraServer, type CassandraServer } from '../cassandra-server.js';
import { createTopic, eventually, saveDatabasePreset, pipelineWorker, produceRandomUsers } from './pipelines-helpers.js';

// The Cassandra sink in running pipelines, against a real Apache Cassandra 5.0 node
// (test/cassandra-server.ts) and a real broker; what reached the table is read by DataStax's Python
// driver (test/cassandra/cql.py), an independent client, never through the app.
const bootstrap = inject('kafkaBootstrap');
const KEYSPACE = 'kwb_pipelines';
const USER = { username: 'kwb_sink', password: 'sink-secret' };
let server: CassandraServer;
const dir = tempDir('pipelines-cassandra');
let engine: Engine;
let kafkaId: string;
let databaseId: string;

beforeAll(async () => {
  server = await startCassandraServer({ ports: [46_000, 47_000], startTimeoutMs: 170_000 });
  await runCqlIndependently(server, {
    statements: [
      `CREATE KEYSPACE ${KEYSPACE} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
      `CREATE ROLE ${USER.username} WITH PASSWORD = '${USER.password}' AND LOGIN = true`,
      `GRANT ALL PERMISSIONS ON KEYSPACE ${KEYSPACE} TO ${USER.username}`,
    ],
  });
  engine = testEngine(dir.path);
  kafkaId = data<Connection>(await engine.dispatch('connections:save', { name: 'suite', bootstrapServers: bootstrap.split(',') })).id;
  databaseId = data<DatabaseConnection>(await engine.dispatch('databases:save', { ...connection(), password: USER.password })).id;
}, 180_000);

afterAll(async () => {
  await engine?.dispose();
  await server?.stop();
  dir.remove();
});

function connection() {
  return {
    name: 'test cassandra',
    engine: 'cassandra' as const,
    host: server.host,
    port: server.port,
    database: KEYSPACE,
    user: USER.username,
    localDataCenter: server.localDataCenter,
  };
}

/** The preset as the pipeline form saves it, on this test's topic, group and table. */
function savePreset(topic: string, table: string, maxRecordsPerBatch = 100, triggerInterval?: string): Promise<Pipeline> {
  const preset = randomUsersCassandraPreset({ id: databaseId, engine: 'cassandra' });
  return saveDatabasePreset(
    engine,
    kafkaId,
    preset,
    { pipeline: 'Random users → Cassandra', group: 'users-cassandra' },
    { topic, table, maxRecordsPerBatch, triggerInterval },
  );
}

const users = (table: string) => runCqlIndependently(server, { query: `SELECT uuid, email, email_domain FROM ${KEYSPACE}.${table}` });

/** Rows of `table`, polled through the Python driver until `wanted` (or the time is up). */
async function rowsReach(table: string, wanted: number, timeoutMs = 90_000): Promise<number> {
  let last = 0;
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    last = await users(table).then(
      (rows) => rows.length,
      () => last,
    );
    if (last >= wanted) return last;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${table} has ${last} rows, not ${wanted}`);
}

async function offsetsSum(pipelineId: string): Promise<number> {
  const rows = await runCqlIndependently(server, {
    query: `SELECT next_offset FROM ${KEYSPACE}.kafka_workbench_offsets WHERE pipeline_id = '${pipelineId}'`,
  });
  return rows.reduce((sum, row) => sum + Number(row.next_offset), 0);
}

/** Every produced user once (Cassandra keeps one row per primary key, so: the uuids, sorted) with email_domain right. */
async function expectEveryUserOnce(table: string, uuids: readonly string[]): Promise<void> {
  const stored = await users(table);
  expect(stored.map((row) => row.uuid).sort()).toEqual([...uuids].sort());
  const wrong = stored.filter((row) => row.email_domain !== String(row.email).split('@')[1] || row.email_domain === '');
  expect(wrong).toEqual([]);
}

const status = (id: string) => engine.dispatch('pipelines:status', { id }).then((e) => data<PipelineStatus>(e));

describe('the Cassandra sink', () => {
  it('Random users → Cassandra: every produced user is in the table once, with its email domain', { timeout: 180_000 }, async () => {
    const topic = uniqueName('random-user');
    const table = `users_${Math.random().toString(36).slice(2, 8)}`;
    await createTopic(bootstrap, topic, 3);
    const uuids = await produceRandomUsers(bootstrap, topic, 1000, 7);
    const pipeline = await savePreset(topic, table);
    expect(data<PipelineStatus>(await engine.dispatch('pipelines:start', { id: pipeline.id })).state).toBe('running');
    await rowsReach(table, uuids.length);
    await eventually(
      () => offsetsSum(pipeline.id),
      (sum) => sum === uuids.length,
      'the offsets to reach the last record',
    );
    const columns = await runCqlIndependently(server, {
      query: `SELECT column_name, type FROM system_schema.columns WHERE keyspace_name = '${KEYSPACE}' AND table_name = '${table}'`,
    });
    const types = new Map(columns.map((c) => [c.column_name, c.type]));
    expect(types.size).toBe(18);
    expect(types.get('dob_date')).toBe('timestamp');
    expect(types.get('age')).toBe('bigint');
    expect(types.get('email_domain')).toBe('text');
    await expectEveryUserOnce(table, uuids);
    data(await engine.dispatch('pipelines:stop', { id: pipeline.id }));
  });

  it('survives kill -9 of its worker mid-run: after a restart every user is there once', { timeout: 300_000 }, async () => {
    const topic = uniqueName('random-user-kill');
    const table = `users_kill_${Math.random().toString(36).slice(2, 8)}`;
    await createTopic(bootstrap, topic, 3);
    const uuids = await produceRandomUsers(bootstrap, topic, 3000, 11);
    // Paced at 50 records per 100 ms, so the backlog takes seconds and the kill lands mid-run: back to
    // back, the PostgreSQL twin of this test wrote its whole backlog between two polls once (CI).
    const pipeline = await savePreset(topic, table, 50, '100ms');
    const first = pipelineWorker(dir.path, pipeline.name);
    await rowsReach(table, 300).catch((error: unknown) => {
      first.child.kill('SIGKILL');
      throw new Error(`${String(error)}; the worker said: ${first.output().slice(-1000)}`);
    });
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    const atKill = (await users(table)).length;
    expect(atKill).toBeLessThan(uuids.length);
    // The offsets go in after the rows: they never run ahead of what the table holds.
    expect(await offsetsSum(pipeline.id)).toBeLessThanOrEqual(atKill);
    const second = pipelineWorker(dir.path, pipeline.name);
    try {
      await rowsReach(table, uuids.length, 200_000);
      await expectEveryUserOnce(table, uuids);
      await eventually(
        () => offsetsSum(pipeline.id),
        (sum) => sum === uuids.length,
        'the offsets to reach the last record',
      );
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });

  it(
    'shows the error while Cassandra is down, keeps its offsets, and resumes when it is back: nothing lost',
    { timeout: 300_000 },
    async () => {
      const topic = uniqueName('random-user-outage');
      const table = `users_outage_${Math.random().toString(36).slice(2, 8)}`;
      await createTopic(bootstrap, topic, 3);
      const uuids = await produceRandomUsers(bootstrap, topic, 600, 13);
      const pipeline = await savePreset(topic, table, 50);
      data(await engine.dispatch('pipelines:start', { id: pipeline.id }));
      await rowsReach(table, 600);
      await server.kill();
      const more = await produceRandomUsers(bootstrap, topic, 900, 17);
      const down = await eventually(
        () => status(pipeline.id),
        (s) => s.error?.includes(`Cassandra at ${server.contactPoint}`) === true,
        'the status to name the server',
      );
      expect(down.state).toBe('running');
      expect(down.error).toMatch(/cannot be reached|did not answer in time|could not take the write/);
      await server.restart();
      await rowsReach(table, uuids.length + more.length, 150_000);
      await expectEveryUserOnce(table, [...uuids, ...more]);
      await eventually(
        () => status(pipeline.id),
        (s) => s.error === null,
        'the error to clear',
      );
      data(await engine.dispatch('pipelines:stop', { id: pipeline.id }));
    },
  );

  it(
    'says in words what is wrong: wrong password, unreachable host, missing keyspace, a column of the wrong type',
    { timeout: 120_000 },
    async () => {
      const test = async (fields: object) =>
        data<DatabaseTestResult>(await engine.dispatch('databases:test', { connection: { ...connection(), ...fields } }));
      expect(await test({ password: USER.password })).toMatchObject({ ok: true, serverVersion: 'Apache Cassandra 5.0.9' });
      expect((await test({ password: 'not-the-password' })).error).toBe(
        `Cassandra at ${server.contactPoint} refused user "${USER.username}": wrong user name or password`,
      );
      expect((await test({ database: 'no_such_keyspace', password: USER.password })).error).toBe(
        `Keyspace no_such_keyspace does not exist in Cassandra at ${server.contactPoint}`,
      );
      expect((await test({ port: 1, password: USER.password })).error).toBe(
        'Cassandra at 127.0.0.1:1 cannot be reached (connection refused)',
      );

      const topic = uniqueName('random-user-mismatch');
      await createTopic(bootstrap, topic, 1);
      const table = `users_wrong_${Math.random().toString(36).slice(2, 8)}`;
      await runCqlIndependently(server, {
        statements: [`CREATE TABLE ${KEYSPACE}.${table} (uuid text PRIMARY KEY, age text, email text)`],
      });
      const pipeline = await savePreset(topic, table);
      const started = await engine.dispatch('pipelines:start', { id: pipeline.id });
      expect(started.ok).toBe(false);
      const message = started.ok ? '' : started.error.message;
      expect(message).toContain(`Table ${KEYSPACE}.${table} does not fit the pipeline`);
      expect(message).toContain(`column age is text in ${KEYSPACE}.${table}, but the pipeline writes bigint`);
      expect(message).toContain(`column email_domain is missing from ${KEYSPACE}.${table} (the pipeline writes text)`);
      expect((await status(pipeline.id)).state).toBe('failed');
    },
  );
});
