import type { ITopicConfig } from 'kafkajs';
import type { Admin } from './kafkajs.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Errors a broker returns while a new topic's metadata is still spreading. */
const PROPAGATING = /does not host this topic-partition|LEADER_NOT_AVAILABLE|There is no leader|UNKNOWN_TOPIC_OR_PARTITION/i;

/**
 * Creates topics and waits until every partition has a leader. kafkajs' own `waitForLeaders` gives
 * up with "This server does not host this topic-partition" when a busy broker is slow to spread the
 * new metadata; this polls instead, for up to `timeoutMs`. Returns false when all already existed.
 */
export async function createTopicsAndWait(admin: Admin, topics: ITopicConfig[], timeoutMs = 30_000): Promise<boolean> {
  const created = await admin.createTopics({ topics, waitForLeaders: false });
  const names = topics.map((t) => t.topic);
  const deadline = Date.now() + timeoutMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    try {
      const { topics: described } = await admin.fetchTopicMetadata({ topics: names });
      const ready = names.every((name) => {
        const topic = described.find((t) => t.name === name);
        return topic !== undefined && topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0);
      });
      if (ready) return created;
    } catch (error) {
      if (!PROPAGATING.test(error instanceof Error ? error.message : String(error))) throw error;
    }
    if (Date.now() > deadline) throw new Error(`Topics ${names.join(', ')} were created but have no leader after ${timeoutMs / 1000} s`);
    await sleep(delay);
  }
}
