import { WorkbenchError } from '../../../shared/errors.js';
import { encodeText, type EncoderId } from '../../../shared/topic-browser/encoders.js';
import type { KafkaClients } from '../kafka/kafka-clients.js';
import { KafkaProducer } from '../kafka/producer.js';
import type { AvroResolver } from '../schema-registry/avro-resolver.js';
import { describeTopicError } from './kafka-errors.js';

export interface ProduceRequest {
  connectionId: string;
  topic: string;
  partition: number | null;
  key: EncodedField | null;
  value: EncodedField | null;
  headers: { key: string; value: string }[];
}

interface EncodedField {
  text: string;
  encoder: EncoderId;
  avro?: { subject?: string | undefined; schema?: string | undefined } | undefined;
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
  private readonly producers = new Map<string, KafkaProducer>();
  private readonly clients: KafkaClients;
  private readonly avro: AvroResolver | undefined;

  constructor(clients: KafkaClients, avro?: AvroResolver) {
    this.clients = clients;
    this.avro = avro;
  }

  private async encode(request: ProduceRequest, which: 'key' | 'value'): Promise<Buffer | null> {
    const field = request[which];
    if ((field?.encoder === 'avro' || field?.encoder === 'protobuf' || field?.encoder === 'jsonschema') && this.avro)
      return this.avro.encode(request.connectionId, request.topic, which, field);
    return encodeField(field, which === 'key' ? 'Key' : 'Value');
  }

  async produce(request: ProduceRequest): Promise<{ partition: number; offset: number }> {
    const key = await this.encode(request, 'key');
    const value = await this.encode(request, 'value');
    try {
      const [written] = await this.producer(request.connectionId).send([
        {
          topic: request.topic,
          key,
          value,
          headers: request.headers.map((h) => [h.key, h.value] as const),
          ...(request.partition === null ? {} : { partition: request.partition }),
        },
      ]);
      return { partition: written?.partition ?? request.partition ?? 0, offset: written?.offset ?? -1 };
    } catch (error) {
      await this.forget(request.connectionId);
      throw describeTopicError(this.clients, request.connectionId, request.topic, error);
    }
  }

  /** The connection's producer (acks=all); it connects on first send. */
  private producer(connectionId: string): KafkaProducer {
    let producer = this.producers.get(connectionId);
    if (!producer) {
      producer = new KafkaProducer(this.clients.options(connectionId));
      this.producers.set(connectionId, producer);
    }
    return producer;
  }

  private async forget(connectionId: string): Promise<void> {
    const producer = this.producers.get(connectionId);
    this.producers.delete(connectionId);
    await producer?.close();
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.producers.keys()].map((id) => this.forget(id)));
  }
}
