import { Consumer, type BaseOptions } from '@platformatic/kafka';

/** Client options of a connection, for engine code that builds the clients of `kafka/` itself. */
export type ClientOptions = BaseOptions;

export interface Liveness {
  /** The broker drops a member it has not heard from for this long (its partitions move). */
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  rebalanceTimeoutMs?: number;
}

/** Partitions assigned to this member, per topic. */
export type Assignment = Record<string, number[]>;

/** What a transactional offset commit needs to name the group's coordinator. */
export interface GroupCoordinates {
  groupId: string;
  coordinatorId: number;
  generationId: number;
  memberId: string;
}

/**
 * Membership in a consumer group for partition ASSIGNMENT only (classic protocol, round robin):
 * the client joins, heartbeats on its own timer (independently of how long a micro-batch takes)
 * and rejoins on a rebalance; every completed join reports the member's partitions to
 * `onAssignment`. Records are not read through the group: the caller fetches its partitions
 * itself (PartitionReader) from offsets it keeps, and commits offsets here only so that lag
 * tools (kafka-consumer-groups, the Consumers page) see its progress.
 */
export class GroupMember {
  private readonly consumer: Consumer;
  private readonly onError: (error: unknown) => void;
  private rejoin: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    options: ClientOptions,
    groupId: string,
    liveness: Liveness,
    onAssignment: (assignment: Assignment) => void,
    onError: (error: unknown) => void,
  ) {
    const rebalanceTimeout = liveness.rebalanceTimeoutMs ?? Math.max(liveness.sessionTimeoutMs, 30_000);
    this.consumer = new Consumer({
      ...options,
      groupId,
      sessionTimeout: liveness.sessionTimeoutMs,
      heartbeatInterval: liveness.heartbeatIntervalMs,
      rebalanceTimeout,
      autocreateTopics: false,
    });
    this.onError = onError;
    this.consumer.on('consumer:group:join', (event: { assignments?: Array<{ topic: string; partitions: number[] }> | null }) => {
      const assignment: Assignment = {};
      for (const a of event.assignments ?? []) assignment[a.topic] = [...a.partitions].sort((x, y) => x - y);
      onAssignment(assignment);
    });
    // A failed rejoin (after a rebalance, or the coordinator moved) is reported as an 'error' event
    // and the client sends no more heartbeats: join again until it works, or the partitions would
    // stay with a member the group no longer has.
    this.consumer.on('error', (error: unknown) => {
      this.onError(error);
      this.scheduleRejoin(1000);
    });
  }

  /** Joins (resolves after the first assignment was reported) with the topics as the subscription. */
  async join(topics: readonly string[]): Promise<void> {
    this.consumer.topics.trackAll(...topics);
    await this.consumer.joinGroup({});
  }

  private scheduleRejoin(delayMs: number): void {
    if (this.closed || this.rejoin) return;
    this.rejoin = setTimeout(() => {
      this.rejoin = undefined;
      if (this.closed) return;
      this.consumer.joinGroup({}).catch((error: unknown) => {
        this.onError(error);
        this.scheduleRejoin(Math.min(delayMs * 2, 10_000));
      });
    }, delayMs);
    this.rejoin.unref();
  }

  get coordinates(): GroupCoordinates {
    return {
      groupId: this.consumer.groupId,
      coordinatorId: this.consumer.coordinatorId ?? -1,
      generationId: this.consumer.generationId,
      memberId: this.consumer.memberId ?? '',
    };
  }

  /** Commits next offsets (for lag tools); fails during a rebalance, the caller drops it. */
  async commit(offsets: ReadonlyArray<{ topic: string; partition: number; offset: string }>): Promise<void> {
    if (offsets.length === 0) return;
    await this.consumer.commit({
      offsets: offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: BigInt(o.offset), leaderEpoch: -1 })),
    });
  }

  /** Leaves the group (its partitions move at once instead of after the session timeout) and closes. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.rejoin);
    // An error means gone already (broker down, or never joined): the session timeout removes the member.
    await new Promise<void>((resolve) => this.consumer.leaveGroup(true, () => resolve()));
    await this.consumer.close(true).catch(() => undefined);
  }
}
