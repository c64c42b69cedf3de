import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Connection } from '../../shared/connection.js';
import type { DatabaseConnection, DatabaseTestResult } from '../../shared/databases.js';
import type { Pipeline, PipelineStatus } from '../../shared/pipelines.js';
import type { Engine } from '../../electron/engine/engine.js';
import { randomUsersPostgresPreset } from '../../renderer/pages/pipelines/pipeline-form-model.js';
import { data, tempDir, testEngine, uniqueName } from '../helpers.js';
import { startPostgres, type PostgresServer } from '../postgres-server.js';
import { createTopic, eventually, saveDatabasePreset, inputProducer, pipelineWorker, produceRandomUsers } from './pipelines-helpers.js';

// The PostgreSQL sink against a real PostgreSQL server (Debian's package, started on loopback by
// test/postgres-server.ts) and a real broker; what reached the table is read with psql, an
// independent client, never through the app.
const bootstrap = inject('kafkaBootstrap');
let pg: PostgresServer;
const dir = tempDir('pipelines-postgres');
let engine: Engine;
let kafkaId: string;
let databaseId: string;

beforeAll(async () => {
  pg = await startPostgres();
  engine = testEngine(dir.path);
  kafkaId = data<Connection>(await engine.dispatch('connections:save', { name: 'suite', bootstrapServers: bootstrap.split(',') })).id;
  databaseId = data<DatabaseConnection>(
    await engine.dispatch('databases:save', {
      name: 'test postgres',
      engine: 'postgres',
      host: pg.host,
      port: pg.port,
      database: pg.database,
      user: pg.user,
      password: pg.password,
    }),
  ).id;
}, 120_000);

afterAll(async () => {
  await engine?.dispose();
  await pg?.stop();
  dir.remove();
});

/** The preset as the pipeline form saves it, on this test's topic, group and table. */
function savePreset(topic: string, table: string, maxRecordsPerBatch = 100, triggerInterval?: string): Promise<Pipeline> {
  const preset = randomUsersPostgresPreset({ id: databaseId, engine: 'postgres' });
  return saveDatabasePreset(
    engine,
    kafkaId,
    preset,
    { pipeline: 'Random users → PostgreSQL', group: 'users-pg' },
    { topic, table, maxRecordsPerBatch, triggerInterval },
  );
}

async function count(table: string): Promise<{ rows: number; distinct: number }> {
  const [line] = await pg.psql(`SELECT count(*), count(DISTINCT uuid) FROM ${table}`);
  const [rows, distinct] = (line ?? '0|0').split('|').map(Number);
  return { rows: rows ?? 0, distinct: distinct ?? 0 };
}

/** Rows of `table` in PostgreSQL, polled with psql until `wanted` (or the time is up). */
async function rowsReach(table: string, wanted: number, timeoutMs = 90_000): Promise<void> {
  let last = { rows: 0, distinct: 0 };
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    last = await count(table).catch(() => last);
    if (last.rows >= wanted) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${table} has ${last.rows} rows, not ${wanted}`);
}

async function offsetsSum(pipelineId: string): Promise<number> {
  const [sum] = await pg.psql(`SELECT coalesce(sum(next_offset), 0) FROM kafka_workbench_offsets WHERE pipeline_id = '${pipelineId}'`);
  return Number(sum);
}

async function expectEveryUserOnce(table: string, uuids: readonly string[]): Promise<void> {
  expect(await count(table)).toEqual({ rows: uuids.length, distinct: uuids.length });
  const stored = await pg.psql(`SELECT uuid FROM ${table} ORDER BY uuid`);
  expect(stored).toEqual([...uuids].sort());
  // email_domain is the part of the email after the @, in every row.
  expect(
    await pg.psql(`SELECT count(*) FROM ${table} WHERE email_domain IS DISTINCT FROM split_part(email, '@', 2) OR email_domain = ''`),
  ).toEqual(['0']);
}

describe('the PostgreSQL sink', () => {
  it('Random users → PostgreSQL: every produced user is in the table once, with its email domain', { timeout: 180_000 }, async () => {
    const topic = uniqueName('random-user');
    const table = `users_${Math.random().toString(36).slice(2, 8)}`;
    await createTopic(bootstrap, topic, 3);
    const uuids = await produceRandomUsers(bootstrap, topic, 1000, 7);
    const pipeline = await savePreset(topic, table);
    expect(data<PipelineStatus>(await engine.dispatch('pipelines:start', { id: pipeline.id })).state).toBe('running');
    await rowsReach(table, uuids.length);
    expect(await offsetsSum(pipeline.id)).toBe(uuids.length);
    // The 18 projected columns of the users table, typed from the projection.
    const columns = await pg.psql(
      `SELECT column_name || ' ' || data_type FROM information_schema.columns WHERE table_name = '${table}' ORDER BY ordinal_position`,
    );
    expect(columns).toContain('dob_date timestamp with time zone');
    expect(columns).toContain('age bigint');
    expect(columns).toContain('email_domain text');
    await expectEveryUserOnce(table, uuids);
    data(await engine.dispatch('pipelines:stop', { id: pipeline.id }));
  });

  it('survives kill -9 of its worker mid-run: after a restart every user is there once', { timeout: 240_000 }, async () => {
    const topic = uniqueName('random-user-kill');
    const table = `users_kill_${Math.random().toString(36).slice(2, 8)}`;
    await createTopic(bootstrap, topic, 3);
    const uuids = await produceRandomUsers(bootstrap, topic, 4000, 11);
    // Paced at 50 records per 100 ms, so the backlog takes seconds and the kill lands mid-run: back to
    // back, COPY wrote all of it between two polls of the row count once (CI).
    const pipeline = await savePreset(topic, table, 50, '100ms');
    const first = pipelineWorker(dir.path, pipeline.name);
    await rowsReach(table, 400).catch((error: unknown) => {
      first.child.kill('SIGKILL');
      throw new Error(`${String(error)}; the worker said: ${first.output().slice(-1000)}`);
    });
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    const atKill = (await count(table)).rows;
    expect(atKill).toBeLessThan(uuids.length);
    // What PostgreSQL holds is what its offsets say was read: the rows and the offsets went in one transaction.
    expect(await offsetsSum(pipeline.id)).toBe(atKill);
    const second = pipelineWorker(dir.path, pipeline.name);
    try {
      await rowsReach(table, uuids.length, 150_000);
      await expectEveryUserOnce(table, uuids);
      expect(await offsetsSum(pipeline.id)).toBe(uuids.length);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });

  it(
    'shows the error while PostgreSQL is down, keeps its offsets, and resumes when it is back: nothing lost',
    { timeout: 240_000 },
    async () => {
      const topic = uniqueName('random-user-outage');
      const table = `users_outage_${Math.random().toString(36).slice(2, 8)}`;
      await createTopic(bootstrap, topic, 3);
      const uuids = await produceRandomUsers(bootstrap, topic, 600, 13);
      const pipeline = await savePreset(topic, table, 50);
      data(await engine.dispatch('pipelines:start', { id: pipeline.id }));
      await rowsReach(table, 600);
      await pg.kill();
      const more = await produceRandomUsers(bootstrap, topic, 900, 17);
      const status = () => engine.dispatch('pipelines:status', { id: pipeline.id }).then((e) => data<PipelineStatus>(e));
      const down = await eventually(
        status,
        (s) => s.error?.includes(`PostgreSQL at ${pg.host}:${pg.port}`) === true,
        'the status to name the server',
      );
      expect(down.state).toBe('running');
      expect(down.error).toMatch(/cannot be reached|shutting down|closed the connection/);
      await pg.restart();
      await rowsReach(table, uuids.length + more.length, 120_000);
      await expectEveryUserOnce(table, [...uuids, ...more]);
      await eventually(status, (s) => s.error === null, 'the error to clear');
      data(await engine.dispatch('pipelines:stop', { id: pipeline.id }));
    },
  );

  it(
    'upserts windowed results in update mode by (window, group): one row per window and sensor, the final count',
    { timeout: 120_000 },
    async () => {
      const topic = uniqueName('sensor-windows-pg');
      const table = `windows_${Math.random().toString(36).slice(2, 8)}`;
      await createTopic(bootstrap, topic, 1);
      const base = Date.UTC(2024, 4, 1, 12, 0, 0);
      // 90 readings of 3 sensors, one every 2 s: 3 one-minute windows, 10 per sensor each; small batches update each window several times.
      const producer = inputProducer(bootstrap);
      await producer.send(
        Array.from({ length: 90 }, (_, i) => ({
          topic,
          key: `s${i % 3}`,
          value: JSON.stringify({ sensor: `s${i % 3}`, ts: new Date(base + i * 2000).toISOString() }),
        })),
      );
      await producer.close();
      const pipeline = data<Pipeline>(
        await engine.dispatch('pipelines:save', {
          name: uniqueName('windows to postgres'),
          connectionId: kafkaId,
          topics: [topic],
          groupId: uniqueName('windows-pg'),
          maxRecordsPerBatch: 7,
          projection: [
            { column: 'ts', path: 'ts', type: 'timestamp', timestampFormat: 'iso' },
            { column: 'sensor', path: 'sensor', type: 'string' },
          ],
          aggregation: { groupBy: ['sensor'], window: { column: 'ts', durationMs: 60_000 }, aggregates: [{ fn: 'count', as: 'n' }] },
          outputMode: 'update',
          sinks: [{ kind: 'database', engine: 'postgres', databaseConnectionId: databaseId, table }],
        }),
      );
      data(await engine.dispatch('pipelines:start', { id: pipeline.id }));
      const sum = async () => Number((await pg.psql(`SELECT coalesce(sum(n), 0) FROM ${table}`).catch(() => ['0']))[0]);
      await eventually(sum, (n) => n >= 90, 'all 90 readings counted in PostgreSQL');
      const rows = await pg.psql(
        `SELECT sensor, (extract(epoch FROM window_start) * 1000)::bigint - ${base}, n FROM ${table} ORDER BY 2, 1`,
      );
      expect(rows).toEqual([0, 60_000, 120_000].flatMap((w) => ['s0', 's1', 's2'].map((s) => `${s}|${w}|10`)));
      const key = await pg.psql(
        `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) WHERE i.indrelid = '${table}'::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`,
      );
      expect(key).toEqual(['window_start', 'window_end', 'sensor']);
      data(await engine.dispatch('pipelines:stop', { id: pipeline.id }));
    },
  );

  it(
    'says in words what is wrong: wrong password, unreachable host, missing database, a column of the wrong type',
    { timeout: 120_000 },
    async () => {
      const base = { name: 'probe', engine: 'postgres' as const, host: pg.host, port: pg.port, database: pg.database, user: pg.user };
      const test = async (connection: object) => data<DatabaseTestResult>(await engine.dispatch('databases:test', { connection }));
      expect(await test({ ...base, password: pg.password })).toMatchObject({
        ok: true,
        serverVersion: expect.stringContaining('PostgreSQL') as unknown,
      });
      expect((await test({ ...base, password: 'not-the-password' })).error).toBe(
        `PostgreSQL at ${pg.host}:${pg.port} refused the password of user ${pg.user} (wrong password)`,
      );
      expect((await test({ ...base, database: 'no_such_db', password: pg.password })).error).toBe(
        `Database no_such_db does not exist on PostgreSQL at ${pg.host}:${pg.port}`,
      );
      // A loopback port where nothing listens (the server's own port + 1 is in the test range and free of it).
      const closed = await closedPort();
      expect((await test({ ...base, port: closed, password: pg.password })).error).toMatch(
        new RegExp(`^PostgreSQL at 127\\.0\\.0\\.1:${closed} cannot be reached: the connection was refused`),
      );

      const topic = uniqueName('random-user-mismatch');
      await createTopic(bootstrap, topic, 1);
      const table = `users_wrong_${Math.random().toString(36).slice(2, 8)}`;
      await pg.psql(`CREATE TABLE ${table} (uuid text PRIMARY KEY, age text, email text)`);
      const pipeline = await savePreset(topic, table);
      const started = await engine.dispatch('pipelines:start', { id: pipeline.id });
      expect(started.ok).toBe(false);
      const message = started.ok ? '' : started.error.message;
      expect(message).toContain(`Table ${table} does not match the pipeline`);
      expect(message).toContain('column age is text, the projection needs bigint');
      expect(message).toContain('columns are missing: gender text, name_title text');
      expect(data<PipelineStatus>(await engine.dispatch('pipelines:status', { id: pipeline.id })).state).toBe('failed');
    },
  );
});

async function closedPort(): Promise<number> {
  const { findFreePortBlock } = await import('../../electron/engine/cluster/ports.js');
  return findFreePortBlock(1, 45_900, 45_999);
}
