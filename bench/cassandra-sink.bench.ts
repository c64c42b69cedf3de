import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { DatabaseConnection } from '../shared/databases.js';
import { createTableCql } from '../electron/engine/sinks/cassandra/cql.js';
import { randomUsersCassandraPreset } from '../renderer/pages/pipelines/pipeline-form-model.js';
import { CASSANDRA_SUPERUSER, CASSANDRA_VERSION, startCassandraServer } from '../test/cassandra-server.js';
import type { Benchmark } from './context.js';
import { benchEngine, data } from './engine.js';
import { ratioFields, type BenchRow } from './harness.js';
import { ensureCqlsh } from './peers.js';
import { USER_COLUMNS, measureSink, preloadUsers } from './sink-bench.js';

const execFileAsync = promisify(execFile);
const KEYSPACE = 'kwb_bench';

/**
 * The Cassandra sink's throughput: the PostgreSQL row's `n` random users in a 3-partition topic, read
 * by the Random users → Cassandra preset (decode, 18 columns, email_domain, prepared upserts in
 * unlogged batches, then the batch's offsets) into a fresh table per run of one Cassandra 5.0 node
 * (test/cassandra-server.ts), timed from `pipelines:start` to the last record committed, the rows
 * counted with cqlsh after. Peer: `cqlsh COPY FROM` (its defaults) of the same rows from the same
 * CSV into a table the sink's own CREATE TABLE makes: Cassandra's own shell bulk load, no Kafka.
 */
export const cassandraSinkBench: Benchmark = {
  name: 'cassandra-sink',
  summary: 'Random users → Cassandra pipeline (upserts, then the batch offsets) vs cqlsh COPY FROM of the same rows from CSV',
  async run(ctx) {
    // 14,000, not the 200,000: on the 2-core machine each side took 60–80 s per 200,000 rows, so
    // the 12 runs would take ~15 minutes alone; 14,000 is ~5 s a run for either side (~2,900 rows/s).
    const n = ctx.options.smoke ? 2_000 : 14_000;
    ctx.versions.cqlsh = ensureCqlsh(ctx.log);
    const server = await startCassandraServer({ ports: [46_000, 47_000] });
    const { engine, connectionId } = await benchEngine(ctx, 'cassandra-sink');
    /** Runs CQL (or a cqlsh command such as COPY) with cqlsh as the superuser; returns its output. */
    const cqlsh = async (statement: string): Promise<string> => {
      const { username, password } = CASSANDRA_SUPERUSER;
      const args = [server.host, String(server.port), '-u', username, '-p', password, '--request-timeout=600', '-e', statement];
      return (await execFileAsync('cqlsh', args, { maxBuffer: 64 * 1024 * 1024 })).stdout;
    };
    try {
      ctx.versions.cassandra = `Apache Cassandra ${CASSANDRA_VERSION} (one node, 1 GB heap)`;
      await cqlsh(`CREATE KEYSPACE ${KEYSPACE} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
      const { topic, csv } = await preloadUsers(ctx, 'cassandra-sink', n);
      const database = data<DatabaseConnection>(
        await engine.dispatch('databases:save', {
          name: 'bench',
          engine: 'cassandra',
          host: server.host,
          port: server.port,
          database: KEYSPACE,
          user: CASSANDRA_SUPERUSER.username,
          password: CASSANDRA_SUPERUSER.password,
          localDataCenter: server.localDataCenter,
        }),
      );
      const preset = randomUsersCassandraPreset({ id: database.id, engine: 'cassandra' });
      // The peer's table is the one the sink creates: its CREATE TABLE from the preset's columns and key.
      const ddl = (table: string) =>
        createTableCql({
          keyspace: KEYSPACE,
          table,
          columns: preset.projection.map((c) => ({ name: c.column, type: c.type })),
          partitionKey: [preset.database.primaryKey],
        });
      const rowsIn = async (table: string) => {
        const out = await cqlsh(`SELECT count(*) FROM ${KEYSPACE}.${table}`);
        const count = /^\s*(\d+)\s*$/m.exec(out)?.[1];
        if (count === undefined) throw new Error(`no count in cqlsh's output: ${out}`);
        return Number(count);
      };
      const { ours, copy, last } = await measureSink(ctx, {
        name: 'cassandra-sink',
        engine,
        connectionId,
        preset,
        topic,
        n,
        rowsIn,
        createTable: (table) => cqlsh(ddl(table)),
        // cqlsh exits 2 when a batch timed out and was retried, even with every row imported; the
        // import is judged by its own summary line and the row count (measureSink checks it).
        bulkLoad: (table) =>
          cqlsh(
            `COPY ${KEYSPACE}.${table} (${USER_COLUMNS.join(', ')}) FROM '${csv}' WITH HEADER = false AND DATETIMEFORMAT = '%Y-%m-%dT%H:%M:%S.%f%z'`,
          ).catch((error: { stdout?: string }) => {
            if (!new RegExp(`^${n} rows imported .*\\(0 skipped\\)`, 'm').test(error.stdout ?? '')) throw error;
          }),
        dropTable: (table) => cqlsh(`DROP TABLE ${KEYSPACE}.${table}`),
      });
      const vs = ratioFields(ours, copy);
      const rows: BenchRow[] = [
        {
          benchmark: `Cassandra sink, ${n.toLocaleString('en-US')} random users (18 columns, email_domain), 3 partitions, one node`,
          ours: { label: 'Random users → Cassandra pipeline (engine)', m: ours },
          peer: { label: 'cqlsh COPY FROM of the same rows from CSV', m: copy },
          ...vs,
          target: 'report',
          pass: null,
          note: `maxRecordsPerBatch 5000, upserts then the batch's offsets; last run ${last?.batches ?? '?'} micro-batches; cqlsh COPY FROM with its defaults (NUMPROCESSES = cores − 1, CHUNKSIZE 5000, MAXBATCHSIZE 20), its process start included`,
        },
      ];
      return rows;
    } finally {
      await engine.dispose();
      await server.stop();
    }
  },
};
