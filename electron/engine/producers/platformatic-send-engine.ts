import { compatibilityPartitioner, Producer, type ProducerOptions, type SASLOptions } from '@platformatic/kafka';
import type { Connection } from '../../../shared/connection.js';
import { WorkbenchError } from '../../../shared/errors.js';
import type { ProducerConfig } from '../../../shared/producers.js';
import { describeKafkaError } from '../kafka/client-factory.js';
import type { EncodedRecord } from './record-encoding.js';
import { ACKS, type SendEngine, type SendEngineOptions } from './send-engine.js';

type Options = ProducerOptions<Buffer, Buffer, Buffer, Buffer>;

const SASL = { plain: 'PLAIN', 'scram-sha-256': 'SCRAM-SHA-256', 'scram-sha-512': 'SCRAM-SHA-512' } as const;

/**
 * Maps a saved connection and a producer's settings onto @platformatic/kafka options, field by
 * field as createKafka does for kafkajs (only the allowlisted connection fields).
 */
export function platformaticOptions(connection: Connection, password: string | null, config: ProducerConfig): Options {
  const options: Options = {
    clientId: config.clientId,
    bootstrapBrokers: connection.bootstrapServers,
    connectTimeout: 5_000,
    // `timeout` is the produce request's broker-side timeout (kafkajs send `timeout`); the socket
    // waits a little longer so the broker's own timeout answer arrives first.
    timeout: config.requestTimeoutMs,
    requestTimeout: config.requestTimeoutMs + 5_000,
    retries: config.retries,
    retryDelay: 300,
    maxInflights: config.maxInFlight,
    idempotent: config.idempotent,
    acks: ACKS[config.acks],
    compression: config.compression,
    autocreateTopics: false,
    // The client's default hashes keys as murmur2 >>> 0, which puts keyed records on other
    // partitions than the Java client and kafkajs (murmur2 & 0x7fffffff): per-key order and
    // co-partitioning would break when a producer switches client.
    partitioner: compatibilityPartitioner,
  };
  if (connection.ssl.enabled) {
    options.tls = { rejectUnauthorized: connection.ssl.rejectUnauthorized, ...(connection.ssl.ca ? { ca: [connection.ssl.ca] } : {}) };
  }
  if (connection.sasl) {
    if (password === null) throw new WorkbenchError('AUTH_FAILED', `Connection "${connection.name}" uses SASL but has no saved password`);
    const sasl: SASLOptions = { mechanism: SASL[connection.sasl.mechanism], username: connection.sasl.username, password };
    options.sasl = sasl;
  }
  return options;
}

/** The producer on @platformatic/kafka (pure JS, no native code), behind the same SendEngine. */
export class PlatformaticSendEngine implements SendEngine {
  private readonly producer: Producer<Buffer, Buffer, Buffer, Buffer>;
  private readonly options: SendEngineOptions;

  constructor(options: SendEngineOptions) {
    this.options = options;
    this.producer = new Producer(platformaticOptions(options.connection, options.password, options.config));
  }

  async connect(): Promise<void> {
    try {
      // The client connects lazily; a metadata request for the topic proves broker and credentials.
      await this.producer.metadata({ topics: [this.options.topic] });
    } catch (error) {
      throw this.describe(error);
    }
  }

  async send(records: readonly EncodedRecord[]): Promise<void> {
    const { topic } = this.options;
    try {
      await this.producer.send({
        messages: records.map((r) => ({
          topic,
          value: typeof r.value === 'string' ? Buffer.from(r.value) : r.value,
          ...(r.key === null ? {} : { key: Buffer.from(r.key) }),
          ...(r.headers === null ? {} : { headers: new Map(Object.entries(r.headers).map(([k, v]) => [Buffer.from(k), Buffer.from(v)])) }),
        })),
      });
    } catch (error) {
      throw this.describe(error);
    }
  }

  async disconnect(): Promise<void> {
    await this.producer.close(true);
  }

  /** The client's nested errors (MultipleErrors → ProtocolError / NetworkError → cause) as one line. */
  private describe(error: unknown): WorkbenchError {
    const { messages, codes } = flatten(error);
    const flat = { name: 'PlatformaticKafkaError', message: messages.join(' | ') || String(error) };
    const brokers = this.options.connection.bootstrapServers;
    const described = describeKafkaError(flat, brokers);
    if (described.code !== 'KAFKA_ERROR') return described;
    if (codes.has('PLT_KFK_AUTHENTICATION')) return new WorkbenchError('AUTH_FAILED', `Authentication to ${brokers.join(', ')} failed: ${messages[0] ?? ''}`, flat.message);
    if (codes.has('PLT_KFK_NETWORK')) return new WorkbenchError('BROKER_UNREACHABLE', `Cannot reach ${brokers.join(', ')}: ${messages[0] ?? 'connection failed'}`, flat.message);
    return new WorkbenchError('KAFKA_ERROR', messages[0] ?? 'Kafka request failed', flat.message);
  }
}

interface Nested {
  message?: unknown;
  code?: unknown;
  cause?: unknown;
  errors?: unknown;
  serverErrorMessage?: unknown;
}

/** The messages of an error tree, most specific (leaves) first, and every code seen. */
export function flatten(error: unknown): { messages: string[]; codes: Set<string> } {
  const leaves: string[] = [];
  const wrappers: string[] = [];
  const codes = new Set<string>();
  const queue: unknown[] = [error];
  for (let seen = 0; queue.length > 0 && seen < 20; seen++) {
    const current = queue.shift();
    if (!current || typeof current !== 'object') continue;
    const e = current as Nested;
    if (typeof e.code === 'string') codes.add(e.code);
    const children = [...(Array.isArray(e.errors) ? (e.errors as unknown[]) : []), ...(e.cause ? [e.cause] : [])];
    const text = typeof e.message === 'string' ? e.message : '';
    const server = typeof e.serverErrorMessage === 'string' && e.serverErrorMessage ? ` (${e.serverErrorMessage})` : '';
    if (text) (children.length === 0 ? leaves : wrappers).push(text + server);
    queue.push(...children);
  }
  return { messages: [...new Set([...leaves, ...wrappers])], codes };
}
