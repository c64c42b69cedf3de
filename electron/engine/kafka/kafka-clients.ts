import type { Connection } from '../../../shared/connection.js';
import { createKafka, describeKafkaError, type KafkaLog } from './client-factory.js';
import type { Admin, Kafka } from './kafkajs.js';
import { KafkaAdmin } from './admin.js';
import { baseOptions } from './client-options.js';
import { describeKafkaError as describeClientError, isConnectionFailure as isClientConnectionFailure } from './errors.js';
import { PartitionReader } from './partition-reader.js';
import type { BaseOptions } from '@platformatic/kafka';

export interface ConnectionSource {
  connection(id: string): Connection;
  password(id: string): string | null;
}

/**
 * One kafkajs client (and one connected admin) per saved connection, shared by every feature of the
 * engine. An edit or removal of the connection drops them (`forget`); quit closes them (`dispose`).
 */
export class KafkaClients {
  private readonly clients = new Map<string, Kafka>();
  private readonly admins = new Map<string, Promise<Admin>>();
  private readonly kafkaAdmins = new Map<string, KafkaAdmin>();
  private readonly source: ConnectionSource;
  readonly log: KafkaLog | undefined;

  constructor(source: ConnectionSource, log?: KafkaLog) {
    this.source = source;
    this.log = log;
  }

  connection(connectionId: string): Connection {
    return this.source.connection(connectionId);
  }

  kafka(connectionId: string): Kafka {
    let kafka = this.clients.get(connectionId);
    if (!kafka) {
      kafka = createKafka(this.source.connection(connectionId), this.source.password(connectionId), {
        purpose: 'operate',
        ...(this.log ? { log: this.log } : {}),
      });
      this.clients.set(connectionId, kafka);
    }
    return kafka;
  }

  /**
   * Runs `work` with the connection's admin client; errors come back as a WorkbenchError a user can
   * act on, and a failed admin is replaced next time (broker restarted, credentials changed).
   */
  async withAdmin<T>(connectionId: string, work: (admin: Admin) => Promise<T>): Promise<T> {
    const connection = this.source.connection(connectionId);
    let admin = this.admins.get(connectionId);
    if (!admin) {
      const created = this.kafka(connectionId).admin();
      admin = created.connect().then(() => created);
      this.admins.set(connectionId, admin);
    }
    try {
      return await work(await admin);
    } catch (error) {
      if (isConnectionFailure(error)) await this.forgetAdmin(connectionId);
      throw describeKafkaError(error, connection.bootstrapServers);
    }
  }

  /** The client options of a saved connection (for the modules of `kafka/` that build clients). */
  options(connectionId: string, clientId?: string): BaseOptions {
    const connection = this.source.connection(connectionId);
    return baseOptions(connection, this.source.password(connectionId), 'operate', clientId ?? connection.clientId);
  }

  /**
   * Runs `work` with the connection's admin; errors come back as a WorkbenchError a user can act
   * on, and an admin whose connection failed is replaced next time (broker restarted, credentials changed).
   */
  async admin<T>(connectionId: string, work: (admin: KafkaAdmin) => Promise<T>): Promise<T> {
    const connection = this.source.connection(connectionId);
    let admin = this.kafkaAdmins.get(connectionId);
    if (!admin) {
      admin = new KafkaAdmin(this.options(connectionId));
      this.kafkaAdmins.set(connectionId, admin);
    }
    try {
      return await work(admin);
    } catch (error) {
      if (isClientConnectionFailure(error)) await this.forgetKafkaAdmin(connectionId);
      throw describeClientError(error, connection.bootstrapServers);
    }
  }

  /** A group-less reader of partitions at offsets; the caller closes it. */
  reader(connectionId: string): PartitionReader {
    return new PartitionReader(this.options(connectionId));
  }

  /** The user-facing form of a Kafka error for this connection. */
  describe(connectionId: string, error: unknown) {
    return describeKafkaError(error, this.source.connection(connectionId).bootstrapServers);
  }

  async forget(connectionId: string): Promise<void> {
    this.clients.delete(connectionId);
    await Promise.all([this.forgetAdmin(connectionId), this.forgetKafkaAdmin(connectionId)]);
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.admins.keys()].map((id) => this.forgetAdmin(id)));
    await Promise.all([...this.kafkaAdmins.keys()].map((id) => this.forgetKafkaAdmin(id)));
    this.clients.clear();
  }

  private async forgetKafkaAdmin(connectionId: string): Promise<void> {
    const admin = this.kafkaAdmins.get(connectionId);
    this.kafkaAdmins.delete(connectionId);
    await admin?.close();
  }

  private async forgetAdmin(connectionId: string): Promise<void> {
    const admin = this.admins.get(connectionId);
    this.admins.delete(connectionId);
    if (admin) await admin.then((a) => a.disconnect()).catch(() => undefined);
  }
}

function isConnectionFailure(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name ?? '';
  // Broker-side refusals (bad config value, unknown topic) leave the client healthy; keep it.
  return !/KafkaJSProtocolError|KafkaJSAggregateError|KafkaJSDeleteTopicRecordsError|KafkaJSCreateTopicError/.test(name);
}
