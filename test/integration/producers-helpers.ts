import kafkajs from 'kafkajs';
import { expect } from 'vitest';
import type { Envelope } from '../../shared/contract.js';
import type { Connection } from '../../shared/connection.js';
import type { ProducerInput, ProducerStatus, ProducerView } from '../../shared/producers.js';
import type { Engine } from '../../electron/engine/engine.js';
import { registerCodecs } from '../../electron/engine/producers/codecs.js';
import { createTopicsAndWait } from '../../electron/engine/kafka/create-topics.js';

export function data<T>(envelope: Envelope<unknown>): T {
  if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
  return envelope.data as T;
}

export async function saveConnection(engine: Engine, bootstrap: string, name = 'suite'): Promise<string> {
  return data<Connection>(await engine.dispatch('connections:save', { name, bootstrapServers: bootstrap.split(',') })).id;
}

export async function createTopic(bootstrap: string, topic: string, partitions = 1): Promise<void> {
  const admin = new kafkajs.Kafka({ brokers: bootstrap.split(','), clientId: 'test', logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  await createTopicsAndWait(admin, [{ topic, numPartitions: partitions }]);
  await admin.disconnect();
}

export async function saveProducer(engine: Engine, input: ProducerInput): Promise<ProducerView> {
  return data<ProducerView>(await engine.dispatch('producers:save', input));
}

export async function statusOf(engine: Engine, id: string): Promise<ProducerStatus> {
  const list = data<ProducerView[]>(await engine.dispatch('producers:list', undefined));
  const found = list.find((p) => p.definition.id === id);
  if (!found) throw new Error(`producer ${id} not listed`);
  return found.status;
}

export async function waitForStatus(engine: Engine, id: string, check: (status: ProducerStatus) => boolean, timeout = 30_000): Promise<ProducerStatus> {
  let last: ProducerStatus | undefined;
  await expect
    .poll(
      async () => {
        last = await statusOf(engine, id);
        return check(last);
      },
      { timeout, interval: 100 },
    )
    .toBe(true);
  return last as ProducerStatus;
}

/** Sum of the high watermarks: how many records the topic holds. */
export async function topicCount(bootstrap: string, topic: string): Promise<number> {
  const admin = new kafkajs.Kafka({ brokers: bootstrap.split(','), clientId: 'test', logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  return offsets.reduce((n, p) => n + Number(p.high), 0);
}

export interface Consumed {
  key: string | null;
  value: string;
  partition: number;
  headers: Record<string, string>;
}

/** Reads `count` records from the beginning with a plain kafkajs consumer (the app's codecs registered). */
export async function consume(bootstrap: string, topic: string, count: number, timeout = 30_000): Promise<Consumed[]> {
  registerCodecs();
  const kafka = new kafkajs.Kafka({ brokers: bootstrap.split(','), clientId: 'test', logLevel: kafkajs.logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `test-${topic}-${Math.random().toString(36).slice(2)}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const records: Consumed[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${records.length} of ${count} records arrived in ${timeout} ms`)), timeout);
      void consumer.run({
        eachMessage: ({ message, partition }) => {
          records.push({
            key: message.key?.toString() ?? null,
            value: message.value?.toString() ?? '',
            partition,
            headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
          });
          if (records.length >= count) {
            clearTimeout(timer);
            resolve();
          }
          return Promise.resolve();
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}
