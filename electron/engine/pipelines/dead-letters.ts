import type { BadRecord } from '../../../shared/pipelines.js';
import { hasKafkaError } from '../kafka/errors.js';
import type { ConsumedRecord, OutgoingRecord } from '../kafka/records.js';

export type DeadLetter = BadRecord & { message: ConsumedRecord };

/** Sends records and resolves once they are acknowledged (a producer's send, or one inside a transaction). */
export type RecordSender = (records: readonly OutgoingRecord[]) => Promise<unknown>;

/** Kafka's answers to a record or batch larger than the topic's max.message.bytes. */
const isTooLarge = (error: unknown) => hasKafkaError(error, 'MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE');

function letter(topic: string, bad: DeadLetter, withValue: boolean): OutgoingRecord {
  const headers: Record<string, string> = {
    'x-error-reason': bad.reason,
    'x-error': bad.error,
    'x-source': `${bad.topic}/${bad.partition}/${bad.offset}`,
  };
  if (withValue) return { topic, key: bad.message.key, value: bad.message.value, headers };
  const size = bad.message.value?.length ?? 0;
  headers['x-value-dropped'] = `${size} bytes: larger than the dead-letter topic accepts (raise its max.message.bytes to keep such values)`;
  return { topic, key: bad.message.key, value: null, headers };
}

/**
 * Writes bad records to the dead-letter topic: the original key and value, with the reason, the
 * error and the source position in headers. A batch the topic refuses as too large is sent one
 * letter at a time, and a letter still too large goes without its value (saying so in a header):
 * one oversized poison record must not stall the pipeline, retrying the same batch for ever.
 */
export async function sendDeadLetters(send: RecordSender, topic: string, bad: readonly DeadLetter[]): Promise<void> {
  if (bad.length === 0) return;
  try {
    await send(bad.map((b) => letter(topic, b, true)));
    return;
  } catch (error) {
    if (!isTooLarge(error)) throw error;
  }
  for (const b of bad) {
    try {
      await send([letter(topic, b, true)]);
    } catch (error) {
      if (!isTooLarge(error)) throw error;
      await send([letter(topic, b, false)]);
    }
  }
}
