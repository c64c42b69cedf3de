import { Kafka, logLevel, type KafkaConfig, type LogEntry } from './kafkajs.js';
import type { Connection } from '../../../shared/connection.js';
import { WorkbenchError } from '../../../shared/errors.js';

export type KafkaLog = (level: 'error' | 'warn' | 'info', message: string) => void;

export interface ClientOptions {
  /** Fail fast for a connection test; normal operations retry a few times. */
  purpose: 'test' | 'operate';
  log?: KafkaLog;
}

/**
 * Builds a kafkajs client from a saved connection. Only the allowlisted fields of the connection
 * reach the client (see connectionFieldsSchema), never free-form properties.
 */
export function createKafka(connection: Omit<Connection, 'id' | 'createdAt' | 'updatedAt' | 'hasPassword' | 'local'>, password: string | null, options: ClientOptions): Kafka {
  const config: KafkaConfig = {
    clientId: connection.clientId,
    brokers: connection.bootstrapServers,
    connectionTimeout: options.purpose === 'test' ? 3_000 : 5_000,
    requestTimeout: options.purpose === 'test' ? 8_000 : 30_000,
    retry: options.purpose === 'test' ? { retries: 0 } : { retries: 3, initialRetryTime: 300, maxRetryTime: 5_000 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      const log = options.log;
      if (!log) return;
      const level = entry.level === logLevel.ERROR ? 'error' : entry.level === logLevel.WARN ? 'warn' : 'info';
      log(level, `kafkajs ${entry.namespace}: ${entry.log.message}`);
    },
  };
  if (connection.ssl.enabled) {
    config.ssl = {
      rejectUnauthorized: connection.ssl.rejectUnauthorized,
      ...(connection.ssl.ca ? { ca: [connection.ssl.ca] } : {}),
    };
  }
  if (connection.sasl) {
    if (password === null) {
      throw new WorkbenchError('AUTH_FAILED', `Connection "${connection.name}" uses SASL but has no saved password`);
    }
    const { mechanism, username } = connection.sasl;
    // Spelled out per mechanism: kafkajs types SASL options as a union keyed by mechanism.
    config.sasl =
      mechanism === 'plain'
        ? { mechanism, username, password }
        : mechanism === 'scram-sha-256'
          ? { mechanism, username, password }
          : { mechanism, username, password };
  }
  return new Kafka(config);
}

interface KafkaJsLikeError {
  name?: string;
  message?: string;
  originalError?: unknown;
  retriable?: boolean;
  type?: string;
  /** host:port of the connection that failed (kafkajs KafkaJSConnectionError). */
  broker?: unknown;
}

/** Turns a kafkajs error into one line a user can act on: "Broker 127.0.0.1:9092 refused the connection". */
export function describeKafkaError(error: unknown, brokers: readonly string[]): WorkbenchError {
  if (error instanceof WorkbenchError) return error;
  const chain: KafkaJsLikeError[] = [];
  let current: unknown = error;
  while (current && typeof current === 'object' && chain.length < 5) {
    const link: KafkaJsLikeError = current;
    chain.push(link);
    current = link.originalError;
  }
  const names = chain.map((e) => e.name ?? '');
  const messages = chain.map((e) => e.message ?? '').join(' | ');
  const target = brokers.join(', ');
  const detail = messages || String(error);

  if (names.includes('KafkaJSSASLAuthenticationError') || /SASL|authentication/i.test(messages)) {
    return new WorkbenchError('AUTH_FAILED', `Authentication to ${target} failed: check the user name, password and mechanism`, detail);
  }
  const refused = /ECONNREFUSED\s*([^\s|]*)/.exec(messages);
  if (refused) {
    return new WorkbenchError('BROKER_UNREACHABLE', `Broker ${refused[1] || target} refused the connection`, detail);
  }
  if (/ENOTFOUND|EAI_AGAIN/.test(messages)) {
    return new WorkbenchError('BROKER_UNREACHABLE', `The broker host name in ${target} could not be resolved`, detail);
  }
  if (/Connection timeout|ETIMEDOUT|Request timed out/i.test(messages)) {
    return new WorkbenchError('BROKER_UNREACHABLE', `Broker ${target} did not answer in time`, detail);
  }
  if (/certificate|SSL|TLS|EPROTO/i.test(messages)) {
    return new WorkbenchError('BROKER_UNREACHABLE', `TLS handshake with ${target} failed: ${chain[chain.length - 1]?.message ?? 'unknown reason'}`, detail);
  }
  if (names.some((n) => n === 'KafkaJSConnectionError' || n === 'KafkaJSNumberOfRetriesExceeded' || n === 'KafkaJSBrokerNotFound')) {
    // With one broker of several down, name that one rather than the whole bootstrap list.
    const failed = chain.find((e) => typeof e.broker === 'string')?.broker as string | undefined;
    return new WorkbenchError('BROKER_UNREACHABLE', `Cannot reach ${failed ?? target}: ${chain[chain.length - 1]?.message ?? 'connection failed'}`, detail);
  }
  return new WorkbenchError('KAFKA_ERROR', chain[0]?.message || 'Kafka request failed', detail);
}
