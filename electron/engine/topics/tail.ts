import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { WorkbenchError } from '../../../shared/errors.js';
import type { EventBus } from '../event-bus.js';
import type { KafkaMessage } from '../../../shared/topic-browser.js';
import type { KafkaClients } from '../kafka/kafka-clients.js';
import { watermarks } from './message-browser.js';
import { toMessage } from './to-message.js';

interface Tail {
  consumer: Consumer;
  groupId: string;
  connectionId: string;
  timer: NodeJS.Timeout;
}

/** A forgotten tail (closed tab, lost link) stops by itself after this long. */
const MAX_TAIL_MS = 30 * 60_000;
const MAX_PER_EVENT = 500;
const MAX_TAILS = 20;

/** Live tails: a throw-away group per tail, starting at the log end as it was when the tail started. */
export class TailRegistry {
  private readonly tails = new Map<string, Tail>();
  private readonly clients: KafkaClients;
  private readonly events: EventBus;
  /** Adds what the schema registry makes of Avro records (identity without a registry). */
  private readonly annotate: (connectionId: string, messages: KafkaMessage[]) => Promise<KafkaMessage[]>;
  private disposed = false;

  constructor(clients: KafkaClients, events: EventBus, annotate: TailRegistry['annotate'] = (_id, messages) => Promise.resolve(messages)) {
    this.clients = clients;
    this.events = events;
    this.annotate = annotate;
  }

  async start(kafka: Kafka, connectionId: string, topic: string, partition: number | null): Promise<string> {
    if (this.tails.size >= MAX_TAILS) throw new WorkbenchError('CONFLICT', `At most ${MAX_TAILS} live tails run at once; stop one first`);
    const marks = await watermarks(this.clients, connectionId, topic);
    if (partition !== null && !marks.some((w) => w.partition === partition)) throw new WorkbenchError('NOT_FOUND', `Topic ${topic} has no partition ${partition}`);
    const tailId = randomUUID();
    const groupId = `kwb-tail-${tailId}`;
    const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, rebalanceTimeout: 5_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 200, allowAutoTopicCreation: false });
    const timer = setTimeout(() => void this.stop(tailId), MAX_TAIL_MS);
    timer.unref();
    this.tails.set(tailId, { consumer, groupId, connectionId, timer });
    // Where each partition goes on, starting at the log end seen before joining (nothing produced
    // during the join is missed). The group commits nothing, so after a rebalance (a missed
    // heartbeat on a loaded machine) kafkajs would restart at the log end and skip records; every
    // join seeks back to here instead.
    const next = new Map(marks.map((w) => [w.partition, w.high]));
    const others = marks.map((w) => w.partition).filter((p) => partition !== null && p !== partition);
    // Seek (and pause the partitions not tailed) on every join: `run()` may return before the group
    // is set up on a slow or fresh cluster, and a seek then fails with "consumer#run must be called first".
    consumer.on(consumer.events.GROUP_JOIN, () => {
      for (const [p, offset] of next) consumer.seek({ topic, partition: p, offset: String(offset) });
      if (others.length > 0) consumer.pause([{ topic, partitions: others }]);
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: false });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          if (partition !== null && batch.partition !== partition) return;
          next.set(batch.partition, Number(batch.lastOffset()) + 1);
          const messages = await this.annotate(connectionId, batch.messages.map((m) => toMessage(batch.partition, m)));
          for (let i = 0; i < messages.length; i += MAX_PER_EVENT) {
            this.events.emit('messages:tail', { tailId, messages: messages.slice(i, i + MAX_PER_EVENT) });
          }
          await Promise.resolve();
        },
      });
    } catch (error) {
      await this.stop(tailId);
      throw this.clients.describe(connectionId, error);
    }
    return tailId;
  }

  async stop(tailId: string): Promise<boolean> {
    const tail = this.tails.get(tailId);
    if (!tail) return false;
    this.tails.delete(tailId);
    clearTimeout(tail.timer);
    await tail.consumer.disconnect().catch(() => undefined);
    if (this.disposed) return true;
    void this.clients
      .withAdmin(tail.connectionId, (admin) => admin.deleteGroups([tail.groupId]))
      .catch(() => undefined);
    return true;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await Promise.all([...this.tails.keys()].map((id) => this.stop(id)));
  }
}
