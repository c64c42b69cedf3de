import { describe, expect, inject, it } from 'vitest';
import { producerConfigSchema } from '../../shared/producers.js';
import { KafkaProducer } from '../../electron/engine/kafka/producer.js';
import { KafkaSendEngine } from '../../electron/engine/kafka/send-engine.js';
import { uniqueName } from '../helpers.js';
import { createTopic, deleteTopics, topicCount } from '../kafka.js';

// @platformatic/kafka 2.12.1 defect: a Produce request carries every partition led by one broker;
// when some of them answer NOT_LEADER_OR_FOLLOWER (hasStaleMetadata) and the others are written, the
// producer repeats the WHOLE request once with fresh metadata (`repeatOnStaleMetadata`, on by
// default: Producer #performSingleDestinationSend, dist/clients/producer/producer.js), even with
// retries 0, so the partitions already written are written twice and send() resolves without error.
// (With retries > 0 the retry loop does the same for any retriable partition error.) A topic just
// created is the everyday case: its metadata names the leader before the leader is ready to take
// writes. This is the "498 read back for 300 sent with retries 0, two of three partitions written
// twice" of the old two-client comparison. The idempotent producer is not affected (the broker
// drops the repeat: same producer id and sequence). Workaround: kafka/send-engine.ts sends one
// client call per partition when not idempotent, so a repeat carries only the refused partition.
const bootstrap = inject('kafkaBootstrap');
const N = 300;
/** A race on a fresh topic (one round in 4 to 20 here): rounds until seen, for at most this long. */
const MAX_MS = 150_000;
const records = Array.from({ length: N }, (_, i) => ({ key: `user-${i % 37}`, value: String(i), headers: null }));

/** Fresh 3-partition topic, 300 keyed records sent at once with retries 0; how many offsets it holds. */
async function round(send: (topic: string) => Promise<void>): Promise<number> {
  const topic = uniqueName('defect-repeat');
  await createTopic(bootstrap, topic, 3);
  try {
    await send(topic);
    return await topicCount(bootstrap, topic);
  } finally {
    await deleteTopics(bootstrap, [topic]).catch(() => undefined);
  }
}

describe('@platformatic/kafka repeats a whole produce request on a partial stale-metadata error', () => {
  it('writes records twice with retries 0 when sent as one call, and never when split per partition', async () => {
    const client = async (topic: string) => {
      const producer = new KafkaProducer({ clientId: 'defect', bootstrapBrokers: bootstrap.split(','), idempotent: false, retries: 0 });
      try {
        await producer.send(records.map((r) => ({ topic, key: r.key, value: r.value })));
      } finally {
        await producer.close();
      }
    };
    const config = producerConfigSchema.parse({ acks: 'all', retries: 0 });
    const engine = async (topic: string) => {
      const sender = new KafkaSendEngine(
        { name: 'defect', bootstrapServers: bootstrap.split(','), clientId: 'defect', ssl: { enabled: false, rejectUnauthorized: true } },
        null,
        topic,
        config,
      );
      try {
        await sender.connect();
        await sender.send(records);
      } finally {
        await sender.disconnect();
      }
    };
    const clientCounts: number[] = [];
    const engineCounts: number[] = [];
    const until = Date.now() + MAX_MS;
    while (Date.now() < until && !clientCounts.some((n) => n > N)) {
      clientCounts.push(await round(client));
      engineCounts.push(await round(engine));
    }
    console.log(
      `[client-defect] one call: ${JSON.stringify(clientCounts)}; split per partition: ${JSON.stringify(engineCounts)} (offsets for ${N} records sent)`,
    );
    // Nothing is lost either way; the defect is the extra copies.
    expect(Math.min(...clientCounts, ...engineCounts)).toBeGreaterThanOrEqual(N);
    expect(engineCounts.every((n) => n === N)).toBe(true);
    // Fails once the client repeats only the refused partitions (then the workaround can go), or if
    // the race never happened in MAX_MS.
    expect(clientCounts.some((n) => n > N)).toBe(true);
  }, 300_000);
});
