import { WorkbenchError } from '../../../shared/errors.js';
import type { GroupDetail } from '../../../shared/topic-browser.js';
import { AssignerProtocol, type Admin } from '../kafka/kafkajs.js';
import type { KafkaClients } from '../kafka/kafka-clients.js';
import { brokerWords } from './kafka-errors.js';

/** The workbench's own throw-away groups (browse, tail) are not shown. */
const OWN_GROUP = /^kwb-(browse|tail)-/;

export type ResetTarget =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'timestamp'; timestamp: number }
  | { kind: 'offset'; offset: number; partition: number | null };

function assignments(buffer: Buffer): { topic: string; partitions: number[] }[] {
  try {
    const decoded = AssignerProtocol.MemberAssignment.decode(buffer);
    return Object.entries(decoded?.assignment ?? {}).map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) }));
  } catch {
    // Not the consumer protocol (e.g. Connect): no partition list to show.
    return [];
  }
}

/** Consumer groups: list, describe with lag, reset offsets, delete. */
export class ConsumerGroups {
  private readonly clients: KafkaClients;

  constructor(clients: KafkaClients) {
    this.clients = clients;
  }

  async list(connectionId: string, topic: string | undefined) {
    return this.clients.withAdmin(connectionId, async (admin) => {
      const { groups } = await admin.listGroups();
      const visible = groups.filter((g) => !OWN_GROUP.test(g.groupId));
      if (visible.length === 0) return [];
      const { groups: described } = await admin.describeGroups(visible.map((g) => g.groupId));
      const states = new Map(described.map((d) => [d.groupId, d.state]));
      let result = visible.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, state: states.get(g.groupId) ?? 'Unknown' }));
      if (topic !== undefined) {
        const reads = await Promise.all(
          result.map(async (g) => {
            const offsets = await admin.fetchOffsets({ groupId: g.groupId, topics: [topic] });
            const committed = offsets.some((t) => t.partitions.some((p) => Number(p.offset) >= 0));
            const assigned = described.find((d) => d.groupId === g.groupId)?.members.some((m) => assignments(m.memberAssignment).some((a) => a.topic === topic));
            return committed || assigned === true;
          }),
        );
        result = result.filter((_, i) => reads[i]);
      }
      return result.sort((a, b) => a.groupId.localeCompare(b.groupId));
    });
  }

  async describe(connectionId: string, groupId: string): Promise<GroupDetail> {
    return this.clients.withAdmin(connectionId, async (admin) => {
      const { groups } = await admin.describeGroups([groupId]);
      const group = groups[0];
      if (!group || group.state === 'Dead') throw new WorkbenchError('NOT_FOUND', `Consumer group ${groupId} does not exist`);
      const members = group.members.map((m) => ({ memberId: m.memberId, clientId: m.clientId, host: m.clientHost, assignments: assignments(m.memberAssignment) }));
      const committed = await admin.fetchOffsets({ groupId });
      const topics = new Set([...committed.map((t) => t.topic), ...members.flatMap((m) => m.assignments.map((a) => a.topic))]);
      const offsets: GroupDetail['offsets'] = [];
      for (const topic of [...topics].sort()) {
        const ends = await admin.fetchTopicOffsets(topic).catch(() => []);
        const mine = committed.find((t) => t.topic === topic)?.partitions ?? [];
        for (const end of ends.sort((a, b) => a.partition - b.partition)) {
          const raw = mine.find((p) => p.partition === end.partition)?.offset;
          const offset = raw === undefined || Number(raw) < 0 ? null : Number(raw);
          const logEnd = Number(end.high);
          offsets.push({ topic, partition: end.partition, committed: offset, logEnd, lag: offset === null ? null : Math.max(0, logEnd - offset) });
        }
      }
      return {
        groupId,
        state: group.state,
        protocol: group.protocol,
        protocolType: group.protocolType,
        members,
        offsets,
        totalLag: offsets.reduce((sum, o) => sum + (o.lag ?? 0), 0),
      };
    });
  }

  /** Kafka only lets a group's offsets move while no member is active; we say so before trying. */
  async resetOffsets(connectionId: string, groupId: string, topic: string, to: ResetTarget): Promise<{ partitions: number }> {
    return this.clients.withAdmin(connectionId, async (admin) => {
      const { groups } = await admin.describeGroups([groupId]);
      const group = groups[0];
      if (group && group.members.length > 0) {
        throw new WorkbenchError('CONFLICT', `Consumer group ${groupId} has ${group.members.length} active member(s) (state ${group.state}); stop its consumers before resetting offsets`);
      }
      const ends = await admin.fetchTopicOffsets(topic);
      const partitions = await this.targets(admin, topic, ends, to);
      try {
        await this.commit(connectionId, groupId, topic, partitions);
      } catch (error) {
        throw new WorkbenchError('KAFKA_ERROR', brokerWords(error) ?? (error instanceof Error ? error.message : String(error)));
      }
      return { partitions: partitions.length };
    });
  }

  /**
   * Commits offsets for an idle group by joining it for a moment. (kafkajs' admin.setOffsets does the
   * same but waits a full default fetch wait of 5 s; this consumer waits 50 ms and never fetches data.)
   */
  private async commit(connectionId: string, groupId: string, topic: string, partitions: { partition: number; offset: string }[]): Promise<void> {
    const consumer = this.clients.kafka(connectionId).consumer({ groupId, maxWaitTimeInMs: 50, sessionTimeout: 10_000, rebalanceTimeout: 5_000, allowAutoTopicCreation: false });
    let joined: () => void = () => undefined;
    const join = new Promise<void>((resolve) => (joined = resolve));
    const removeJoin = consumer.on(consumer.events.GROUP_JOIN, () => joined());
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic] });
      await consumer.run({ autoCommit: false, eachBatch: async () => Promise.resolve() });
      consumer.pause([{ topic }]);
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`joining group ${groupId} took longer than 15 s`)), 15_000).unref());
      await Promise.race([join, timeout]);
      await consumer.commitOffsets(partitions.map((p) => ({ topic, partition: p.partition, offset: p.offset })));
    } finally {
      removeJoin();
      await consumer.disconnect().catch(() => undefined);
    }
  }

  private async targets(admin: Admin, topic: string, ends: { partition: number; low: string; high: string }[], to: ResetTarget) {
    const clamp = (offset: number, end: { low: string; high: string }) => String(Math.min(Math.max(offset, Number(end.low)), Number(end.high)));
    switch (to.kind) {
      case 'earliest':
        return ends.map((e) => ({ partition: e.partition, offset: e.low }));
      case 'latest':
        return ends.map((e) => ({ partition: e.partition, offset: e.high }));
      case 'timestamp': {
        const found = await admin.fetchTopicOffsetsByTimestamp(topic, to.timestamp);
        return ends.map((e) => {
          const offset = Number(found.find((f) => f.partition === e.partition)?.offset ?? -1);
          return { partition: e.partition, offset: offset < 0 ? e.high : clamp(offset, e) };
        });
      }
      case 'offset': {
        const chosen = to.partition === null ? ends : ends.filter((e) => e.partition === to.partition);
        if (chosen.length === 0) throw new WorkbenchError('NOT_FOUND', `Topic ${topic} has no partition ${String(to.partition)}`);
        return chosen.map((e) => ({ partition: e.partition, offset: clamp(to.offset, e) }));
      }
    }
  }

  async delete(connectionId: string, groupId: string): Promise<{ deleted: boolean }> {
    return this.clients.withAdmin(connectionId, async (admin) => {
      try {
        await admin.deleteGroups([groupId]);
      } catch (error) {
        const groups = (error as { groups?: { error?: { type?: string; message?: string } }[] }).groups ?? [];
        const words = [brokerWords(error), ...groups.map((g) => `${g.error?.type ?? ''} ${g.error?.message ?? ''}`), error instanceof Error ? error.message : String(error)].filter(Boolean).join('; ');
        if (/NON_EMPTY_GROUP|not empty/i.test(words)) throw new WorkbenchError('CONFLICT', `Consumer group ${groupId} still has active members; stop them before deleting it`);
        if (/GROUP_ID_NOT_FOUND|does not exist/i.test(words)) throw new WorkbenchError('NOT_FOUND', `Consumer group ${groupId} does not exist`);
        throw new WorkbenchError('KAFKA_ERROR', words);
      }
      return { deleted: true };
    });
  }
}
