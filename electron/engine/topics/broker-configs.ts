import { brokerConfigSources, type BrokerConfigs } from '../../../shared/topic-browser.js';
import type { KafkaClients } from '../kafka/kafka-clients.js';

/** ConfigSource 5 = DEFAULT_CONFIG: Kafka's built-in default; every other source was set by someone. */
const DEFAULT_CONFIG = 5;

/** One broker's configs, as `kafka-configs --describe --all --entity-type brokers` shows them. */
export async function brokerConfigs(clients: KafkaClients, connectionId: string, nodeId: number): Promise<BrokerConfigs> {
  const described = await clients.admin(connectionId, (admin) => admin.describeConfigs('broker', [String(nodeId)]));
  const configs = (described.get(String(nodeId)) ?? [])
    .map((e) => ({
      name: e.name,
      value: e.sensitive ? null : e.value,
      isDefault: e.source === DEFAULT_CONFIG,
      readOnly: e.readOnly,
      sensitive: e.sensitive,
      source: brokerConfigSources[e.source] ?? 'unknown',
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { nodeId, configs };
}
