import { WorkbenchError } from '../../../shared/errors.js';
import type { GroupDetail } from '../../../shared/topic-browser.js';
import type { KafkaAdmin, PartitionWatermarks } from '../kafka/admin.js';
import type { KafkaClients } from '../kafka/kafka-clients.js';
import { brokerWords, errorTypes } from './kafka-errors.js';

/** The workbench's own throw-away groups of older versions (browse, tail) are not shown. */
const OWN_GROUP = /^kwb-(browse|tail)-/;
/** Groups whose members' metadata is the consumer protocol's: the client decodes their assignments. */
const CONSUMER_PROTOCOL = new Set(['consumer', '']);

export type ResetTarget =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'timestamp'; timestamp: number }
  | { kind: 'offset'; offset: number; partition: number | null };

/** Consumer groups: list, describe with lag, reset offsets, delete. */
export class ConsumerGroups {
  private readonly clients: KafkaClients;

  constructor(clients: KafkaClients) {
    this.clients = clients;
  }

  async list(connectionId: string, topic: string | undefined) {
    return this.clients.admin(connectionId, async (admin) => {
      const visible = (await admin.listGroups()).filter((g) => !OWN_GROUP.test(g.groupId));
      if (visible.length === 0) return [];
      // The client decodes members as the consumer protocol; Connect and other protocols are not
      // described (ListGroups already gives their state on Kafka 2.6+).
      const consumers = visible.filter((g) => CONSUMER_PROTOCOL.has(g.protocolType));
      const described = await admin.describeGroups(consumers.map((g) => g.groupId));
      const states = new Map(described.map((d) => [d.groupId, d.state]));
      let result = visible.map((g) => ({
        groupId: g.groupId,
        protocolType: g.protocolType,
        state: g.state !== 'Unknown' ? g.state : (states.get(g.groupId) ?? 'Unknown'),
      }));
      if (topic !== undefined) {
        const reads = await Promise.all(
          result.map(async (g) => {
            const offsets = await admin.groupOffsets(g.groupId, [topic]);
            const committed = [...(offsets.get(topic)?.values() ?? [])].some((offset) => offset >= 0);
            const assigned = described
              .find((d) => d.groupId === g.groupId)
              ?.members.some((m) => m.assignments.some((a) => a.topic === topic));
            return committed || assigned === true;
          }),
        );
        result = result.filter((_, i) => reads[i]);
      }
      return result.sort((a, b) => a.groupId.localeCompare(b.groupId));
    });
  }

  async describe(connectionId: string, groupId: string): Promise<Omit<GroupDetail, 'pipelines'>> {
    return this.clients.admin(connectionId, async (admin) => {
      const group = await this.describeOne(admin, groupId);
      if (!group || group.state === 'Dead') throw new WorkbenchError('NOT_FOUND', `Consumer group ${groupId} does not exist`);
      const members = group.members.map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        host: m.clientHost,
        assignments: m.assignments,
      }));
      const committed = await admin.groupOffsets(groupId);
      const topics = new Set([...committed.keys(), ...members.flatMap((m) => m.assignments.map((a) => a.topic))]);
      const offsets: GroupDetail['offsets'] = [];
      for (const topic of [...topics].sort()) {
        // A committed topic that was deleted since has no end offsets: show nothing for it.
        const ends = await admin.watermarks(topic).catch(() => [] as PartitionWatermarks[]);
        const mine = committed.get(topic);
        for (const end of ends) {
          const raw = mine?.get(end.partition);
          const offset = raw === undefined || raw < 0 ? null : raw;
          offsets.push({
            topic,
            partition: end.partition,
            committed: offset,
            logEnd: end.high,
            lag: offset === null ? null : Math.max(0, end.high - offset),
          });
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

  /**
   * Kafka only lets a group's offsets move while no member is active; we say so before trying. The
   * commit is an admin OffsetCommit (generation -1, no member id), as kafka-consumer-groups
   * --reset-offsets does: nothing joins the group, so its members and rebalances are untouched.
   */
  async resetOffsets(
    connectionId: string,
    groupId: string,
    topic: string,
    to: ResetTarget,
  ): Promise<{ partition: number; offset: number }[]> {
    return this.clients.admin(connectionId, async (admin) => {
      const group = await this.describeOne(admin, groupId);
      if (group && group.members.length > 0) {
        throw new WorkbenchError(
          'CONFLICT',
          `Consumer group ${groupId} has ${group.members.length} active member(s) (state ${group.state}); stop its consumers before resetting offsets`,
        );
      }
      const ends = await admin.watermarks(topic);
      const partitions = await this.targets(admin, topic, ends, to);
      try {
        await admin.alterGroupOffsets(groupId, topic, partitions);
      } catch (error) {
        throw new WorkbenchError('KAFKA_ERROR', brokerWords(error) ?? (error instanceof Error ? error.message : String(error)));
      }
      return partitions;
    });
  }

  /**
   * DescribeGroups for one group. The client decodes every member's metadata as the consumer
   * protocol, and a decoding error there escapes its callbacks; so a group of another protocol
   * (Connect, a stream processor's own) is not described through it: its state comes from
   * ListGroups, its members are not listed (the broker still refuses offset changes while it has any).
   */
  private async describeOne(admin: KafkaAdmin, groupId: string) {
    const listed = (await admin.listGroups()).find((g) => g.groupId === groupId);
    if (listed && !CONSUMER_PROTOCOL.has(listed.protocolType))
      return { groupId, state: listed.state, protocol: '', protocolType: listed.protocolType, members: [] };
    const [group] = await admin.describeGroups([groupId]);
    return group;
  }

  private async targets(
    admin: KafkaAdmin,
    topic: string,
    ends: PartitionWatermarks[],
    to: ResetTarget,
  ): Promise<{ partition: number; offset: number }[]> {
    const clamp = (offset: number, end: PartitionWatermarks) => Math.min(Math.max(offset, end.low), end.high);
    switch (to.kind) {
      case 'earliest':
        return ends.map((e) => ({ partition: e.partition, offset: e.low }));
      case 'latest':
        return ends.map((e) => ({ partition: e.partition, offset: e.high }));
      case 'timestamp': {
        const found = await admin.offsetsForTimestamp(topic, to.timestamp);
        return ends.map((e) => {
          const offset = found.get(e.partition) ?? -1;
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
    return this.clients.admin(connectionId, async (admin) => {
      try {
        await admin.deleteGroups([groupId]);
      } catch (error) {
        const types = errorTypes(error);
        if (types.has('NON_EMPTY_GROUP'))
          throw new WorkbenchError('CONFLICT', `Consumer group ${groupId} still has active members; stop them before deleting it`);
        if (types.has('GROUP_ID_NOT_FOUND')) throw new WorkbenchError('NOT_FOUND', `Consumer group ${groupId} does not exist`);
        throw new WorkbenchError('KAFKA_ERROR', brokerWords(error) ?? (error instanceof Error ? error.message : String(error)));
      }
      return { deleted: true };
    });
  }
}
