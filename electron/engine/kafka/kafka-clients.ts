import type { BaseOptions } from '@platformatic/kafka';
import type { Connection } from '../../../shared/connection.js';
import type { WorkbenchError } from '../../../shared/errors.js';
import { KafkaAdmin } from './admin.js';
import { baseOptions } from './client-options.js';
import { describeKafkaError, isConnectionFailure } from './errors.js';
import { PartitionReader } from './partition-reader.js';

export interface ConnectionSource {
  connection(id: string): Connection;
  password(id: string): string | null;
}

export type KafkaLog = (level: 'error' | 'warn' | 'info', message: string) => void;

/**
 * The clients of every saved connection, shared by every feature of the engine: one admin per
 * connection, readers and producers built from the connection's options. An edit or removal of the
 * connection drops them (`forget`); quit closes them (`dispose`).
 */
export class KafkaClients {
  private readonly admins = new Map<string, KafkaAdmin>();
  private readonly source: ConnectionSource;
  readonly log: KafkaLog | undefined;

  constructor(source: ConnectionSource, log?: KafkaLog) {
    this.source = source;
    this.log = log;
  }

  connection(connectionId: string): Connection {
    return this.source.connection(connectionId);
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
    let admin = this.admins.get(connectionId);
    if (!admin) {
      admin = new KafkaAdmin(this.options(connectionId));
      this.admins.set(connectionId, admin);
    }
    try {
      return await work(admin);
    } catch (error) {
      if (isConnectionFailure(error)) await this.forgetAdmin(connectionId);
      throw describeKafkaError(error, connection.bootstrapServers);
    }
  }

  /** A group-less reader of partitions at offsets; the caller closes it. `overrides`: e.g. no client retries where the caller retries. */
  reader(connectionId: string, overrides: Pick<BaseOptions, 'retries'> = {}): PartitionReader {
    return new PartitionReader({ ...this.options(connectionId), ...overrides });
  }

  /** The user-facing form of a Kafka error for this connection. */
  describe(connectionId: string, error: unknown): WorkbenchError {
    return describeKafkaError(error, this.source.connection(connectionId).bootstrapServers);
  }

  async forget(connectionId: string): Promise<void> {
    await this.forgetAdmin(connectionId);
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.admins.keys()].map((id) => this.forgetAdmin(id)));
  }

  private async forgetAdmin(connectionId: string): Promise<void> {
    const admin = this.admins.get(connectionId);
    this.admins.delete(connectionId);
    await admin?.close();
  }
}
