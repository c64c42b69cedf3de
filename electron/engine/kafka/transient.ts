import { WorkbenchError } from '../../../shared/errors.js';
import { flatten, hasKafkaError, isConnectionFailure } from './errors.js';

/**
 * Kafka errors a reader outlives by fetching again from where it stands: leadership moved or is
 * being elected, the broker restarted or is still loading the partition, the request timed out.
 * (Kafka marks these retriable: org.apache.kafka.common.errors.RetriableException subclasses.)
 */
const TRANSIENT = [
  'NOT_LEADER_OR_FOLLOWER',
  'LEADER_NOT_AVAILABLE',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  'NOT_ENOUGH_REPLICAS',
  'REQUEST_TIMED_OUT',
  'NETWORK_EXCEPTION',
  'KAFKA_STORAGE_ERROR',
  'OFFSET_NOT_AVAILABLE',
  'REPLICA_NOT_AVAILABLE',
  'BROKER_NOT_AVAILABLE',
  'COORDINATOR_LOAD_IN_PROGRESS',
];

/** True when fetching again later may succeed (see TRANSIENT); false for refusals such as an unknown topic or missing ACL. */
export function isTransientFetchError(error: unknown): boolean {
  if (error instanceof WorkbenchError) return /has no leader right now/.test(error.message);
  if (isConnectionFailure(error) && !flatten(error).codes.has('PLT_KFK_AUTHENTICATION')) return true;
  return hasKafkaError(error, ...TRANSIENT);
}

/** The reader asked for an offset the log no longer (or not yet) holds: retention deleted it, or the topic was truncated. */
export function isOffsetOutOfRange(error: unknown): boolean {
  return hasKafkaError(error, 'OFFSET_OUT_OF_RANGE');
}
