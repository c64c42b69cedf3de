// What the database-sink rows (postgres-sink, cassandra-sink) share: the same random users preloaded
// into a topic and written to a CSV, and one timed run of a Random users → database preset.
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import Papa from 'papaparse';
import type { Pipeline, PipelineStatus } from '../shared/pipelines.js';
import type { Engine } from '../electron/engine/engine.js';
import { RandomUserGenerator, type RandomUser } from '../electron/engine/producers/sources/random-users.js';
import { formToInput, type PipelineForm } from '../renderer/pages/pipelines/pipeline-form-model.js';
import type { BenchContext } from './context.js';
import { data, timedRun } from './engine.js';
import { measureEach, type Measurement } from './harness.js';
import { ensureKcat, pipeFileTo } from './peers.js';
import { createTopic } from './topics.js';

/** The users table's 18 columns as the Random users → database presets project them, in order. */
export const USER_COLUMNS = [
  'gender',
  'name_title',
  'name_first',
  'name_last',
  'street_number',
  'street_name',
  'city',
  'state',
  'country',
  'postcode',
  'email',
  'uuid',
  'dob_date',
  'age',
  'phone',
  'cell',
  'picture_large',
  'email_domain',
] as const;

/** One user's values for USER_COLUMNS. */
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
 * `n` random users (randomuser.me's JSON, ~1.2 KB each, seed 42) produced with kcat into a fresh
 * 3-partition topic, and the same users' USER_COLUMNS written to `<tmpDir>/users.csv` (no header).
 */
export async function preloadUsers(ctx: BenchContext, name: string, n: number): Promise<{ topic: string; csv: string }> {
  ctx.versions.kcat = ensureKcat();
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
  ctx.log(`${name}: preloaded ${n} users in ${Date.now() - before} ms`);
  return { topic, csv };
}

/** One database-sink row's two sides on the same users: the pipeline into the database, and the database's own bulk load. */
export interface SinkSides {
  name: string;
  engine: Engine;
  connectionId: string;
  /** The Random users → database preset, its database connection set. */
  preset: PipelineForm;
  topic: string;
  n: number;
  /** Rows in a table (untimed: every user in it once). */
  rowsIn: (table: string) => Promise<number>;
  /** Creates the bulk load's table, of the shape the sink creates. */
  createTable: (table: string) => Promise<unknown>;
  /** The peer: the bulk load of the CSV into `table` (timed). */
  bulkLoad: (table: string) => Promise<unknown>;
  dropTable: (table: string) => Promise<unknown>;
  /**
   * Untimed, before every run of either side: leaves the database as the next run should find it
   * (PostgreSQL: a CHECKPOINT, so that neither side's run pays for flushing what the run before it wrote).
   */
  settle?: () => Promise<unknown>;
}

/**
 * Both sides interleaved (harness.ts measureEach), each run into a fresh table dropped after it.
 * ours: the preset saved as the pipeline form saves it, on the topic with a fresh group, timed from
 * `pipelines:start` until all `n` records are committed (engine.ts timedRun); then, untimed, stopped,
 * the rows counted and the pipeline removed. copy: the bulk load, timed around `bulkLoad`.
 */
export async function measureSink(
  ctx: BenchContext,
  sides: SinkSides,
): Promise<{ ours: Measurement; copy: Measurement; last: PipelineStatus | null }> {
  const { engine, n, rowsIn } = sides;
  const checkRows = async (table: string) => {
    const rows = await rowsIn(table);
    if (rows !== n) throw new Error(`${table} holds ${rows} rows, not ${n}`);
  };
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
            ...sides.preset,
            name: table,
            topics: sides.topic,
            groupId: `bench-users-${Date.now()}-${seq}`,
            database: { ...sides.preset.database, table },
          };
          const result = formToInput(form, sides.connectionId);
          if (!('input' in result)) throw new Error(JSON.stringify(result.errors));
          const saved = data<Pipeline>(await engine.dispatch('pipelines:save', result.input));
          await sides.settle?.();
          const seconds = await timedRun(engine, saved.id, n);
          last = data<PipelineStatus>(await engine.dispatch('pipelines:stop', { id: saved.id }));
          await checkRows(table);
          data(await engine.dispatch('pipelines:remove', { id: saved.id }));
          await sides.dropTable(table);
          return n / seconds;
        },
      },
      copy: {
        unit: 'rows/s',
        once: async () => {
          const table = `users_copy_${seq++}`;
          await sides.createTable(table);
          await sides.settle?.();
          const started = performance.now();
          await sides.bulkLoad(table);
          const seconds = (performance.now() - started) / 1000;
          await checkRows(table);
          await sides.dropTable(table);
          return n / seconds;
        },
      },
    },
    (line) => ctx.log(`${sides.name}: ${line}`),
  );
  return { ours, copy, last };
}
