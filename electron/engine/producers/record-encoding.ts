import { randomUUID } from 'node:crypto';
import type { KeyStrategy, Serializer } from '../../../shared/producers.js';
import { withWireHeader } from '../../../shared/topic-browser/avro-wire.js';
import { readJsonPath } from '../json-path.js';
import { encodeAvroBody } from '../schema-registry/avro-codec.js';
import { textOf } from './sources/source.js';

/** The registry schema an Avro producer writes with, resolved once at start. */
export interface ResolvedAvro {
  id: number;
  schema: string;
  subject: string;
}

export interface EncodedRecord {
  key: string | null;
  /** Text for JSON/string; Confluent wire-format bytes for Avro. */
  value: string | Buffer;
  /** The value as text (the JSON an Avro record was encoded from), for the status preview. */
  preview: string;
  headers: ReadonlyArray<readonly [string, string]> | null;
  /** key + value + headers, for the byte counters and the emulated batch size. */
  size: number;
}

/**
 * JSON writes every record as JSON. String writes text as is, a record that carries its own text
 * (a CSV row: its cell or its line, see `parseCsv`) as that text, and anything else as JSON.
 */
export function serialize(record: unknown, serializer: 'json' | 'string'): string {
  if (serializer === 'string') {
    if (typeof record === 'string') return record;
    const text = textOf(record);
    if (text !== undefined) return text;
  }
  return JSON.stringify(record) ?? 'null';
}

export function keyOf(record: unknown, strategy: KeyStrategy): string | null {
  switch (strategy.kind) {
    case 'none':
      return null;
    case 'fixed':
      return strategy.value;
    case 'random':
      return randomUUID();
    case 'field': {
      const value = readJsonPath(record, strategy.path);
      if (value === undefined || value === null) return null;
      return typeof value === 'string' ? value : JSON.stringify(value);
    }
  }
}

/**
 * Avro: magic byte, schema id, then the record in the schema's binary encoding. A record that does
 * not fit throws, naming the fields (e.g. `temperature: "hot" is not double`), and is never sent.
 */
export function serializeAvro(record: unknown, avro: ResolvedAvro): { value: Buffer; preview: string } {
  const preview = JSON.stringify(record) ?? 'null';
  try {
    return { value: Buffer.from(withWireHeader(avro.id, encodeAvroBody(avro.schema, preview))), preview };
  } catch (error) {
    throw new Error(`record not sent: schema ${avro.id} of "${avro.subject}": ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

export function encodeRecord(
  record: unknown,
  options: { key: KeyStrategy; serializer: Serializer; headers: readonly { name: string; value: string }[] },
  avro?: ResolvedAvro | null,
): EncodedRecord {
  let value: string | Buffer;
  let preview: string;
  if (options.serializer === 'avro') {
    if (!avro) throw new Error('the Avro serializer has no schema resolved (the producer must be started again)');
    ({ value, preview } = serializeAvro(record, avro));
  } else {
    value = preview = serialize(record, options.serializer);
  }
  const key = keyOf(record, options.key);
  const headers = options.headers.length === 0 ? null : options.headers.map((h) => [h.name, h.value] as const);
  let size = Buffer.byteLength(value) + (key === null ? 0 : Buffer.byteLength(key));
  for (const h of options.headers) size += Buffer.byteLength(h.name) + Buffer.byteLength(h.value);
  return { key, value, preview, headers, size };
}
