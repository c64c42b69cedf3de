import kafkajs from 'kafkajs';
import { createTopicsAndWait } from '../electron/engine/kafka/create-topics.js';

const { Kafka, logLevel } = kafkajs;

export function benchKafka(bootstrap: string[]) {
  return new Kafka({ clientId: 'kwb-bench', brokers: bootstrap, logLevel: logLevel.NOTHING });
}

export async function createTopic(bootstrap: string[], topic: string, partitions: number): Promise<void> {
  const admin = benchKafka(bootstrap).admin();
  await admin.connect();
  try {
    await createTopicsAndWait(admin, [{ topic, numPartitions: partitions, replicationFactor: 1 }]);
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTopics(bootstrap: string[], prefix: string): Promise<void> {
  const admin = benchKafka(bootstrap).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

/** A 256-byte record body (255 characters + the newline kcat splits on). */
export function record256(i: number): string {
  const head = `{"i":${i},"sensor_id":"sensor_${(i % 10) + 1}","pad":"`;
  return head + 'x'.repeat(255 - head.length - 2) + '"}';
}

/** Runs a subscribed consumer until it has handed over `count` records (no decoding, no commits). */
export async function readUntil(consumer: ReturnType<ReturnType<typeof benchKafka>['consumer']>, count: number): Promise<void> {
  let seen = 0;
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          seen += batch.messages.length;
          if (seen >= count) resolve();
          await Promise.resolve();
        },
      })
      .catch(reject);
  });
}
