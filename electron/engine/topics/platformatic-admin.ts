import { Admin } from '@platformatic/kafka';
import type { Connection } from '../../../shared/connection.js';
import { producerConfigSchema } from '../../../shared/producers.js';
import { producerOptions } from '../kafka/client-options.js';

export interface ConnectionSource {
  connection(id: string): Connection;
  password(id: string): string | null;
}

/**
 * @platformatic/kafka admin clients, one per connection, used only for what kafkajs lacks
 * (DescribeLogDirs, ApiVersions). Connection settings (bootstrap, TLS, SASL) are mapped by the same
 * function the platformatic producer uses, so both clients reach a cluster the same way.
 */
export class PlatformaticAdmins {
  private readonly admins = new Map<string, Admin>();
  private readonly source: ConnectionSource;

  constructor(source: ConnectionSource) {
    this.source = source;
  }

  get(connectionId: string): Admin {
    let admin = this.admins.get(connectionId);
    if (admin === undefined) {
      const mapped = producerOptions(this.source.connection(connectionId), this.source.password(connectionId), producerConfigSchema.parse({}));
      admin = new Admin({
        clientId: 'kafka-workbench-admin',
        bootstrapBrokers: mapped.bootstrapBrokers,
        connectTimeout: 5_000,
        timeout: 15_000,
        retries: 1,
        ...(mapped.tls === undefined ? {} : { tls: mapped.tls }),
        ...(mapped.sasl === undefined ? {} : { sasl: mapped.sasl }),
      });
      this.admins.set(connectionId, admin);
    }
    return admin;
  }

  /** Drops a client after a failure, so the next call reconnects (e.g. after the broker restarted or the connection was edited). */
  async forget(connectionId: string): Promise<void> {
    const admin = this.admins.get(connectionId);
    this.admins.delete(connectionId);
    await admin?.close().catch(() => undefined);
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.admins.keys()].map((id) => this.forget(id)));
  }
}
