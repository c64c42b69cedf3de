import { WorkbenchError } from '../../../shared/errors.js';
import type { KafkaClients } from '../kafka/kafka-clients.js';

interface BrokerError {
  type?: string;
  message?: string;
  errors?: BrokerError[];
}

/** The broker's own words for an aggregate error (e.g. "Invalid value -5 for configuration retention.ms"). */
export function brokerWords(error: unknown): string | null {
  const e = error as BrokerError | null;
  if (e && Array.isArray(e.errors) && e.errors.length > 0) {
    return e.errors.map((inner) => inner.message ?? inner.type ?? 'error').join('; ');
  }
  return null;
}

export function errorType(error: unknown): string | null {
  const e = error as BrokerError | null;
  return e?.type ?? e?.errors?.[0]?.type ?? null;
}

/**
 * WorkbenchError for a Kafka failure: NOT_FOUND for an unknown topic, the broker's wording for
 * refusals, else the shared description (unreachable broker, auth…).
 */
export function describeTopicError(clients: KafkaClients, connectionId: string, topic: string, error: unknown): WorkbenchError {
  if (error instanceof WorkbenchError) {
    if (/UNKNOWN_TOPIC_OR_PARTITION|does not host this topic-partition|unknown topic/i.test(`${error.message} ${error.detail ?? ''}`)) {
      return new WorkbenchError('NOT_FOUND', `Topic ${topic} does not exist`, error.detail);
    }
    return error;
  }
  if (errorType(error) === 'UNKNOWN_TOPIC_OR_PARTITION') return new WorkbenchError('NOT_FOUND', `Topic ${topic} does not exist`);
  const words = brokerWords(error);
  if (words !== null) return new WorkbenchError('KAFKA_ERROR', words);
  return clients.describe(connectionId, error);
}
