import type { ClusterOverview, TopicSummary } from '../../../shared/cluster.js';
import { KafkaAdmin } from './admin.js';
import { baseOptions, type ConnectionFields } from './client-options.js';
import { describeKafkaError } from './errors.js';
import type { KafkaClients } from './kafka-clients.js';

/** Read-only cluster queries for a saved connection, over the shared clients. */
export class ClusterService {
  private readonly clients: KafkaClients;

  constructor(clients: KafkaClients) {
    this.clients = clients;
  }

  async overview(connectionId: string): Promise<ClusterOverview> {
    return this.clients.admin(connectionId, async (admin) => {
      const cluster = await admin.describeCluster();
      const racks = await this.brokerRacks(
        admin,
        cluster.brokers.map((b) => b.nodeId),
      );
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
            // Metadata carries the rack; DescribeConfigs is asked too, for brokers that leave it out of metadata.
            rack: racks.get(b.nodeId) ?? b.rack,
            isController: b.nodeId === cluster.controller,
          }))
          .sort((a, b) => a.nodeId - b.nodeId),
        topicCount: topics.length,
      };
    });
  }

  async topics(connectionId: string, includeInternal: boolean): Promise<TopicSummary[]> {
    return this.clients.admin(connectionId, async (admin) => {
      const topics = await admin.topicMetadata();
      return [...topics]
        .map(([name, partitions]) => ({
          name,
          partitions: partitions.length,
          replicationFactor: partitions.reduce((max, p) => Math.max(max, p.replicas.length), 0),
          // Kafka's own internal topics all start with "__" (__consumer_offsets, __transaction_state, __share_group_state).
          internal: name.startsWith('__'),
        }))
        .filter((t) => includeInternal || !t.internal)
        .sort((a, b) => a.name.localeCompare(b.name));
    });
  }

  /** Reachability probe with a fresh, fail-fast client (the connection test). */
  static async probe(connection: ConnectionFields, password: string | null): Promise<{ clusterId: string; brokerCount: number }> {
    let admin: KafkaAdmin | undefined;
    try {
      admin = new KafkaAdmin(baseOptions(connection, password, 'test'));
      const cluster = await admin.describeCluster();
      return { clusterId: cluster.clusterId, brokerCount: cluster.brokers.length };
    } catch (error) {
      throw describeKafkaError(error, connection.bootstrapServers);
    } finally {
      await admin?.close();
    }
  }

  private async brokerRacks(admin: KafkaAdmin, nodeIds: number[]): Promise<Map<number, string | null>> {
    const racks = new Map<number, string | null>();
    try {
      const described = await admin.describeConfigs('broker', nodeIds.map(String), ['broker.rack']);
      for (const [nodeId, entries] of described) {
        const value = entries.find((e) => e.name === 'broker.rack')?.value ?? null;
        racks.set(Number(nodeId), value === '' ? null : value);
      }
    } catch (error) {
      // Racks are optional detail; a cluster that refuses DescribeConfigs still gets an overview.
      this.clients.log?.('warn', `broker.rack lookup failed: ${String(error)}`);
    }
    return racks;
  }
}
