import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { WorkbenchError } from '../../../../shared/errors.js';
import type { DatabaseTestResult } from '../../../../shared/databases.js';
import type { ColumnType } from '../../../../shared/pipelines.js';
import type { Row } from '../../pipelines/row.js';
import type { DatabaseSink, SinkOffset, SinkTable } from '../database-sink.js';
import type { DatabaseTarget } from '../database-engines.js';
import { copyChunks } from './copy-text.js';
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

/** The staging table's column type: a batch's values are COPYed into it, then upserted into the target table from it. */
const STAGE_TYPE: Record<ColumnType, string> = {
  string: 'text',
  int: 'bigint',
  double: 'float8',
  boolean: 'boolean',
  timestamp: 'timestamptz',
};

/** The session's staging table (a temporary table lives in the session's own schema, so each connection has its own). */
const STAGE_TABLE = 'kafka_workbench_stage';

/** SQLSTATE unique_violation (PostgreSQL docs, Appendix A). */
const UNIQUE_VIOLATION = '23505';
/** After a batch met a key already in the table, this many batches go straight through the staging upsert. */
const STAGED_AFTER_CONFLICT = 16;

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
 * A pipeline's PostgreSQL sink (node-postgres). Each batch is ONE transaction: the rows, streamed
 * with `COPY … FROM STDIN` (text format, pg-copy-streams) into a temporary staging table and upserted
 * from it by the table's primary key in one `INSERT … SELECT … ON CONFLICT DO UPDATE`, then the
 * batch's offsets into `kafka_workbench_offsets`; so the rows and where the pipeline resumes can never
 * disagree (PostgreSQL docs, "Transactions": all or nothing). COPY is PostgreSQL's bulk path ("Populating
 * a Database", 14.4.2: "Use COPY"): it parses rows far cheaper than bind parameters or array literals,
 * and the staging table (ON COMMIT DELETE ROWS, no WAL for temporary tables) is empty again after each
 * commit or rollback. One connection, opened again after the server went away.
 */
export class PostgresSink implements DatabaseSink {
  private readonly target: DatabaseTarget;
  private readonly table: SinkTable;
  private readonly pipelineId: string;
  private client: pg.Client | null = null;
  private readonly upsert: string;
  private readonly copyDirect: string;
  private readonly copyStage: string;
  private readonly stage: string;
  /** The table's columns are of the types the sink creates, so COPY straight into it reads each value as the staging table would. */
  private directCopy = false;
  /** Batches still to go through the staging upsert after a direct COPY met a key already in the table. */
  private stagedBatches = 0;

  constructor(target: DatabaseTarget, table: SinkTable, pipelineId: string) {
    this.target = target;
    this.table = table;
    this.pipelineId = pipelineId;
    const names = table.columns.map((c) => quote(c.name)).join(', ');
    const others = table.columns.filter((c) => !table.key.includes(c.name));
    const onConflict =
      others.length === 0 ? 'DO NOTHING' : `DO UPDATE SET ${others.map((c) => `${quote(c.name)} = EXCLUDED.${quote(c.name)}`).join(', ')}`;
    this.stage = `CREATE TEMPORARY TABLE IF NOT EXISTS ${STAGE_TABLE} (${table.columns.map((c) => `${quote(c.name)} ${STAGE_TYPE[c.type]}`).join(', ')}) ON COMMIT DELETE ROWS`;
    this.copyStage = `COPY ${STAGE_TABLE} (${names}) FROM STDIN`;
    this.copyDirect = `COPY ${quote(table.name)} (${names}) FROM STDIN`;
    this.upsert = `INSERT INTO ${quote(table.name)} (${names}) SELECT ${names} FROM ${STAGE_TABLE} ON CONFLICT (${table.key.map(quote).join(', ')}) ${onConflict}`;
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
        this.directCopy = true;
        return;
      }
      const existing = new Map(rows.map((r) => [r.column_name, r.data_type]));
      await this.check(client, existing);
      // Another accepted type (integer, timestamp without time zone…) would read COPY's text its own
      // way; such a table gets every batch through the staging table and a cast, as on a conflict.
      this.directCopy = this.table.columns.every((c) => existing.get(c.name) === PG_TYPE[c.type].accepted[0]);
    } catch (error) {
      throw this.describe(error);
    }
  }

  /** An existing table against the projection: every missing column, wrong type and a different primary key, named. */
  private async check(client: pg.Client, existing: Map<string, string>): Promise<void> {
    // Wrong types first (the column is there but would refuse or mangle the values), then what is missing.
    const problems: string[] = [];
    const missing: string[] = [];
    for (const c of this.table.columns) {
      const type = existing.get(c.name);
      if (type === undefined) missing.push(`${c.name} ${PG_TYPE[c.type].create}`);
      else if (!PG_TYPE[c.type].accepted.includes(type))
        problems.push(`column ${c.name} is ${type}, the projection needs ${PG_TYPE[c.type].create}`);
    }
    if (missing.length > 0)
      problems.push(`${missing.length === 1 ? 'a column is' : `${missing.length} columns are`} missing: ${missing.join(', ')}`);
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
    try {
      const direct = rows.length > 0 && this.directCopy && this.stagedBatches === 0;
      if (this.stagedBatches > 0) this.stagedBatches -= 1;
      try {
        await this.transaction(rows, offsets, direct);
      } catch (error) {
        if (!direct || (error as { code?: unknown } | null)?.code !== UNIQUE_VIOLATION) throw error;
        // A key of the batch is in the table already: the batch again, upserted through the staging
        // table, and the next batches that way too for a while (their keys may repeat as well).
        this.stagedBatches = STAGED_AFTER_CONFLICT;
        await this.transaction(rows, offsets, false);
      }
    } catch (error) {
      throw this.describe(error);
    }
  }

  /**
   * One batch, one transaction: its rows COPYed straight into the table (`direct`: all new keys, as
   * PostgreSQL's own bulk load does it) or into the staging table and upserted from there, then its
   * offsets. Aborted: nothing of the batch is in the table, and its offsets are where they were.
   * BEGIN and the offsets go as one simple query, queued right before the COPY (and the upsert):
   * node-postgres sends a queued statement as soon as the server has answered the one before,
   * without waiting for this thread. Awaited one by one, each answer waited for the engine's busy
   * main thread while PostgreSQL sat idle (BEGIN alone ~2 ms of a 5,000-row batch's ~45). COMMIT
   * is sent only once everything before it succeeded.
   */
  private async transaction(rows: readonly Row[], offsets: readonly SinkOffset[], direct: boolean): Promise<void> {
    const client = await this.connect();
    try {
      const steps: Promise<unknown>[] = [client.query(`BEGIN;${offsets.length > 0 ? this.offsetsUpsert(client, offsets) : ''}`)];
      if (rows.length > 0) {
        const text = Readable.from(copyChunks(rows, this.table.columns));
        steps.push(pipeline(text, client.query(copyFrom(direct ? this.copyDirect : this.copyStage))));
        if (!direct) steps.push(client.query(this.upsert));
      }
      await Promise.all(steps);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /** The offsets' upsert as literals (a simple query takes no parameters): text escaped by the driver, numbers checked. */
  private offsetsUpsert(client: pg.Client, offsets: readonly SinkOffset[]): string {
    const values = offsets.map((o) => {
      if (!Number.isInteger(o.partition)) throw new WorkbenchError('VALIDATION', `Partition ${String(o.partition)} is not a whole number`);
      return `(${client.escapeLiteral(this.pipelineId)}, ${client.escapeLiteral(o.topic)}, ${o.partition}, ${BigInt(o.next).toString()}, now())`;
    });
    return `INSERT INTO ${OFFSETS_TABLE} (pipeline_id, topic, partition, next_offset, updated_at) VALUES ${values.join(', ')}
      ON CONFLICT (pipeline_id, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = EXCLUDED.updated_at`;
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
      await client.query(this.stage);
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
