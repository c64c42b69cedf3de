import { WorkbenchError } from '../../../shared/errors.js';
import type { TopicConfig, TopicDetail } from '../../../shared/topic-browser.js';
import type { KafkaAdmin } from '../kafka/admin.js';
import type { KafkaClients } from '../kafka/kafka-clients.js';
import { brokerWords, describeTopicError } from './kafka-errors.js';

/** Kafka's ConfigSource DYNAMIC_TOPIC_CONFIG: an override set on this topic. */
const TOPIC_OVERRIDE = 1;

/** Topic administration over the shared admin client. */
export class TopicAdmin {
  private readonly clients: KafkaClients;

  constructor(clients: KafkaClients) {
    this.clients = clients;
  }

  /** Runs `work`; broker refusals keep the broker's wording (caught inside, before the generic mapping). */
  private admin<T>(connectionId: string, topic: string, work: (admin: KafkaAdmin) => Promise<T>): Promise<T> {
    return this.clients.admin(connectionId, async (admin) => {
      try {
        return await work(admin);
      } catch (error) {
        throw describeTopicError(this.clients, connectionId, topic, error);
      }
    });
  }

  async describe(connectionId: string, topic: string): Promise<TopicDetail> {
    return this.admin(connectionId, topic, async (admin) => {
      const existing = await admin.listTopics(true);
      if (!existing.includes(topic)) throw new WorkbenchError('NOT_FOUND', `Topic ${topic} does not exist`);
      const [metadata, offsets, configs] = await Promise.all([
        admin.topicMetadata([topic]),
        admin.watermarks(topic),
        admin.describeConfigs('topic', [topic]),
      ]);
      const described = metadata.get(topic);
      if (!described) throw new WorkbenchError('NOT_FOUND', `Topic ${topic} does not exist`);
      const marks = new Map(offsets.map((o) => [o.partition, o]));
      const partitions = described
        .map((p) => ({
          partition: p.partition,
          leader: p.leader,
          replicas: p.replicas,
          isr: p.isr,
          offlineReplicas: p.offlineReplicas,
          low: marks.get(p.partition)?.low ?? 0,
          high: marks.get(p.partition)?.high ?? 0,
        }))
        .sort((a, b) => a.partition - b.partition);
      const entries: TopicConfig[] = (configs.get(topic) ?? [])
        .map((e) => ({
          name: e.name,
          value: e.sensitive ? null : e.value,
          isDefault: e.source !== TOPIC_OVERRIDE,
          readOnly: e.readOnly,
          sensitive: e.sensitive,
          source: String(e.source),
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

  async create(
    connectionId: string,
    input: { topic: string; partitions: number; replicationFactor: number; configs: { name: string; value: string }[] },
  ): Promise<{ topic: string }> {
    const created = await this.admin(connectionId, input.topic, async (admin) => {
      try {
        return await admin.createTopicsAndWait([
          { topic: input.topic, numPartitions: input.partitions, replicationFactor: input.replicationFactor, configEntries: input.configs },
        ]);
      } catch (error) {
        // The broker's words name the problem but not always the value: add what was sent.
        const words = brokerWords(error);
        if (words === null) throw error;
        const sent = [
          `partitions=${input.partitions}`,
          `replication factor=${input.replicationFactor}`,
          ...input.configs.map((c) => `${c.name}=${c.value}`),
        ].join(', ');
        throw new WorkbenchError('VALIDATION', `Kafka refused topic ${input.topic}: ${words} (${sent})`);
      }
    });
    if (!created) throw new WorkbenchError('CONFLICT', `Topic ${input.topic} already exists`);
    return { topic: input.topic };
  }

  async delete(connectionId: string, topic: string): Promise<{ deleted: boolean }> {
    await this.admin(connectionId, topic, async (admin) => {
      const existing = await admin.listTopics(true);
      if (!existing.includes(topic)) throw new WorkbenchError('NOT_FOUND', `Topic ${topic} does not exist`);
      await admin.deleteTopics([topic]);
    });
    return { deleted: true };
  }

  async addPartitions(connectionId: string, topic: string, count: number): Promise<{ partitions: number }> {
    const detail = await this.describe(connectionId, topic);
    if (count <= detail.partitions.length) {
      throw new WorkbenchError(
        'VALIDATION',
        `Topic ${topic} already has ${detail.partitions.length} partitions; the new count must be larger (Kafka cannot remove partitions)`,
      );
    }
    await this.admin(connectionId, topic, (admin) => admin.createPartitions(topic, count));
    return { partitions: count };
  }

  /**
   * Sets (or, with null, removes) one override through IncrementalAlterConfigs, which leaves the
   * topic's other overrides alone: no need to read them back and resend them all, so a sensitive
   * override that cannot be read back no longer blocks the edit.
   */
  async alterConfig(connectionId: string, topic: string, name: string, value: string | null): Promise<{ updated: boolean }> {
    await this.clients.admin(connectionId, async (admin) => {
      try {
        const existing = await admin.listTopics(true);
        if (!existing.includes(topic)) throw new WorkbenchError('NOT_FOUND', `Topic ${topic} does not exist`);
        await admin.alterTopicConfigs(topic, [{ name, value }]);
      } catch (error) {
        const words = error instanceof WorkbenchError ? null : brokerWords(error);
        throw words === null
          ? describeTopicError(this.clients, connectionId, topic, error)
          : new WorkbenchError('VALIDATION', `Kafka refused ${name}=${value ?? '(default)'}: ${words}`);
      }
    });
    return { updated: true };
  }
}
