import type { Connection } from '../../../shared/connection.js';
import type { ProducerConfig } from '../../../shared/producers.js';
import type { KafkaLog } from '../kafka/client-factory.js';
import type { EncodedRecord } from './record-encoding.js';

/**
 * The Kafka client under an embedded producer, reduced to what the batch sender needs: connect,
 * send one batch to the producer's topic with the producer's settings, disconnect. Batching
 * (linger, batch size, buffer, in-flight batches) stays in BatchSender, the same for every client,
 * so switching the client changes only the wire path.
 */
export interface SendEngine {
  /** Connects and proves the broker answers; rejects with the client's error when it does not. */
  connect(): Promise<void>;
  /** Sends the records as one produce call; resolves once acknowledged (acks=0: once written). */
  send(records: readonly EncodedRecord[]): Promise<void>;
  disconnect(): Promise<void>;
}

export interface SendEngineOptions {
  connection: Connection;
  password: string | null;
  topic: string;
  config: ProducerConfig;
  log?: KafkaLog;
}

export const ACKS = { all: -1, '1': 1, '0': 0 } as const;
