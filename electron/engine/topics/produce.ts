import { WorkbenchError } from '../../../shared/errors.js';
import { encodeText, type EncoderId } from '../../../shared/topic-browser/encoders.js';
import type { Producer } from '../kafka/kafkajs.js';
import type { KafkaClients } from '../kafka/kafka-clients.js';
import { describeTopicError } from './kafka-errors.js';

export interface ProduceRequest {
  connectionId: string;
  topic: string;
  partition: number | null;
  key: { text: string; encoder: EncoderId } | null;
  value: { text: string; encoder: EncoderId } | null;
  headers: { key: string; value: string }[];
}

function encodeField(field: ProduceRequest['key'], name: string): Buffer | null {
  if (field === null) return null;
  try {
    return Buffer.from(encodeText(field.text, field.encoder));
  } catch (error) {
    throw new WorkbenchError('VALIDATION', `${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** One producer per connection for "produce a message" from the UI, created on first use. */
export class MessageProducer {
  private readonly producers = new Map<string, Promise<Producer>>();
  private readonly clients: KafkaClients;

  constructor(clients: KafkaClients) {
    this.clients = clients;
  }

  async produce(request: ProduceRequest): Promise<{ partition: number; offset: number }> {
    const key = encodeField(request.key, 'Key');
    const value = encodeField(request.value, 'Value');
    const producer = await this.producer(request.connectionId);
    try {
      const [meta] = await producer.send({
        topic: request.topic,
        messages: [{ key, value, headers: Object.fromEntries(request.headers.map((h) => [h.key, h.value])), ...(request.partition === null ? {} : { partition: request.partition }) }],
      });
      return { partition: meta?.partition ?? request.partition ?? 0, offset: Number(meta?.baseOffset ?? -1) };
    } catch (error) {
      await this.forget(request.connectionId);
      throw describeTopicError(this.clients, request.connectionId, request.topic, error);
    }
  }

  private producer(connectionId: string): Promise<Producer> {
    let producer = this.producers.get(connectionId);
    if (!producer) {
      const created = this.clients.kafka(connectionId).producer({ allowAutoTopicCreation: false });
      producer = created.connect().then(() => created);
      producer.catch(() => this.producers.delete(connectionId));
      this.producers.set(connectionId, producer);
    }
    return producer.catch((error: unknown) => {
      throw this.clients.describe(connectionId, error);
    });
  }

  private async forget(connectionId: string): Promise<void> {
    const producer = this.producers.get(connectionId);
    this.producers.delete(connectionId);
    await producer?.then((p) => p.disconnect()).catch(() => undefined);
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.producers.keys()].map((id) => this.forget(id)));
  }
}
