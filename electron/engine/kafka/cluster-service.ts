import { ConfigResourceTypes, type Admin, type Kafka } from './kafkajs.js';
import type { ClusterOverview, TopicSummary } from '../../../shared/cluster.js';
import { describeKafkaError } from './client-factory.js';
import type { KafkaClients } from './kafka-clients.js';

/** Read-only cluster queries for a saved connection, over the shared clients. */
export class ClusterService {
  private readonly clients: KafkaClients;

  constructor(clients: KafkaClients) {
    this.clients = clients;
  }

  async overview(connectionId: string): Promise<ClusterOverview> {
    return this.clients.withAdmin(connectionId, async (admin) => {
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
    return this.clients.withAdmin(connectionId, async (admin) => {
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
      this.clients.log?.('warn', `broker.rack lookup failed: ${String(error)}`);
    }
    return racks;
  }
}
