import { AvroResolver } from './schema-registry/avro-resolver.js';
import { registrySettings } from './schema-registry/registry-settings.js';
import { join } from 'node:path';
import type { EngineContext } from './context.js';
import { EventBus } from './event-bus.js';
import { PendingAborts } from './exports/targets/pending-aborts.js';
import { KafkaClients } from './kafka/kafka-clients.js';
import type { Logger } from './logger.js';
import { KeyFileSecretBox } from './secrets/key-file-secret-box.js';
import type { SecretBox } from './secrets/secret-box.js';
import { ConnectionsRepo } from './store/connections-repo.js';
import { DatabaseConnectionsRepo } from './store/database-connections-repo.js';
import type { Db } from './store/db.js';
import { S3Credentials } from './store/s3-credentials.js';

export interface EngineContextOptions {
  dataDir: string;
  db: Db;
  /** The app passes safeStorage's box; serve and the command-line tools the data folder's key file (the default). */
  secrets?: SecretBox;
  log: Logger;
}

/**
 * The parts every feature shares, built in one place for the app, `serve` and each command-line
 * tool: connections (passwords sealed by the box), the Kafka clients, the event bus, the saved S3
 * credentials and the tracker of S3 multipart uploads still to abort.
 */
export function createEngineContext(options: EngineContextOptions): EngineContext {
  const { dataDir, db, log } = options;
  const secrets = options.secrets ?? new KeyFileSecretBox(join(dataDir, 'secret.key'));
  const connections = new ConnectionsRepo(db, secrets);
  const kafka = new KafkaClients({ connection: (id) => connections.get(id), password: (id) => connections.password(id) }, log);
  return {
    dataDir,
    db,
    connections,
    secrets,
    kafka,
    events: new EventBus(),
    log,
    s3Credentials: new S3Credentials(db, secrets),
    pendingAborts: new PendingAborts(db, secrets, log),
    databaseConnections: new DatabaseConnectionsRepo(db, secrets),
    registry: new AvroResolver((connectionId) => registrySettings(connections, connectionId)),
  };
}
