import type { BadRecord } from '../../../shared/pipelines.js';
import type { KafkaJsMessage, Message, Producer } from '../kafka/kafkajs.js';

export type DeadLetter = BadRecord & { message: KafkaJsMessage };

/** Kafka's answers to a record or batch larger than the topic's max.message.bytes. */
const TOO_LARGE = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);

function isTooLarge(error: unknown, depth = 0): boolean {
  if (depth > 4 || typeof error !== 'object' || error === null) return false;
  const e = error as { type?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown };
  if (typeof e.type === 'string' && TOO_LARGE.has(e.type)) return true;
  const nested = [e.cause, e.originalError, ...(Array.isArray(e.errors) ? (e.errors as unknown[]) : [])];
  return nested.some((inner) => isTooLarge(inner, depth + 1));
}

function letter(bad: DeadLetter, withValue: boolean): Message {
  const headers: Record<string, string> = { 'x-error-reason': bad.reason, 'x-error': bad.error, 'x-source': `${bad.topic}/${bad.partition}/${bad.offset}` };
  if (withValue) return { key: bad.message.key, value: bad.message.value, headers };
  const size = bad.message.value?.length ?? 0;
  headers['x-value-dropped'] = `${size} bytes: larger than the dead-letter topic accepts (raise its max.message.bytes to keep such values)`;
  return { key: bad.message.key, value: null, headers };
}

/**
 * Writes bad records to the dead-letter topic: the original key and value, with the reason, the
 * error and the source position in headers. A batch the topic refuses as too large is sent one
 * letter at a time, and a letter still too large goes without its value (saying so in a header):
 * one oversized poison record must not stall the pipeline, retrying the same batch for ever.
 */
export async function sendDeadLetters(producer: Pick<Producer, 'send'>, topic: string, bad: readonly DeadLetter[]): Promise<void> {
  if (bad.length === 0) return;
  try {
    await producer.send({ topic, acks: -1, messages: bad.map((b) => letter(b, true)) });
    return;
  } catch (error) {
    if (!isTooLarge(error)) throw error;
  }
  for (const b of bad) {
    try {
      await producer.send({ topic, acks: -1, messages: [letter(b, true)] });
    } catch (error) {
      if (!isTooLarge(error)) throw error;
      await producer.send({ topic, acks: -1, messages: [letter(b, false)] });
    }
  }
}
