import pg from 'pg';
import { WorkbenchError } from '../../../../shared/errors.js';
import type { DatabaseTestResult } from '../../../../shared/databases.js';
import type { ColumnType } from '../../../../shared/pipelines.js';
import type { Row, Value } from '../../pipelines/row.js';
import type { DatabaseSink, SinkOffset, SinkTable } from '../database-sink.js';
import type { DatabaseTarget } from '../database-engines.js';
import { describePostgresError } from './postgres-errors.js';

/** The table where each pipeline's source offsets live, beside its rows, in the target database. */
export const OFFSETS_TABLE = 'kafka_workbench_offsets';

/** The column type a projection type becomes (CREATE TABLE), and the types an existing table may have instead. */
const PG_TYPE: Record<ColumnType, { create: string; accepted: readonly string[] }> = {
  string: { create: 'text', accepted: ['text', 'character varying', 'character'] },
  int: { create: 'bigint', accepted: ['bigint', 'integer', 'smallint', 'numeric'] },
  double: { create: 'double precision', accepted: ['double precision', 'real', 'numeric'] },
  boolean: { create: 'boolean', accepted: ['boolean'] },
  timestamp: { create: 'timestamptz', accepted: ['timestamp with time zone', 'timestamp without time zone'] },
};

/** Element type of the array parameter a column's values travel in (`unnest($1::bigint[], …)`). */
const ARRAY_TYPE: Record<ColumnType, string> = {
  string: 'text[]',
  int: 'bigint[]',
  double: 'float8[]',
  boolean: 'boolean[]',
  timestamp: 'timestamptz[]',
};

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

function clientConfig(target: DatabaseTarget): pg.ClientConfig {
  const c = target.connection;
  return {
    host: c.host.replace(/^\[(.*)\]$/, '$1'),
    port: c.port,
    database: c.database,
    user: c.user,
    ...(target.password !== null ? { password: target.password } : {}),
    ...(c.tls.enabled ? { ssl: { rejectUnauthorized: c.tls.rejectUnauthorized, ...(c.tls.ca ? { ca: c.tls.ca } : {}) } } : {}),
    connectionTimeoutMillis: 10_000,
    application_name: 'kafka-workbench',
  };
}

/** Connects, asks the server's version, disconnects; every failure in words. */
export async function testPostgres(target: DatabaseTarget): Promise<DatabaseTestResult> {
  const started = performance.now();
  const client = new pg.Client(clientConfig(target));
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ version: string }>('SELECT version() AS version');
    return { ok: true, latencyMs: Math.round(performance.now() - started), serverVersion: rows[0]?.version ?? '' };
  } catch (error) {
    return {
      ok: false,
      latencyMs: Math.round(performance.now() - started),
      error: describePostgresError(error, target.connection).message,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * A pipeline's PostgreSQL sink (node-postgres). Each batch is ONE transaction: the rows, upserted by
 * the table's primary key in one `INSERT … SELECT FROM unnest(<one array per column>) ON CONFLICT
 * DO UPDATE` (one statement and one round trip whatever the batch size, no 65,535-parameter limit),
 * then the batch's offsets into `kafka_workbench_offsets`; so the rows and where the pipeline
 * resumes can never disagree (PostgreSQL docs, "Transactions": all or nothing). One connection,
 * opened again after the server went away.
 */
export class PostgresSink implements DatabaseSink {
  private readonly target: DatabaseTarget;
  private readonly table: SinkTable;
  private readonly pipelineId: string;
  private client: pg.Client | null = null;
  private readonly insert: string;

  constructor(target: DatabaseTarget, table: SinkTable, pipelineId: string) {
    this.target = target;
    this.table = table;
    this.pipelineId = pipelineId;
    const names = table.columns.map((c) => quote(c.name));
    const arrays = table.columns.map((c, i) => `$${i + 1}::${ARRAY_TYPE[c.type]}`);
    const others = table.columns.filter((c) => !table.key.includes(c.name));
    const onConflict =
      others.length === 0 ? 'DO NOTHING' : `DO UPDATE SET ${others.map((c) => `${quote(c.name)} = EXCLUDED.${quote(c.name)}`).join(', ')}`;
    this.insert = `INSERT INTO ${quote(table.name)} (${names.join(', ')}) SELECT * FROM unnest(${arrays.join(', ')}) ON CONFLICT (${table.key.map(quote).join(', ')}) ${onConflict}`;
  }

  async prepare(): Promise<void> {
    const client = await this.connect();
    try {
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${OFFSETS_TABLE} (pipeline_id text NOT NULL, topic text NOT NULL, partition integer NOT NULL, next_offset bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (pipeline_id, topic, partition))`,
      );
      const { rows } = await client.query<{ column_name: string; data_type: string }>(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
        [this.table.name],
      );
      if (rows.length === 0) {
        if (!this.table.create) {
          throw new WorkbenchError(
            'NOT_FOUND',
            `Table ${this.table.name} does not exist in database ${this.target.connection.database}; let the pipeline create it, or create it first`,
          );
        }
        const columns = this.table.columns.map(
          (c) => `${quote(c.name)} ${PG_TYPE[c.type].create}${this.table.key.includes(c.name) ? ' NOT NULL' : ''}`,
        );
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${quote(this.table.name)} (${columns.join(', ')}, PRIMARY KEY (${this.table.key.map(quote).join(', ')}))`,
        );
        return;
      }
      await this.check(client, new Map(rows.map((r) => [r.column_name, r.data_type])));
    } catch (error) {
      throw this.describe(error);
    }
  }

  /** An existing table against the projection: every missing column, wrong type and a different primary key, named. */
  private async check(client: pg.Client, existing: Map<string, string>): Promise<void> {
    const problems: string[] = [];
    for (const c of this.table.columns) {
      const type = existing.get(c.name);
      if (type === undefined) problems.push(`column ${c.name} is missing (the projection needs ${PG_TYPE[c.type].create})`);
      else if (!PG_TYPE[c.type].accepted.includes(type))
        problems.push(`column ${c.name} is ${type}, the projection needs ${PG_TYPE[c.type].create}`);
    }
    const { rows } = await client.query<{ column_name: string }>(
      `SELECT a.attname AS column_name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
        WHERE i.indrelid = to_regclass(quote_ident(current_schema()) || '.' || quote_ident($1)) AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`,
      [this.table.name],
    );
    const key = rows.map((r) => r.column_name);
    if (key.join(',') !== this.table.key.join(',')) {
      problems.push(
        key.length === 0
          ? `it has no primary key (the pipeline upserts by ${this.table.key.join(', ')})`
          : `its primary key is (${key.join(', ')}), the pipeline upserts by (${this.table.key.join(', ')})`,
      );
    }
    if (problems.length > 0) {
      throw new WorkbenchError('CONFLICT', `Table ${this.table.name} does not match the pipeline: ${problems.join('; ')}`);
    }
  }

  async readOffsets(): Promise<Map<string, bigint>> {
    try {
      const client = await this.connect();
      const { rows } = await client.query<{ topic: string; partition: number; next_offset: string }>(
        `SELECT topic, partition, next_offset FROM ${OFFSETS_TABLE} WHERE pipeline_id = $1`,
        [this.pipelineId],
      );
      return new Map(rows.map((r) => [`${r.topic}:${r.partition}`, BigInt(r.next_offset)]));
    } catch (error) {
      throw this.describe(error);
    }
  }

  async writeBatch(rows: readonly Row[], offsets: readonly SinkOffset[]): Promise<void> {
    let client: pg.Client | null = null;
    try {
      client = await this.connect();
      await client.query('BEGIN');
      if (rows.length > 0) {
        const arrays = this.table.columns.map((c) => rows.map((row) => toPg(row[c.name] ?? null, c.type)));
        await client.query(this.insert, arrays);
      }
      if (offsets.length > 0) {
        await client.query(
          `INSERT INTO ${OFFSETS_TABLE} (pipeline_id, topic, partition, next_offset, updated_at)
             SELECT $1::text, *, now() FROM unnest($2::text[], $3::integer[], $4::bigint[])
           ON CONFLICT (pipeline_id, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = EXCLUDED.updated_at`,
          [this.pipelineId, offsets.map((o) => o.topic), offsets.map((o) => o.partition), offsets.map((o) => o.next.toString())],
        );
      }
      await client.query('COMMIT');
    } catch (error) {
      // Aborted: nothing of the batch is in the table, and its offsets are where they were.
      await client?.query('ROLLBACK').catch(() => undefined);
      throw this.describe(error);
    }
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = new pg.Client(clientConfig(this.target));
    // A connection the server closed (restart, crash) is dropped; the next batch opens another.
    const drop = () => {
      if (this.client === client) this.client = null;
      void client.end().catch(() => undefined);
    };
    client.on('error', drop);
    client.on('end', drop);
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    this.client = client;
    return client;
  }

  private describe(error: unknown): Error {
    if (error instanceof WorkbenchError) return error;
    // A connection that failed mid-query may be dead: open a new one next time.
    if (!(error instanceof pg.DatabaseError)) void this.close();
    return describePostgresError(error, this.target.connection, this.table.name);
  }
}

function toPg(value: Value, type: ColumnType): string | number | boolean | null {
  if (value === null) return null;
  if (type === 'timestamp' && typeof value === 'number') return new Date(value).toISOString();
  return value;
}
