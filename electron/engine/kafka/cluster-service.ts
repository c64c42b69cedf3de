import { ConfigResourceTypes, type Admin, type Kafka } from './kafkajs.js';
import type { ClusterOverview, TopicSummary } from '../../../shared/cluster.js';
import type { Connection } from '../../../shared/connection.js';
import { createKafka, describeKafkaError, type KafkaLog } from './client-factory.js';

export interface ConnectionSecrets {
  connection(id: string): Connection;
  password(id: string): string | null;
}

/**
 * Read-only cluster queries for a saved connection. One admin client per connection, kept while
 * the connection is used and closed on dispose().
 */
export class ClusterService {
  private readonly admins = new Map<string, Promise<Admin>>();
  private readonly source: ConnectionSecrets;
  private readonly log: KafkaLog | undefined;

  constructor(source: ConnectionSecrets, log?: KafkaLog) {
    this.source = source;
    this.log = log;
  }

  async overview(connectionId: string): Promise<ClusterOverview> {
    return this.withAdmin(connectionId, async (admin) => {
      const cluster = await admin.describeCluster();
      const racks = await this.brokerRacks(admin, cluster.brokers.map((b) => b.nodeId));
      const topics = await admin.listTopics();
      return {
        connectionId,
        clusterId: cluster.clusterId,
        controllerId: cluster.controller,
        brokers: cluster.brokers
          .map((b) => ({
            nodeId: b.nodeId,
            host: b.host,
            port: b.port,
            rack: racks.get(b.nodeId) ?? null,
            isController: b.nodeId === cluster.controller,
          }))
          .sort((a, b) => a.nodeId - b.nodeId),
        topicCount: topics.length,
      };
    });
  }

  async topics(connectionId: string, includeInternal: boolean): Promise<TopicSummary[]> {
    return this.withAdmin(connectionId, async (admin) => {
      const { topics } = await admin.fetchTopicMetadata();
      return topics
        .map((t) => ({
          name: t.name,
          partitions: t.partitions.length,
          replicationFactor: t.partitions.reduce((max, p) => Math.max(max, p.replicas.length), 0),
          // Kafka's own internal topics all start with "__" (__consumer_offsets, __transaction_state, __share_group_state).
          internal: t.name.startsWith('__'),
        }))
        .filter((t) => includeInternal || !t.internal)
        .sort((a, b) => a.name.localeCompare(b.name));
    });
  }

  /** Reachability probe with a fresh, fail-fast client. */
  static async probe(kafka: Kafka, brokers: readonly string[]): Promise<{ clusterId: string; brokerCount: number }> {
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      return { clusterId: cluster.clusterId, brokerCount: cluster.brokers.length };
    } catch (error) {
      throw describeKafkaError(error, brokers);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /** Drops the cached client of a connection (after an edit or removal). */
  async forget(connectionId: string): Promise<void> {
    const admin = this.admins.get(connectionId);
    this.admins.delete(connectionId);
    if (admin) await admin.then((a) => a.disconnect()).catch(() => undefined);
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.admins.keys()].map((id) => this.forget(id)));
  }

  private async withAdmin<T>(connectionId: string, run: (admin: Admin) => Promise<T>): Promise<T> {
    const connection = this.source.connection(connectionId);
    let admin = this.admins.get(connectionId);
    if (!admin) {
      const kafka = createKafka(connection, this.source.password(connectionId), { purpose: 'operate', ...(this.log ? { log: this.log } : {}) });
      const created = kafka.admin();
      admin = created.connect().then(() => created);
      this.admins.set(connectionId, admin);
    }
    try {
      return await run(await admin);
    } catch (error) {
      // A failed client may be wedged (broker restarted, credentials changed): start fresh next time.
      await this.forget(connectionId);
      throw describeKafkaError(error, connection.bootstrapServers);
    }
  }

  private async brokerRacks(admin: Admin, nodeIds: number[]): Promise<Map<number, string | null>> {
    const racks = new Map<number, string | null>();
    try {
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: nodeIds.map((id) => ({ type: ConfigResourceTypes.BROKER, name: String(id), configNames: ['broker.rack'] })),
      });
      for (const resource of resources) {
        const value = resource.configEntries.find((e) => e.configName === 'broker.rack')?.configValue ?? null;
        racks.set(Number(resource.resourceName), value === '' ? null : value);
      }
    } catch (error) {
      // Racks are optional detail; a cluster that refuses DescribeConfigs still gets an overview.
      this.log?.('warn', `broker.rack lookup failed: ${String(error)}`);
    }
    return racks;
  }
}
