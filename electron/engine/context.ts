import type { MethodName } from '../../shared/contract.js';
import type { Handlers } from './dispatch.js';
import type { EventBus } from './event-bus.js';
import type { KafkaClients } from './kafka/kafka-clients.js';
import type { Logger } from './logger.js';
import type { SecretBox } from './secrets/secret-box.js';
import type { ConnectionsRepo } from './store/connections-repo.js';
import type { Db } from './store/db.js';

/** What every engine feature receives: the store, the shared Kafka clients, the event bus, a logger. */
export interface EngineContext {
  dataDir: string;
  db: Db;
  connections: ConnectionsRepo;
  /** Encrypts secrets other than connection passwords (S3 keys) before they reach SQLite; absent in CLIs (key file then). */
  secrets?: SecretBox;
  kafka: KafkaClients;
  events: EventBus;
  log: Logger;
}

/**
 * A feature of the engine (topic browser, producers, pipelines, exports…): answers its slice of the
 * contract and releases every timer, client and socket on dispose.
 */
export interface EngineFeature<M extends MethodName = MethodName> {
  handlers(): Pick<Handlers, M>;
  dispose(): Promise<void> | void;
}
