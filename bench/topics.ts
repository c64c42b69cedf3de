import { KafkaAdmin } from '../electron/engine/kafka/admin.js';

/** The client's base options, named through the engine's module (only electron/engine/kafka/ imports the library). */
export type ClientOptions = ConstructorParameters<typeof KafkaAdmin>[0];

/** Client options of the benchmarks' own setup and bare-client peers (the engine's client module, no engine around it). */
export function benchOptions(bootstrap: string[], clientId = 'kwb-bench'): ClientOptions {
  // Backoff 200 ms doubling to 2 s over 8 retries (~9 s): the first group join on a fresh cluster
  // gets NOT_COORDINATOR until __consumer_offsets is loaded (~1.7 s here), longer than a flat 5 × 200 ms.
  return {
    clientId,
    bootstrapBrokers: bootstrap,
    retries: 8,
    retryDelay: (_client, _operation, attempt) => Math.min(200 * 2 ** (attempt - 1), 2_000),
    autocreateTopics: false,
  };
}

async function withAdmin<T>(bootstrap: string[], work: (admin: KafkaAdmin) => Promise<T>): Promise<T> {
  const admin = new KafkaAdmin(benchOptions(bootstrap));
  try {
    return await work(admin);
  } finally {
    await admin.close();
  }
}

export async function createTopic(bootstrap: string[], topic: string, partitions: number): Promise<void> {
  await withAdmin(bootstrap, (admin) => admin.createTopicsAndWait([{ topic, numPartitions: partitions, replicationFactor: 1 }]));
}

export async function deleteTopics(bootstrap: string[], prefix: string): Promise<void> {
  await withAdmin(bootstrap, async (admin) => admin.deleteTopics((await admin.listTopics()).filter((t) => t.startsWith(prefix))));
}

/** Low and high watermark of every partition. */
export async function topicWatermarks(
  bootstrap: string[],
  topic: string,
): Promise<Array<{ partition: number; low: number; high: number }>> {
  return withAdmin(bootstrap, (admin) => admin.watermarks(topic));
}

/** A 256-byte record body (255 characters + the newline kcat splits on). */
export function record256(i: number): string {
  const head = `{"i":${i},"sensor_id":"sensor_${(i % 10) + 1}","pad":"`;
  return head + 'x'.repeat(255 - head.length - 2) + '"}';
}
