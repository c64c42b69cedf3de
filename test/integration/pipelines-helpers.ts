import kafkajs from 'kafkajs';
import type { Pipeline, PipelineInput } from '../../shared/pipelines.js';
import { pipelineSchema } from '../../shared/pipelines.js';
import { createTopicsAndWait } from '../../electron/engine/kafka/create-topics.js';

export function kafkaFor(bootstrap: string) {
  return new kafkajs.Kafka({ brokers: bootstrap.split(','), clientId: 'pipelines-test', logLevel: kafkajs.logLevel.NOTHING });
}

export async function createTopic(kafka: ReturnType<typeof kafkaFor>, topic: string, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsAndWait(admin, [{ topic, numPartitions: partitions, replicationFactor: 1 }]);
  await admin.disconnect();
}

export function pipelineOf(input: PipelineInput & { id: string }): Pipeline {
  return pipelineSchema.parse({ ...input, createdAt: 0, updatedAt: 0 });
}

export async function waitFor(check: () => boolean, timeoutMs = 60_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Reads a whole topic with a plain kafkajs consumer: last value per key. */
export async function readTopic(kafka: ReturnType<typeof kafkaFor>, topic: string, expected: number): Promise<{ key: Buffer; value: Buffer }[]> {
  const consumer = kafka.consumer({ groupId: `reader-${topic}-${Date.now()}` });
  const seen: { key: Buffer; value: Buffer }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: ({ message }) => {
      if (message.key && message.value) seen.push({ key: message.key, value: message.value });
      return Promise.resolve();
    },
  });
  await waitFor(() => seen.length >= expected, 60_000, `${expected} records on ${topic}`);
  await consumer.disconnect();
  return seen;
}
