import type { DatabaseConnection } from '../shared/databases.js';
import { randomUsersPostgresPreset } from '../renderer/pages/pipelines/pipeline-form-model.js';
import { startPostgres } from '../test/postgres-server.js';
import type { Benchmark } from './context.js';
import { benchEngine, data } from './engine.js';
import { ratioFields, type BenchRow } from './harness.js';
import { measureSink, preloadUsers } from './sink-bench.js';

/**
 * The PostgreSQL sink's throughput: `n` random users (randomuser.me's JSON, ~1.2 KB each) preloaded
 * into a 3-partition topic, read by the Random users → PostgreSQL preset (decode, 18 columns,
 * email_domain, one transaction per micro-batch with the offsets) into a fresh table per run, timed
 * from `pipelines:start` to the last record committed, the rows counted with psql after. Peer:
 * `psql \copy` of the same 18 columns from a CSV into a table of the same shape: PostgreSQL's own
 * bulk load, with no Kafka in the way.
 */
export const postgresSinkBench: Benchmark = {
  name: 'postgres-sink',
  summary: 'Random users → PostgreSQL pipeline (rows + offsets in one transaction per batch) vs psql \\copy of the same rows from CSV',
  async run(ctx) {
    const n = ctx.options.smoke ? 3_000 : 200_000;
    const pg = await startPostgres();
    const { engine, connectionId } = await benchEngine(ctx, 'postgres-sink');
    try {
      const [version] = await pg.psql('SHOW server_version');
      ctx.versions.postgres = `PostgreSQL ${version ?? '?'}`;
      const { topic, csv } = await preloadUsers(ctx, 'postgres-sink', n);

      const database = data<DatabaseConnection>(
        await engine.dispatch('databases:save', {
          name: 'bench',
          engine: 'postgres',
          host: pg.host,
          port: pg.port,
          database: pg.database,
          user: pg.user,
          password: pg.password,
        }),
      );
      const preset = randomUsersPostgresPreset({ id: database.id, engine: 'postgres' });
      const ddl = (table: string) =>
        `CREATE TABLE ${table} (gender text, name_title text, name_first text, name_last text, street_number bigint, street_name text, city text, state text, country text, postcode text, email text, uuid text PRIMARY KEY, dob_date timestamptz, age bigint, phone text, cell text, picture_large text, email_domain text)`;
      const rowsIn = async (table: string) => Number((await pg.psql(`SELECT count(*) FROM ${table}`))[0]);
      const { ours, copy, last } = await measureSink(ctx, {
        name: 'postgres-sink',
        engine,
        connectionId,
        preset,
        topic,
        n,
        rowsIn,
        createTable: (table) => pg.psql(ddl(table)),
        bulkLoad: (table) => pg.psql(`\\copy ${table} FROM '${csv}' WITH (FORMAT csv)`),
        dropTable: (table) => pg.psql(`DROP TABLE ${table}`),
        settle: () => pg.psql('CHECKPOINT'),
      });
      const vs = ratioFields(ours, copy);
      const rows: BenchRow[] = [
        {
          benchmark: `PostgreSQL sink, ${n.toLocaleString('en-US')} random users (18 columns, email_domain), 3 partitions`,
          ours: { label: 'Random users → PostgreSQL pipeline (engine)', m: ours },
          peer: { label: 'psql \\copy of the same rows from CSV', m: copy },
          ...vs,
          target: '≥ 0.5× psql \\copy',
          pass: vs.ratio === null ? null : vs.ratio >= 0.5,
          note: `maxRecordsPerBatch 5000, one transaction per batch with the offsets; last run ${last?.batches ?? '?'} micro-batches`,
        },
      ];
      return rows;
    } finally {
      await engine.dispose();
      await pg.stop();
    }
  },
};
