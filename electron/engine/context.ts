import type { MethodName } from '../../shared/contract.js';
import type { Handlers } from './dispatch.js';
import type { EventBus } from './event-bus.js';
import type { KafkaClients } from './kafka/kafka-clients.js';
import type { PendingAborts } from './exports/targets/pending-aborts.js';
import type { Logger } from './logger.js';
import type { SecretBox } from './secrets/secret-box.js';
import type { ConnectionsRepo } from './store/connections-repo.js';
import type { DatabaseConnectionsRepo } from './store/database-connections-repo.js';
import type { Db } from './store/db.js';
import type { AvroResolver } from './schema-registry/avro-resolver.js';
import type { S3Credentials } from './store/s3-credentials.js';

/** What every engine feature receives (built by createEngineContext): the store, the shared Kafka clients, the event bus, a logger, S3 credentials. */
export interface EngineContext {
  dataDir: string;
  db: Db;
  connections: ConnectionsRepo;
  /** Seals secrets (connection passwords, S3 keys, producer credentials) before they reach SQLite. */
  secrets: SecretBox;
  kafka: KafkaClients;
  events: EventBus;
  log: Logger;
  /** The saved S3 credentials, used by exports, pipeline file sinks and batch reports. */
  s3Credentials: S3Credentials;
  /** Multipart uploads to abort (a failed or killed upload), for every S3 writer. */
  pendingAborts: PendingAborts;
  /** Saved PostgreSQL and Cassandra connections of the database sinks, passwords sealed. */
  databaseConnections: DatabaseConnectionsRepo;
  /** The connections' schema registries: one client per connection, schemas cached per id (browser, producers, pipelines). */
  registry: AvroResolver;
}

/**
 * A feature of the engine (topic browser, producers, pipelines, exports…): answers its slice of the
 * contract and releases every timer, client and socket on dispose.
 */
export interface EngineFeature<M extends MethodName = MethodName> {
  handlers(): Pick<Handlers, M>;
  dispose(): Promise<void> | void;
}
