import type { BaseOptions, ProducerOptions, SASLOptions } from '@platformatic/kafka';
import type { Connection } from '../../../shared/connection.js';
import { WorkbenchError } from '../../../shared/errors.js';
import { javaPartitioner } from './partitioner.js';
import type { ProducerConfig } from '../../../shared/producers.js';

/** The connection fields a client needs (a connection being tested has no id yet). */
export type ConnectionFields = Omit<Connection, 'id' | 'createdAt' | 'updatedAt' | 'hasPassword' | 'local'>;

export type Purpose = 'test' | 'operate';

const SASL = { plain: 'PLAIN', 'scram-sha-256': 'SCRAM-SHA-256', 'scram-sha-512': 'SCRAM-SHA-512' } as const;

/**
 * A saved connection → the client's base options. Only the allowlisted fields of the connection
 * reach the client (see connectionFieldsSchema), never free-form properties. A connection test
 * fails fast; normal operations retry a few times.
 */
export function baseOptions(
  connection: ConnectionFields,
  password: string | null,
  purpose: Purpose,
  clientId = connection.clientId,
): BaseOptions {
  const options: BaseOptions = {
    clientId,
    bootstrapBrokers: connection.bootstrapServers,
    connectTimeout: purpose === 'test' ? 3_000 : 5_000,
    timeout: purpose === 'test' ? 8_000 : 30_000,
    requestTimeout: purpose === 'test' ? 8_000 : 30_000,
    retries: purpose === 'test' ? 0 : 6,
    retryDelay: backoff,
    autocreateTopics: false,
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

/**
 * Exponential retry delay: 200 ms doubling to 3 s (about 10 s over 6 retries). The client's flat
 * delay gave up on a fresh cluster, whose coordinator answers NOT_COORDINATOR for ~2 s while
 * __consumer_offsets loads (Java's client and kafkajs back off the same way).
 */
export function backoff(_client: object, _operation: string, attempt: number): number {
  return Math.min(200 * 2 ** Math.max(0, attempt - 1), 3_000);
}

export const ACKS = { all: -1, '1': 1, '0': 0 } as const;

/**
 * A connection and an embedded producer's settings → producer options. Every setting of the S2
 * original maps onto a real client setting: acks, idempotence, retries, max in-flight, compression,
 * request timeout. Linger, batch size and buffer memory are BatchSender's (the client sends what it
 * is given as one request).
 */
export function producerOptions(
  connection: ConnectionFields,
  password: string | null,
  config: ProducerConfig,
): ProducerOptions<Buffer, Buffer, Buffer, Buffer> {
  return {
    ...baseOptions(connection, password, 'operate', config.clientId),
    // `timeout` is the produce request's broker-side timeout; the socket waits a little longer so
    // the broker's own timeout answer arrives first.
    timeout: config.requestTimeoutMs,
    requestTimeout: config.requestTimeoutMs + 5_000,
    retries: config.retries,
    retryDelay: backoff,
    maxInflights: config.maxInFlight,
    idempotent: config.idempotent,
    acks: ACKS[config.acks],
    compression: config.compression,
    // The client's default hashes keys as murmur2 >>> 0, which puts keyed records on other
    // partitions than the Java client (murmur2 & 0x7fffffff): per-key order and co-partitioning
    // with other producers would break.
    partitioner: javaPartitioner,
  };
}
