import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import Papa from 'papaparse';
import type { DatabaseConnection } from '../shared/databases.js';
import type { Pipeline, PipelineStatus } from '../shared/pipelines.js';
import { RandomUserGenerator, type RandomUser } from '../electron/engine/producers/sources/random-users.js';
import { formToInput, randomUsersPostgresPreset } from '../renderer/pages/pipelines/pipeline-form-model.js';
import { startPostgres } from '../test/postgres-server.js';
import type { Benchmark } from './context.js';
import { benchEngine, data, timedRun } from './engine.js';
import { measureEach, ratioFields, type BenchRow } from './harness.js';
import { ensureKcat, pipeFileTo } from './peers.js';
import { createTopic } from './topics.js';

/** The users table's 18 columns as the Random users → PostgreSQL preset projects them, in order. */
function columnsOf(u: RandomUser): (string | number)[] {
  return [
    u.gender,
    u.name.title,
    u.name.first,
    u.name.last,
    u.location.street.number,
    u.location.street.name,
    u.location.city,
    u.location.state,
    u.location.country,
    u.location.postcode,
    u.email,
    u.login.uuid,
    u.dob.date,
    u.dob.age,
    u.phone,
    u.cell,
    u.picture.large,
    u.email.split('@')[1] ?? '',
  ];
}

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
    ctx.versions.kcat = ensureKcat();
    const pg = await startPostgres();
    const { engine, connectionId } = await benchEngine(ctx, 'postgres-sink');
    try {
      const [version] = await pg.psql('SHOW server_version');
      ctx.versions.postgres = `PostgreSQL ${version ?? '?'}`;
      const topic = `bench-users-${Date.now()}`;
      await createTopic(ctx.bootstrap, topic, 3);
      const generator = new RandomUserGenerator(42);
      const csv = join(ctx.tmpDir, 'users.csv');
      const before = Date.now();
      const files = [0, 1, 2].map((p) => join(ctx.tmpDir, `users-p${p}.jsonl`));
      const outs = files.map((f) => createWriteStream(f));
      const csvOut = createWriteStream(csv);
      for (let i = 0; i < n; i++) {
        const response = generator.response();
        const user = response.results[0];
        if (!user) throw new Error('no user');
        outs[i % 3]?.write(JSON.stringify(response) + '\n');
        csvOut.write(Papa.unparse([columnsOf(user)], { newline: '\n' }) + '\n');
      }
      for (const out of [...outs, csvOut]) {
        out.end();
        await finished(out);
      }
      for (const [p, file] of files.entries()) {
        await pipeFileTo('kcat', ['-P', '-b', ctx.bootstrap.join(','), '-t', topic, '-p', String(p)], file);
      }
      ctx.log(`postgres-sink: preloaded ${n} users in ${Date.now() - before} ms`);

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
      let seq = 0;
      let last: PipelineStatus | null = null;
      const { ours, copy } = await measureEach(
        ctx.options,
        {
          ours: {
            unit: 'rows/s',
            once: async () => {
              const table = `users_pipeline_${seq++}`;
              const form = {
                ...preset,
                name: table,
                topics: topic,
                groupId: `bench-users-${Date.now()}-${seq}`,
                database: { ...preset.database, table },
              };
              const result = formToInput(form, connectionId);
              if (!('input' in result)) throw new Error(JSON.stringify(result.errors));
              const saved = data<Pipeline>(await engine.dispatch('pipelines:save', result.input));
              const seconds = await timedRun(engine, saved.id, n);
              last = data<PipelineStatus>(await engine.dispatch('pipelines:stop', { id: saved.id }));
              // Not timed: every user is in the table, once.
              const rows = await rowsIn(table);
              if (rows !== n) throw new Error(`${table} holds ${rows} rows, not ${n}`);
              data(await engine.dispatch('pipelines:remove', { id: saved.id }));
              await pg.psql(`DROP TABLE ${table}`);
              return n / seconds;
            },
          },
          copy: {
            unit: 'rows/s',
            once: async () => {
              const table = `users_copy_${seq++}`;
              await pg.psql(ddl(table));
              const started = performance.now();
              await pg.psql(`\\copy ${table} FROM '${csv}' WITH (FORMAT csv)`);
              const seconds = (performance.now() - started) / 1000;
              const rows = await rowsIn(table);
              if (rows !== n) throw new Error(`${table} holds ${rows} rows, not ${n}`);
              await pg.psql(`DROP TABLE ${table}`);
              return n / seconds;
            },
          },
        },
        (line) => ctx.log(`postgres-sink: ${line}`),
      );
      const final = last as PipelineStatus | null;
      const vs = ratioFields(ours, copy);
      const rows: BenchRow[] = [
        {
          benchmark: `PostgreSQL sink, ${n.toLocaleString('en-US')} random users (18 columns, email_domain), 3 partitions`,
          ours: { label: 'Random users → PostgreSQL pipeline (engine)', m: ours },
          peer: { label: 'psql \\copy of the same rows from CSV', m: copy },
          ...vs,
          target: '≥ 0.5× psql \\copy',
          pass: vs.ratio === null ? null : vs.ratio >= 0.5,
          note: `maxRecordsPerBatch 5000, one transaction per batch with the offsets; last run ${final?.batches ?? '?'} micro-batches`,
        },
      ];
      return rows;
    } finally {
      await engine.dispose();
      await pg.stop();
    }
  },
};
