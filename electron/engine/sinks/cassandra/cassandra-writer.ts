// Writes pipeline rows into a Cassandra table: prepared upserts, one unlogged batch per partition
// key (a batch that spans partitions costs the coordinator more than separate writes:
// https://cassandra.apache.org/doc/5.0/cassandra/developing/cql/dml.html#batch_statement), a bounded
// number of requests in flight. Resolves only when every write was acknowledged, so the caller can
// commit the source offsets after it (docs/GUARANTEES.md: replayable source + idempotent sink).
import cassandra from 'cassandra-driver';
import { WorkbenchError } from '../../../../shared/errors.js';
import type { Row } from '../../pipelines/row.js';
import { eachLimited } from '../../cluster/download.js';
import {
  CREATE_OFFSETS_CQL,
  READ_OFFSETS_CQL,
  WRITE_OFFSET_CQL,
  createTableCql,
  keyOf,
  TABLE_COLUMNS_CQL,
  tableMismatches,
  upsertCql,
  checkSpec,
  type CassandraTableSpec,
  type SchemaColumn,
} from './cql.js';
import { describeCassandraError, type CassandraTarget } from './errors.js';

export interface CassandraConnectionConfig {
  /** host:port, e.g. 127.0.0.1:9042. */
  contactPoints: readonly string[];
  localDataCenter: string;
  keyspace: string;
  username?: string | undefined;
  password?: string | undefined;
  /** TLS to the nodes; `ca` (PEM) when the server's certificate is not signed by a public CA. */
  tls?: { ca?: string | undefined; rejectUnauthorized?: boolean | undefined } | undefined;
  connectTimeoutMs?: number | undefined;
}

export interface CassandraWriteOptions {
  /** Requests in flight at once (each one batch); 64 when not given. */
  concurrency?: number;
  /** Rows per unlogged batch; a partition with more rows takes several batches. */
  maxBatchRows?: number;
  /** Also create the table of source offsets (a pipeline's sink). */
  offsets?: boolean;
}

export interface WriteResult {
  rows: number;
  batches: number;
}

const target = (config: CassandraConnectionConfig): CassandraTarget => ({
  contactPoints: config.contactPoints,
  keyspace: config.keyspace,
  username: config.username,
});

function clientOf(config: CassandraConnectionConfig, withKeyspace: boolean): cassandra.Client {
  return new cassandra.Client({
    contactPoints: [...config.contactPoints],
    localDataCenter: config.localDataCenter,
    ...(withKeyspace ? { keyspace: config.keyspace } : {}),
    ...(config.username ? { credentials: { username: config.username, password: config.password ?? '' } } : {}),
    ...(config.tls
      ? { sslOptions: { ca: config.tls.ca ? [config.tls.ca] : undefined, rejectUnauthorized: config.tls.rejectUnauthorized ?? true } }
      : {}),
    // A write counts once a quorum of the local data centre's replicas took it: with the default
    // LOCAL_ONE, one replica's crash can lose a write whose offsets are already committed.
    queryOptions: { consistency: cassandra.types.consistencies.localQuorum },
    socketOptions: { connectTimeout: config.connectTimeoutMs ?? 5000, readTimeout: 12_000 },
    // One attempt per request: the pipeline decides what a failed batch means (wait and retry the whole batch).
    policies: { reconnection: new cassandra.policies.reconnection.ConstantReconnectionPolicy(1000) },
  });
}

/** "Test connection": logs in, reads the server's release and checks the keyspace exists. */
export async function testCassandraConnection(config: CassandraConnectionConfig): Promise<{ releaseVersion: string; dataCenter: string }> {
  const client = clientOf(config, true);
  try {
    const result = await client.execute('SELECT release_version, data_center FROM system.local');
    const row = result.first();
    return { releaseVersion: String(row.get('release_version')), dataCenter: String(row.get('data_center')) };
  } catch (error) {
    throw describeCassandraError(error, target(config));
  } finally {
    await client.shutdown();
  }
}

const toCql = (value: Row[string], type: CassandraTableSpec['columns'][number]['type']): unknown => {
  if (value === null) return null;
  if (type === 'int') return cassandra.types.Long.fromNumber(value as number);
  if (type === 'timestamp') return new Date(value as number);
  return value;
};

export class CassandraWriter {
  private readonly insert: string;
  private readonly primaryKey: readonly string[];

  private constructor(
    private readonly client: cassandra.Client,
    private readonly config: CassandraConnectionConfig,
    readonly spec: CassandraTableSpec,
    private readonly options: Required<CassandraWriteOptions>,
  ) {
    this.insert = upsertCql(spec);
    this.primaryKey = [...spec.partitionKey, ...(spec.clusteringKey ?? [])];
  }

  /** Connects (the keyspace must exist); `table: 'create'` creates the table when missing, then the table is checked against the spec either way. */
  static async open(
    config: CassandraConnectionConfig,
    spec: Omit<CassandraTableSpec, 'keyspace'>,
    table: 'create' | 'check',
    options: CassandraWriteOptions = {},
  ): Promise<CassandraWriter> {
    const full: CassandraTableSpec = { ...spec, keyspace: config.keyspace };
    checkSpec(full);
    const client = clientOf(config, true);
    try {
      await client.connect();
      if (options.offsets) await client.execute(CREATE_OFFSETS_CQL);
      if (table === 'create') await client.execute(createTableCql(full));
      const columns = await client.execute(TABLE_COLUMNS_CQL, [config.keyspace, spec.table], { prepare: true });
      const problems = tableMismatches(full, columns.rows as unknown as SchemaColumn[]);
      if (problems.length > 0)
        throw new WorkbenchError('VALIDATION', `Table ${config.keyspace}.${spec.table} does not fit the pipeline: ${problems.join('; ')}`);
    } catch (error) {
      await client.shutdown();
      throw describeCassandraError(error, target(config));
    }
    return new CassandraWriter(client, config, full, {
      // 64: with a commit log that syncs before it acknowledges (group mode, 10 ms window), throughput
      // is about requests in flight per window; 20,000 rows took 13.3-19.9 s at 16, 7.1-8.1 s at 64
      // (cqlsh COPY FROM: 7.0-7.5 s) on the single test node.
      concurrency: options.concurrency ?? 64,
      maxBatchRows: options.maxBatchRows ?? 50,
      offsets: options.offsets ?? false,
    });
  }

  /**
   * Upserts the rows and resolves once Cassandra acknowledged every one. Rows with the same primary
   * key keep the last one: statements of one batch share a write timestamp, and on a tie Cassandra
   * keeps the larger value, not the later one. Throws a described error (`transient` when the server
   * is down or busy); some rows may then be written, which a retry of the same rows overwrites.
   */
  async write(rows: readonly Row[]): Promise<WriteResult> {
    const latest = new Map<string, Row>();
    for (const row of rows) latest.set(keyOf(row, this.primaryKey), row);
    const partitions = new Map<string, Row[]>();
    for (const row of latest.values()) {
      const key = keyOf(row, this.spec.partitionKey);
      const list = partitions.get(key);
      if (list) list.push(row);
      else partitions.set(key, [row]);
    }
    const batches: Row[][] = [];
    for (const list of partitions.values()) {
      for (let i = 0; i < list.length; i += this.options.maxBatchRows) batches.push(list.slice(i, i + this.options.maxBatchRows));
    }
    const params = (row: Row): unknown[] => this.spec.columns.map((c) => toCql(row[c.name] ?? null, c.type));
    try {
      await eachLimited(batches, this.options.concurrency, async (batch) => {
        if (batch.length === 1 && batch[0]) await this.client.execute(this.insert, params(batch[0]), { prepare: true });
        else
          await this.client.batch(
            batch.map((row) => ({ query: this.insert, params: params(row) })),
            { prepare: true, logged: false },
          );
      });
    } catch (error) {
      throw describeCassandraError(error, target(this.config));
    }
    return { rows: latest.size, batches: batches.length };
  }

  /** A pipeline's offsets, by `topic:partition` → next offset to read. */
  async readOffsets(pipelineId: string): Promise<Map<string, bigint>> {
    try {
      const result = await this.client.execute(READ_OFFSETS_CQL, [pipelineId], { prepare: true });
      return new Map(
        result.rows.map((r) => [`${String(r.get('topic'))}:${Number(r.get('partition'))}`, BigInt(String(r.get('next_offset')))]),
      );
    } catch (error) {
      throw describeCassandraError(error, target(this.config));
    }
  }

  /** One unlogged batch within the pipeline's partition: Cassandra applies it atomically. */
  async writeOffsets(pipelineId: string, offsets: readonly { topic: string; partition: number; next: bigint }[]): Promise<void> {
    try {
      await this.client.batch(
        offsets.map((o) => ({
          query: WRITE_OFFSET_CQL,
          params: [pipelineId, o.topic, o.partition, cassandra.types.Long.fromString(o.next.toString())],
        })),
        { prepare: true, logged: false },
      );
    } catch (error) {
      throw describeCassandraError(error, target(this.config));
    }
  }

  async close(): Promise<void> {
    await this.client.shutdown();
  }
}
