import {
  Admin,
  ConfigResourceTypes,
  describeTransactionsV0,
  FindCoordinatorKeyTypes,
  IncrementalAlterConfigOperationTypes,
  kGetConnection,
  type BaseOptions,
  type BrokerLogDirDescription,
  type Connection,
} from '@platformatic/kafka';
import { hasKafkaError } from './errors.js';
import { rawMetadata } from './raw-metadata.js';
import { call, rawListOffsets } from './raw-offsets.js';

export type { BrokerLogDirDescription };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface TopicSpec {
  topic: string;
  numPartitions?: number;
  replicationFactor?: number;
  configEntries?: Array<{ name: string; value: string }>;
}

export interface PartitionWatermarks {
  partition: number;
  low: number;
  high: number;
}

export interface ConfigEntry {
  name: string;
  value: string | null;
  readOnly: boolean;
  sensitive: boolean;
  /** Kafka's ConfigSource: 1 dynamic topic override, 2 dynamic broker, 3 dynamic default, 4 static, 5 default. */
  source: number;
}

export interface GroupListing {
  groupId: string;
  protocolType: string;
  /** 'Unknown' from brokers older than ListGroups v4 (Kafka 2.6). */
  state: string;
}

export interface GroupDescription {
  groupId: string;
  state: string;
  protocol: string;
  protocolType: string;
  members: Array<{ memberId: string; clientId: string; clientHost: string; assignments: Array<{ topic: string; partitions: number[] }> }>;
}

export interface ApiRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export interface TopicPartitionMetadata {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
}

/** Per Kafka error name, the topics (response paths) a CreateTopics refusal names. */
function refusedTopics(error: unknown): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const queue: unknown[] = [error];
  for (let seen = 0; queue.length > 0 && seen < 10_000; seen++) {
    const e = queue.shift() as { apiId?: unknown; path?: unknown; errors?: unknown; cause?: unknown } | null | undefined;
    if (!e || typeof e !== 'object') continue;
    if (typeof e.apiId === 'string') out.set(e.apiId, (out.get(e.apiId) ?? new Set<string>()).add(String(e.path)));
    if (Array.isArray(e.errors)) queue.push(...(e.errors as unknown[]));
    if (e.cause) queue.push(e.cause);
  }
  return out;
}

/**
 * The engine's admin operations on one cluster, over @platformatic/kafka's Admin. Engine code
 * outside `kafka/` uses these methods, never the client library itself.
 */
export class KafkaAdmin {
  /** The client, for the other modules of `kafka/` only. */
  readonly client: Admin;

  constructor(options: BaseOptions) {
    this.client = new Admin(options);
  }

  async describeCluster(): Promise<{
    clusterId: string;
    controller: number;
    brokers: Array<{ nodeId: number; host: string; port: number; rack: string | null }>;
  }> {
    const metadata = await this.client.metadata({ topics: [], forceUpdate: true });
    return {
      clusterId: metadata.id,
      controller: metadata.controllerId,
      brokers: [...metadata.brokers].map(([nodeId, b]) => ({ nodeId, host: b.host, port: b.port, rack: b.rack ?? null })),
    };
  }

  async listTopics(includeInternal = false): Promise<string[]> {
    return this.client.listTopics({ includeInternals: includeInternal });
  }

  /**
   * Partitions with leader, replicas and ISR per topic (every topic, internal ones included, when
   * `topics` is omitted), in one Metadata request. Partitions without a leader come back with
   * leader -1 instead of failing the answer.
   */
  async topicMetadata(topics?: readonly string[]): Promise<Map<string, TopicPartitionMetadata[]>> {
    const answer = await rawMetadata(this.client, topics ? [...topics] : null);
    const out = new Map<string, TopicPartitionMetadata[]>();
    for (const t of answer.topics) {
      if (!t.name) continue;
      const partitions = [...t.partitions].sort((a, b) => a.partitionIndex - b.partitionIndex);
      out.set(
        t.name,
        partitions.map((p) => ({
          partition: p.partitionIndex,
          leader: p.leaderId,
          replicas: p.replicaNodes,
          isr: p.isrNodes,
          offlineReplicas: p.offlineReplicas,
        })),
      );
    }
    return out;
  }

  /** Low (log start) and high watermark of every partition, in partition order. */
  async watermarks(topic: string): Promise<PartitionWatermarks[]> {
    const partitions = await this.partitionsOf(topic);
    const [low, high] = await Promise.all([this.offsetsAt(topic, partitions, -2n), this.offsetsAt(topic, partitions, -1n)]);
    return partitions.map((partition) => ({ partition, low: low.get(partition) ?? 0, high: high.get(partition) ?? 0 }));
  }

  /**
   * ListOffsets by time: per partition the first offset whose timestamp is >= `timestamp`, or -1
   * when no record is that recent.
   */
  async offsetsForTimestamp(topic: string, timestamp: number): Promise<Map<number, number>> {
    return this.offsetsAt(topic, await this.partitionsOf(topic), BigInt(timestamp));
  }

  /** The topic's partition ids (internal topics too, which the client's own metadata leaves out). */
  private async partitionsOf(topic: string): Promise<number[]> {
    const answer = await rawMetadata(this.client, [topic]);
    return (answer.topics.find((t) => t.name === topic)?.partitions ?? []).map((p) => p.partitionIndex).sort((a, b) => a - b);
  }

  /** ListOffsets with Kafka's special times: -1 latest, -2 earliest, or a timestamp. */
  private async offsetsAt(topic: string, partitions: number[], timestamp: bigint): Promise<Map<number, number>> {
    // Not the client's listOffsets, which hangs on internal topics: see raw-offsets.ts.
    return (await rawListOffsets(this.client, [{ topic, partitions }], timestamp)).get(topic) ?? new Map<number, number>();
  }

  /**
   * Creates topics and waits until every partition has a leader, polling through the errors a
   * broker returns while a new topic's metadata is still spreading. Returns false when all existed.
   */
  async createTopicsAndWait(topics: readonly TopicSpec[], timeoutMs = 30_000): Promise<boolean> {
    let created = false;
    // One CreateTopics per set of config overrides (the request carries one set for all its
    // topics): 2,000 topics take the broker a fraction of a second instead of a minute one by one.
    const groups = new Map<string, TopicSpec[]>();
    for (const spec of topics) {
      const key = JSON.stringify(spec.configEntries ?? []);
      groups.set(key, [...(groups.get(key) ?? []), spec]);
    }
    for (const specs of groups.values()) {
      const configs = specs[0]?.configEntries ?? [];
      try {
        await this.client.createTopics({
          topics: specs.map((spec) => ({
            topic: spec.topic,
            partitions: spec.numPartitions ?? -1,
            replicas: spec.replicationFactor ?? -1,
          })),
          ...(configs.length > 0 ? { configs } : {}),
        });
        created = true;
      } catch (error) {
        // Kafka answers per topic: the others were created even when some already existed.
        const refused = refusedTopics(error);
        const existing = refused.get('TOPIC_ALREADY_EXISTS');
        if (!existing || refused.size > 1) throw error;
        if (existing.size < specs.length) created = true;
      }
    }
    const names = topics.map((t) => t.topic);
    const deadline = Date.now() + timeoutMs;
    for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
      try {
        const described = await this.topicMetadata(names);
        const ready = names.every((name) => {
          const partitions = described.get(name);
          return partitions !== undefined && partitions.length > 0 && partitions.every((p) => p.leader >= 0);
        });
        if (ready) return created;
      } catch (error) {
        // The client reports a topic missing from a Metadata answer as a UserError "Unknown topic X."
        // (no Kafka error name): a broker may answer so just after CreateTopics returned.
        const unknown = error instanceof Error && /^Unknown topic /.test(error.message);
        if (!unknown && !hasKafkaError(error, 'UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_OR_FOLLOWER')) throw error;
      }
      if (Date.now() > deadline) throw new Error(`Topics ${names.join(', ')} were created but have no leader after ${timeoutMs / 1000} s`);
      await sleep(delay);
    }
  }

  async deleteTopics(topics: readonly string[]): Promise<void> {
    if (topics.length > 0) await this.client.deleteTopics({ topics: [...topics] });
  }

  /** Ids of every consumer group the cluster knows. */
  async listGroupIds(): Promise<string[]> {
    const groups = await this.client.listGroups();
    return [...groups.keys()].sort();
  }

  /** Groups as ListGroups reports them (every broker asked). */
  async listGroups(): Promise<GroupListing[]> {
    const groups = await this.client.listGroups();
    return [...groups.values()]
      .map((g) => ({ groupId: g.id, protocolType: g.protocolType, state: g.state }))
      .sort((a, b) => a.groupId.localeCompare(b.groupId));
  }

  /**
   * DescribeGroups through each group's coordinator. A group that does not exist comes back with
   * state 'Dead' and no members, as Kafka answers it.
   */
  async describeGroups(groupIds: readonly string[]): Promise<GroupDescription[]> {
    if (groupIds.length === 0) return [];
    const described = await this.client.describeGroups({ groups: [...groupIds] });
    return [...described.values()].map((g) => ({
      groupId: g.id,
      state: g.state,
      protocol: g.protocol,
      protocolType: g.protocolType,
      members: [...g.members.values()].map((m) => ({
        memberId: m.id,
        clientId: m.clientId,
        clientHost: m.clientHost,
        assignments: [...(m.assignments?.values() ?? [])].map((a) => ({
          topic: a.topic,
          partitions: [...a.partitions].sort((x, y) => x - y),
        })),
      })),
    }));
  }

  /** Committed offsets of a group: topic → partition → offset (-1 when none), for `topics` or every topic it committed. */
  async groupOffsets(groupId: string, topics?: readonly string[]): Promise<Map<string, Map<number, number>>> {
    let request: Parameters<Admin['listConsumerGroupOffsets']>[0]['groups'][number] = groupId;
    if (topics !== undefined && topics.length > 0) {
      // OffsetFetch names partitions explicitly; ask for every partition the topics have.
      const metadata = await this.client.metadata({ topics: [...topics] });
      request = {
        groupId,
        topics: topics.map((name) => ({
          name,
          partitionIndexes: Array.from({ length: metadata.topics.get(name)?.partitionsCount ?? 0 }, (_, i) => i),
        })),
      };
    }
    const [group] = await this.client.listConsumerGroupOffsets({ groups: [request] });
    const out = new Map<string, Map<number, number>>();
    for (const t of group?.topics ?? []) out.set(t.name, new Map(t.partitions.map((p) => [p.partitionIndex, Number(p.committedOffset)])));
    return out;
  }

  /** The group's committed next offset per partition of `topic` (partitions without one left out). */
  async committedOffsets(groupId: string, topic: string): Promise<Map<number, number>> {
    const committed = (await this.groupOffsets(groupId, [topic])).get(topic) ?? new Map<number, number>();
    return new Map([...committed].filter(([, offset]) => offset >= 0));
  }

  /** Members of a consumer group right now (0 when it does not exist). */
  async groupMemberCount(groupId: string): Promise<number> {
    const [group] = await this.describeGroups([groupId]);
    return group?.members.length ?? 0;
  }

  /**
   * Commits offsets for a group with no active member (OffsetCommit with generation -1, as
   * kafka-consumer-groups --reset-offsets does); the broker refuses it while members are active.
   */
  async alterGroupOffsets(groupId: string, topic: string, offsets: ReadonlyArray<{ partition: number; offset: number }>): Promise<void> {
    await this.client.alterConsumerGroupOffsets({
      groupId,
      topics: [{ name: topic, partitionOffsets: offsets.map((o) => ({ partition: o.partition, offset: BigInt(o.offset) })) }],
    });
  }

  async deleteGroups(groupIds: readonly string[]): Promise<void> {
    if (groupIds.length > 0) await this.client.deleteGroups({ groups: [...groupIds] });
  }

  /** DescribeConfigs of topics or brokers (by node id); `names` narrows to some config keys. */
  async describeConfigs(
    type: 'topic' | 'broker',
    resources: readonly string[],
    names?: readonly string[],
  ): Promise<Map<string, ConfigEntry[]>> {
    const resourceType = type === 'topic' ? ConfigResourceTypes.TOPIC : ConfigResourceTypes.BROKER;
    const described = await this.client.describeConfigs({
      resources: resources.map((resourceName) => ({ resourceType, resourceName, ...(names ? { configurationKeys: [...names] } : {}) })),
      includeSynonyms: false,
    });
    return new Map(
      described.map((r) => [
        r.resourceName,
        r.configs.map((c): ConfigEntry => ({
          name: c.name,
          value: c.value ?? null,
          readOnly: c.readOnly,
          sensitive: c.isSensitive,
          source: c.configSource,
        })),
      ]),
    );
  }

  /**
   * IncrementalAlterConfigs of one topic: a value sets the key, null removes the override. Unlike
   * the legacy AlterConfigs it leaves the topic's other overrides alone.
   */
  async alterTopicConfigs(topic: string, changes: ReadonlyArray<{ name: string; value: string | null }>): Promise<void> {
    await this.client.incrementalAlterConfigs({
      resources: [
        {
          resourceType: ConfigResourceTypes.TOPIC,
          resourceName: topic,
          configs: changes.map((c) =>
            c.value === null
              ? { name: c.name, configOperation: IncrementalAlterConfigOperationTypes.DELETE }
              : { name: c.name, configOperation: IncrementalAlterConfigOperationTypes.SET, value: c.value },
          ),
        },
      ],
    });
  }

  /** Raises a topic's partition count to `count` (Kafka cannot lower it). */
  async createPartitions(topic: string, count: number): Promise<void> {
    await this.client.createPartitions({ topics: [{ name: topic, count }] });
  }

  /** DescribeLogDirs on every broker for these topics' partitions. */
  async describeLogDirs(topics: ReadonlyArray<{ name: string; partitions: number[] }>): Promise<BrokerLogDirDescription[]> {
    if (topics.length === 0) return [];
    return this.client.describeLogDirs({ topics: topics.map((t) => ({ name: t.name, partitions: t.partitions })) });
  }

  /**
   * The broker's record of a transactional id (DescribeTransactions, KIP-664), asked of its
   * transaction coordinator: state (Empty, Ongoing, PrepareCommit, CompleteAbort…), the timeout
   * after which the broker aborts an open transaction, and when the current one started.
   */
  async describeTransaction(transactionalId: string): Promise<{ state: string; timeoutMs: number; startedAt: number }> {
    const [coordinator] = await this.client.findCoordinator({ keyType: FindCoordinatorKeyTypes.TRANSACTION, keys: [transactionalId] });
    if (!coordinator) throw new Error(`No transaction coordinator for ${transactionalId}`);
    const connection = await call<Connection>((cb) => this.client[kGetConnection]({ host: coordinator.host, port: coordinator.port }, cb));
    const { transactionStates } = await describeTransactionsV0.api.async(connection, [transactionalId]);
    const found = transactionStates.find((t) => t.transactionalId === transactionalId);
    if (!found || found.errorCode !== 0) throw new Error(`Transactional id ${transactionalId} is unknown to its coordinator`);
    return { state: found.transactionState, timeoutMs: found.transactionTimeoutMs, startedAt: Number(found.transactionStartTimeMs) };
  }

  /** The API versions a bootstrap broker offers (ApiVersions). */
  async apiVersions(): Promise<ApiRange[]> {
    const apis = await this.client.listApis();
    return apis.map((a) => ({ apiKey: a.apiKey, minVersion: a.minVersion, maxVersion: a.maxVersion }));
  }

  /**
   * Low and high watermarks of many topics' partitions: one Metadata request and two ListOffsets
   * rounds, each one request per leader broker. Partitions without a leader must be left out.
   */
  async watermarksOf(
    topics: ReadonlyArray<{ topic: string; partitions: number[] }>,
  ): Promise<Map<string, Map<number, { low: number; high: number }>>> {
    const wanted = topics.filter((t) => t.partitions.length > 0);
    const out = new Map<string, Map<number, { low: number; high: number }>>();
    if (wanted.length === 0) return out;
    const [low, high] = await Promise.all([rawListOffsets(this.client, wanted, -2n), rawListOffsets(this.client, wanted, -1n)]);
    for (const [listed, side] of [
      [low, 'low'],
      [high, 'high'],
    ] as const) {
      for (const [topic, offsets] of listed) {
        let row = out.get(topic);
        if (!row) out.set(topic, (row = new Map<number, { low: number; high: number }>()));
        for (const [partition, offset] of offsets) {
          const entry = row.get(partition) ?? { low: 0, high: 0 };
          entry[side] = offset;
          row.set(partition, entry);
        }
      }
    }
    return out;
  }

  /** DeleteRecords: moves each partition's log start to the offset given. */
  async deleteRecords(topic: string, offsets: ReadonlyArray<{ partition: number; offset: number }>): Promise<void> {
    await this.client.deleteRecords({
      topics: [{ name: topic, partitions: offsets.map((o) => ({ partition: o.partition, offset: BigInt(o.offset) })) }],
    });
  }

  async close(): Promise<void> {
    await this.client.close().catch(() => undefined);
  }
}
