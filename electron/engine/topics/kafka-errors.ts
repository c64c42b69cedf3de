import { WorkbenchError } from '../../../shared/errors.js';
import { describeKafkaError, flatten, isUnknownTopic } from '../kafka/errors.js';
import type { KafkaClients } from '../kafka/kafka-clients.js';

interface ProtocolErrorLike {
  code?: unknown;
  apiId?: unknown;
  message?: unknown;
  serverErrorMessage?: unknown;
  errors?: unknown;
  cause?: unknown;
}

/** The broker's refusals inside a client error (ProtocolErrors, however deeply nested), first of each kind. */
function refusals(error: unknown): { apiId: string; words: string }[] {
  const found = new Map<string, string>();
  const queue: unknown[] = [error];
  for (let seen = 0; queue.length > 0 && seen < 50; seen++) {
    const e = queue.shift() as ProtocolErrorLike | null | undefined;
    if (!e || typeof e !== 'object') continue;
    if (e.code === 'PLT_KFK_PROTOCOL' && typeof e.apiId === 'string' && !found.has(e.apiId)) {
      // The broker's own text ("Invalid value -5 for configuration retention.ms") beats the code's description.
      const server = typeof e.serverErrorMessage === 'string' && e.serverErrorMessage ? e.serverErrorMessage : null;
      found.set(e.apiId, server ?? (typeof e.message === 'string' ? e.message : e.apiId));
    }
    if (Array.isArray(e.errors)) queue.push(...(e.errors as unknown[]));
    if (e.cause) queue.push(e.cause);
  }
  return [...found].map(([apiId, words]) => ({ apiId, words }));
}

/**
 * The broker's own words for a refusal (e.g. "Invalid value -5 for configuration retention.ms"), or
 * null when the error is not a broker refusal (network, authentication…). Retried attempts that
 * failed for a passing reason (NOT_COORDINATOR, a coordinator loading) are left out when a final
 * answer is there too.
 */
export function brokerWords(error: unknown): string | null {
  const all = refusals(error);
  const passing = new Set([
    'NOT_COORDINATOR',
    'COORDINATOR_LOAD_IN_PROGRESS',
    'COORDINATOR_NOT_AVAILABLE',
    'NOT_CONTROLLER',
    'REQUEST_TIMED_OUT',
  ]);
  const final = all.filter((r) => !passing.has(r.apiId));
  const chosen = final.length > 0 ? final : all;
  return chosen.length === 0 ? null : chosen.map((r) => r.words).join('; ');
}

/** The Kafka error names (apiId) in a client error, e.g. 'UNKNOWN_TOPIC_OR_PARTITION'. */
export function errorTypes(error: unknown): Set<string> {
  return flatten(error).apiIds;
}

/**
 * WorkbenchError for a Kafka failure: NOT_FOUND for an unknown topic, the broker's wording for
 * refusals, else the shared description (unreachable broker, auth…).
 */
export function describeTopicError(clients: KafkaClients, connectionId: string, topic: string, error: unknown): WorkbenchError {
  const notFound = (detail?: string) => new WorkbenchError('NOT_FOUND', `Topic ${topic} does not exist`, detail);
  if (error instanceof WorkbenchError) {
    if (/UNKNOWN_TOPIC_OR_PARTITION|does not host this topic-partition|unknown topic/i.test(`${error.message} ${error.detail ?? ''}`))
      return notFound(error.detail);
    return error;
  }
  if (isUnknownTopic(error)) return notFound();
  const words = brokerWords(error);
  if (words !== null) return new WorkbenchError('KAFKA_ERROR', words);
  return describeClientError(clients, connectionId, error);
}

/** The user-facing form of a (new client's) Kafka error for this connection. */
export function describeClientError(clients: KafkaClients, connectionId: string, error: unknown): WorkbenchError {
  return describeKafkaError(error, clients.connection(connectionId).bootstrapServers);
}
