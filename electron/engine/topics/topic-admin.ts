import { WorkbenchError } from '../../../shared/errors.js';
import { createTopicsAndWait } from '../kafka/create-topics.js';
import type { TopicConfig, TopicDetail } from '../../../shared/topic-browser.js';
import { ConfigResourceTypes, type Admin } from '../kafka/kafkajs.js';
import type { KafkaClients } from '../kafka/kafka-clients.js';
import { brokerWords, describeTopicError } from './kafka-errors.js';

/** kafkajs ConfigSource: 1 = a dynamic override set on this topic. */
const TOPIC_OVERRIDE = 1;

/** Topic administration over the shared admin client. */
export class TopicAdmin {
  private readonly clients: KafkaClients;

  constructor(clients: KafkaClients) {
    this.clients = clients;
  }

  /** Runs `work`; broker refusals keep the broker's wording (caught inside, before the generic mapping). */
  private admin<T>(connectionId: string, topic: string, work: (admin: Admin) => Promise<T>): Promise<T> {
    return this.clients.withAdmin(connectionId, async (admin) => {
      try {
        return await work(admin);
      } catch (error) {
        throw describeTopicError(this.clients, connectionId, topic, error);
      }
    });
  }

  async describe(connectionId: string, topic: string): Promise<TopicDetail> {
    return this.admin(connectionId, topic, async (admin) => {
      const existing = await admin.listTopics();
      if (!existing.includes(topic)) throw new WorkbenchError('NOT_FOUND', `Topic ${topic} does not exist`);
      const [{ topics }, offsets, configs] = await Promise.all([
        admin.fetchTopicMetadata({ topics: [topic] }),
        admin.fetchTopicOffsets(topic),
        admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] }),
      ]);
      const metadata = topics[0];
      if (!metadata) throw new WorkbenchError('NOT_FOUND', `Topic ${topic} does not exist`);
      const marks = new Map(offsets.map((o) => [o.partition, { low: Number(o.low), high: Number(o.high) }]));
      const partitions = metadata.partitions
        .map((p) => ({
          partition: p.partitionId,
          leader: p.leader,
          replicas: p.replicas,
          isr: p.isr,
          offlineReplicas: p.offlineReplicas ?? [],
          low: marks.get(p.partitionId)?.low ?? 0,
          high: marks.get(p.partitionId)?.high ?? 0,
        }))
        .sort((a, b) => a.partition - b.partition);
      const entries: TopicConfig[] = (configs.resources[0]?.configEntries ?? [])
        .map((e) => ({
          name: e.configName,
          value: e.isSensitive ? null : e.configValue,
          isDefault: e.isDefault || Number(e.configSource) !== TOPIC_OVERRIDE,
          readOnly: e.readOnly,
          sensitive: e.isSensitive,
          source: String(e.configSource),
        }))
        .sort((a, b) => a.name.localeCompare(b.name));
      return {
        name: topic,
        internal: topic.startsWith('__'),
        partitions,
        configs: entries,
        replicationFactor: partitions.reduce((max, p) => Math.max(max, p.replicas.length), 0),
        underReplicated: partitions.filter((p) => p.isr.length < p.replicas.length).length,
        totalMessages: partitions.reduce((sum, p) => sum + (p.high - p.low), 0),
      };
    });
  }

  async create(connectionId: string, input: { topic: string; partitions: number; replicationFactor: number; configs: { name: string; value: string }[] }): Promise<{ topic: string }> {
    const created = await this.admin(connectionId, input.topic, async (admin) => {
      try {
        return await createTopicsAndWait(admin, [
          { topic: input.topic, numPartitions: input.partitions, replicationFactor: input.replicationFactor, configEntries: input.configs },
        ]);
      } catch (error) {
        // kafkajs drops the broker's error text and keeps only the code's description: name what was sent.
        const words = brokerWords(error);
        if (words === null) throw error;
        const sent = [`partitions=${input.partitions}`, `replication factor=${input.replicationFactor}`, ...input.configs.map((c) => `${c.name}=${c.value}`)].join(', ');
        throw new WorkbenchError('VALIDATION', `Kafka refused topic ${input.topic}: ${words} (${sent})`);
      }
    });
    if (!created) throw new WorkbenchError('CONFLICT', `Topic ${input.topic} already exists`);
    return { topic: input.topic };
  }

  async delete(connectionId: string, topic: string): Promise<{ deleted: boolean }> {
    await this.admin(connectionId, topic, async (admin) => {
      const existing = await admin.listTopics();
      if (!existing.includes(topic)) throw new WorkbenchError('NOT_FOUND', `Topic ${topic} does not exist`);
      await admin.deleteTopics({ topics: [topic] });
    });
    return { deleted: true };
  }

  async addPartitions(connectionId: string, topic: string, count: number): Promise<{ partitions: number }> {
    const detail = await this.describe(connectionId, topic);
    if (count <= detail.partitions.length) {
      throw new WorkbenchError('VALIDATION', `Topic ${topic} already has ${detail.partitions.length} partitions; the new count must be larger (Kafka cannot remove partitions)`);
    }
    await this.admin(connectionId, topic, (admin) => admin.createPartitions({ topicPartitions: [{ topic, count }] }));
    return { partitions: count };
  }

  /**
   * kafkajs only speaks the legacy AlterConfigs, which replaces the whole override set: so we send
   * every current override of the topic with the one change applied, or the others would be lost.
   */
  async alterConfig(connectionId: string, topic: string, name: string, value: string | null): Promise<{ updated: boolean }> {
    const detail = await this.describe(connectionId, topic);
    const overrides = new Map(detail.configs.filter((c) => !c.isDefault && !c.sensitive && c.value !== null).map((c) => [c.name, c.value ?? '']));
    if (detail.configs.some((c) => c.sensitive && !c.isDefault)) {
      throw new WorkbenchError('CONFLICT', `Topic ${topic} has a sensitive config override that cannot be read back; edit it with kafka-configs instead`);
    }
    if (value === null) overrides.delete(name);
    else overrides.set(name, value);
    await this.clients.withAdmin(connectionId, async (admin) => {
      try {
        await admin.alterConfigs({
          validateOnly: false,
          resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [...overrides].map(([n, v]) => ({ name: n, value: v })) }],
        });
      } catch (error) {
        const refused = (error as { name?: string }).name === 'KafkaJSProtocolError' ? ((error as { message?: string }).message ?? null) : null;
        const words = brokerWords(error) ?? refused;
        throw words === null ? describeTopicError(this.clients, connectionId, topic, error) : new WorkbenchError('VALIDATION', `Kafka refused ${name}=${value ?? '(default)'}: ${words}`);
      }
    });
    return { updated: true };
  }
}
