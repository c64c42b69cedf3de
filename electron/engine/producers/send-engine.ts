import type { EncodedRecord } from './record-encoding.js';

/**
 * The Kafka client under an embedded producer, reduced to what the batch sender needs: connect,
 * send one batch to the producer's topic with the producer's settings, disconnect. The one
 * implementation is kafka/send-engine.ts (only kafka/ talks to the client library); batching
 * (linger, batch size, buffer, max block) stays in BatchSender.
 */
export interface SendEngine {
  /** Connects and proves the broker answers; rejects with a WorkbenchError when it does not. */
  connect(): Promise<void>;
  /** Sends the records as one produce call; resolves once acknowledged (acks=0: once written). */
  send(records: readonly EncodedRecord[]): Promise<void>;
  disconnect(): Promise<void>;
}
