import { WorkbenchError } from '../../../shared/errors.js';

interface Nested {
  message?: unknown;
  code?: unknown;
  apiId?: unknown;
  cause?: unknown;
  errors?: unknown;
  serverErrorMessage?: unknown;
  host?: unknown;
  port?: unknown;
}

/**
 * The client's nested errors (MultipleErrors → ProtocolError / NetworkError → cause) flattened:
 * messages with the most specific (leaves) first, every error code and Kafka error name (apiId)
 * seen, and the first broker address named by a network error.
 */
export function flatten(error: unknown): { messages: string[]; codes: Set<string>; apiIds: Set<string>; broker: string | null } {
  const leaves: string[] = [];
  const wrappers: string[] = [];
  const codes = new Set<string>();
  const apiIds = new Set<string>();
  let broker: string | null = null;
  const queue: unknown[] = [error];
  for (let seen = 0; queue.length > 0 && seen < 30; seen++) {
    const current = queue.shift();
    if (!current || typeof current !== 'object') continue;
    const e = current as Nested;
    if (typeof e.code === 'string') codes.add(e.code);
    if (typeof e.apiId === 'string') apiIds.add(e.apiId);
    if (broker === null && typeof e.host === 'string' && typeof e.port === 'number') broker = `${e.host}:${e.port}`;
    const children = [...(Array.isArray(e.errors) ? (e.errors as unknown[]) : []), ...(e.cause ? [e.cause] : [])];
    const text = typeof e.message === 'string' ? e.message : '';
    const server = typeof e.serverErrorMessage === 'string' && e.serverErrorMessage ? ` (${e.serverErrorMessage})` : '';
    if (text) (children.length === 0 ? leaves : wrappers).push(text + server);
    queue.push(...children);
  }
  return { messages: [...new Set([...leaves, ...wrappers])], codes, apiIds, broker };
}

/** True when the error names one of these Kafka error codes (e.g. 'UNKNOWN_TOPIC_OR_PARTITION'). */
export function hasKafkaError(error: unknown, ...apiIds: string[]): boolean {
  const found = flatten(error).apiIds;
  return apiIds.some((id) => found.has(id));
}

/**
 * Turns a client error into one line a user can act on: "Broker 127.0.0.1:9092 refused the
 * connection". Given the topic a request was about, UNKNOWN_TOPIC_OR_PARTITION is said with its name
 * instead of the broker's "This server does not host this topic-partition".
 */
export function describeKafkaError(error: unknown, brokers: readonly string[], topic?: string): WorkbenchError {
  if (error instanceof WorkbenchError) return error;
  const { messages, codes, broker } = flatten(error);
  const target = brokers.join(', ');
  const text = messages.join(' | ');
  const detail = text || String(error);
  const first = messages[0] ?? String(error);

  if (codes.has('PLT_KFK_AUTHENTICATION') || /SASL|authentication/i.test(text)) {
    return new WorkbenchError('AUTH_FAILED', `Authentication to ${target} failed: check the user name, password and mechanism`, detail);
  }
  const refused = /ECONNREFUSED\s*([^\s|)]*)/.exec(text);
  if (refused) return new WorkbenchError('BROKER_UNREACHABLE', `Broker ${refused[1] || broker || target} refused the connection`, detail);
  if (/ENOTFOUND|EAI_AGAIN/.test(text))
    return new WorkbenchError('BROKER_UNREACHABLE', `The broker host name in ${target} could not be resolved`, detail);
  if (codes.has('PLT_KFK_TIMEOUT') || /timed out|timeout|ETIMEDOUT/i.test(text)) {
    return new WorkbenchError('BROKER_UNREACHABLE', `Broker ${broker ?? target} did not answer in time`, detail);
  }
  if (/certificate|SSL|TLS|EPROTO/i.test(text))
    return new WorkbenchError('BROKER_UNREACHABLE', `TLS handshake with ${target} failed: ${first}`, detail);
  if (codes.has('PLT_KFK_NETWORK') || /ECONNRESET|EPIPE|socket|Connection closed/i.test(text)) {
    return new WorkbenchError('BROKER_UNREACHABLE', `Cannot reach ${broker ?? target}: ${first}`, detail);
  }
  if (topic !== undefined && isUnknownTopic(error)) {
    // Also what a broker answers for a while after its restart, before it has loaded its logs.
    return new WorkbenchError(
      'NOT_FOUND',
      `Topic ${topic} is not on the cluster: it was deleted, or a restarting broker has not loaded it yet`,
      detail,
    );
  }
  return new WorkbenchError('KAFKA_ERROR', first || 'Kafka request failed', detail);
}

/** The broker answered UNKNOWN_TOPIC_OR_PARTITION / UNKNOWN_TOPIC_ID, or the client's own metadata check said "Unknown topic X." before asking. */
export function isUnknownTopic(error: unknown): boolean {
  const { apiIds, messages } = flatten(error);
  return apiIds.has('UNKNOWN_TOPIC_OR_PARTITION') || apiIds.has('UNKNOWN_TOPIC_ID') || messages.some((m) => /^Unknown topic /.test(m));
}

/**
 * What keeps a reader or a sender from making progress, in words and with since when:
 * "Broker 127.0.0.1:9092 refused the connection (since 12:03:10 UTC); retrying".
 */
export function describeStall(described: WorkbenchError, since: number): string {
  return `${described.message} (since ${new Date(since).toISOString().slice(11, 19)} UTC); retrying`;
}

/** True for failures of the connection itself (the client should be rebuilt), not broker-side refusals. */
export function isConnectionFailure(error: unknown): boolean {
  const { codes } = flatten(error);
  return codes.has('PLT_KFK_NETWORK') || codes.has('PLT_KFK_TIMEOUT') || codes.has('PLT_KFK_AUTHENTICATION');
}
