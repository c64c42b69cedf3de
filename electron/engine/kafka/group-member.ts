import { Consumer, MessagesStreamModes, type BaseOptions, type MessagesStream } from '@platformatic/kafka';

/**
 * A classic-protocol member of a consumer group that holds its assignment and commits nothing
 * (consumption starts at the log end). For tests and tools that need an active group: a reset or
 * delete must be refused while it is there.
 */
export class GroupMember {
  private readonly consumer: Consumer<Buffer, Buffer, Buffer, Buffer>;
  private stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;

  private constructor(options: BaseOptions, groupId: string) {
    this.consumer = new Consumer<Buffer, Buffer, Buffer, Buffer>({ ...options, groupId, sessionTimeout: 10_000, rebalanceTimeout: 10_000, heartbeatInterval: 1_000, autocommit: false });
  }

  /** Resolves once the member joined the group and got its assignment. */
  static async join(options: BaseOptions, groupId: string, topics: string[]): Promise<GroupMember> {
    const member = new GroupMember(options, groupId);
    try {
      member.stream = await member.consumer.consume({ topics, mode: MessagesStreamModes.LATEST, autocommit: false, maxWaitTime: 200 });
      // Records are not wanted, only membership: drop whatever arrives.
      member.stream.on('data', () => undefined);
    } catch (error) {
      await member.close();
      throw error;
    }
    return member;
  }

  /** Leaves the group and closes the connections. */
  async close(): Promise<void> {
    await this.stream?.close().catch(() => undefined);
    await this.consumer.close(true).catch(() => undefined);
  }
}
