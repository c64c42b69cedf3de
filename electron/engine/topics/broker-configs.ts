import { brokerConfigSources, type BrokerConfigs } from '../../../shared/topic-browser.js';
import { ConfigResourceTypes } from '../kafka/kafkajs.js';
import type { KafkaClients } from '../kafka/kafka-clients.js';

/** ConfigSource 5 = DEFAULT_CONFIG: Kafka's built-in default; every other source was set by someone. */
const DEFAULT_CONFIG = 5;

/** One broker's configs, as `kafka-configs --describe --all --entity-type brokers` shows them. */
export async function brokerConfigs(clients: KafkaClients, connectionId: string, nodeId: number): Promise<BrokerConfigs> {
  const { resources } = await clients.withAdmin(connectionId, (admin) =>
    admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.BROKER, name: String(nodeId) }] }),
  );
  const configs = (resources[0]?.configEntries ?? [])
    .map((e) => {
      const source = Number(e.configSource);
      return {
        name: e.configName,
        value: e.isSensitive ? null : e.configValue,
        // Old brokers (DescribeConfigs v0) have no source, only isDefault.
        isDefault: Number.isInteger(source) && source > 0 ? source === DEFAULT_CONFIG : e.isDefault,
        readOnly: e.readOnly,
        sensitive: e.isSensitive,
        source: brokerConfigSources[source] ?? 'unknown',
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  return { nodeId, configs };
}
