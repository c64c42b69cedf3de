// A pipeline's Cassandra sink (electron/engine/sinks/database-sink.ts). Cassandra has no transaction
// across tables, so a batch is: the rows, upserted by the primary key, and only once every row was
// acknowledged, the batch's offsets (one single-partition batch, which Cassandra applies atomically).
// A crash between the two replays the batch, which rewrites the same rows: effectively once for keyed
// tables (docs/GUARANTEES.md).
import type { DatabaseTestResult } from '../../../../shared/databases.js';
import type { Row } from '../../pipelines/row.js';
import type { DatabaseTarget } from '../database-engines.js';
import type { DatabaseSink, SinkOffset, SinkTable } from '../database-sink.js';
import { CassandraWriter, testCassandraConnection, type CassandraConnectionConfig } from './cassandra-writer.js';

/** The driver's settings from a saved connection: `database` is the keyspace. */
export function cassandraConfig(target: DatabaseTarget): CassandraConnectionConfig {
  const c = target.connection;
  return {
    contactPoints: [`${c.host}:${c.port}`],
    localDataCenter: c.localDataCenter ?? 'datacenter1',
    keyspace: c.database,
    username: c.user,
    password: target.password ?? undefined,
    tls: c.tls.enabled ? { ca: c.tls.ca, rejectUnauthorized: c.tls.rejectUnauthorized } : undefined,
  };
}

/** "Test connection": logs in, reads the release, checks the keyspace; every failure in words. */
export async function testCassandra(target: DatabaseTarget): Promise<DatabaseTestResult> {
  const started = performance.now();
  const latencyMs = (): number => Math.round(performance.now() - started);
  try {
    const { releaseVersion } = await testCassandraConnection(cassandraConfig(target));
    return { ok: true, latencyMs: latencyMs(), serverVersion: `Apache Cassandra ${releaseVersion}` };
  } catch (error) {
    return { ok: false, latencyMs: latencyMs(), error: error instanceof Error ? error.message : String(error) };
  }
}

export class CassandraSink implements DatabaseSink {
  private writer: CassandraWriter | null = null;

  constructor(
    private readonly target: DatabaseTarget,
    private readonly table: SinkTable,
    private readonly pipelineId: string,
  ) {}

  /**
   * The whole primary key is the partition key: a user's `uuid`, or a result's window and group, so
   * each key is its own partition and no partition grows without bound.
   */
  async prepare(): Promise<void> {
    await this.writer?.close();
    this.writer = await CassandraWriter.open(
      cassandraConfig(this.target),
      { table: this.table.name, columns: this.table.columns, partitionKey: this.table.key },
      this.table.create ? 'create' : 'check',
      { offsets: true },
    );
  }

  async readOffsets(): Promise<Map<string, bigint>> {
    return (await this.open()).readOffsets(this.pipelineId);
  }

  async writeBatch(rows: readonly Row[], offsets: readonly SinkOffset[]): Promise<void> {
    const writer = await this.open();
    if (rows.length > 0) await writer.write(rows);
    if (offsets.length > 0) await writer.writeOffsets(this.pipelineId, offsets);
  }

  async close(): Promise<void> {
    const writer = this.writer;
    this.writer = null;
    await writer?.close().catch(() => undefined);
  }

  private async open(): Promise<CassandraWriter> {
    if (!this.writer) await this.prepare();
    if (!this.writer) throw new Error('The Cassandra sink is closed');
    return this.writer;
  }
}
