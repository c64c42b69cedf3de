import { createKafka } from '../kafka/client-factory.js';
import type { Producer } from '../kafka/kafkajs.js';
import { compressionType, registerCodecs } from './codecs.js';
import type { EncodedRecord } from './record-encoding.js';
import { ACKS, type SendEngine, type SendEngineOptions } from './send-engine.js';

/** The producer on kafkajs (the default client): one kafkajs client and producer per run. */
export class KafkajsSendEngine implements SendEngine {
  private readonly producer: Producer;
  private readonly options: SendEngineOptions;
  private readonly compression: number;

  constructor(options: SendEngineOptions) {
    registerCodecs();
    this.options = options;
    const { config } = options;
    const kafka = createKafka({ ...options.connection, clientId: config.clientId }, options.password, {
      purpose: 'operate',
      ...(options.log ? { log: options.log } : {}),
    });
    this.producer = kafka.producer({
      idempotent: config.idempotent,
      maxInFlightRequests: config.maxInFlight,
      allowAutoTopicCreation: false,
      retry: { retries: config.retries },
    });
    this.compression = compressionType(config.compression);
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  async send(records: readonly EncodedRecord[]): Promise<void> {
    const { config, topic } = this.options;
    await this.producer.send({
      topic,
      acks: ACKS[config.acks],
      timeout: config.requestTimeoutMs,
      ...(this.compression === 0 ? {} : { compression: this.compression }),
      messages: records.map((r) => (r.headers === null ? { key: r.key, value: r.value } : { key: r.key, value: r.value, headers: r.headers })),
    });
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}
