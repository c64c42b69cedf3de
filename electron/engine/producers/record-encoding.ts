import { randomUUID } from 'node:crypto';
import { isRegistrySerializer, type KeyStrategy, type Serializer } from '../../../shared/producers.js';
import { readJsonPath } from '../json-path.js';
import { describeWriter, encodeWire, type WriterSchema } from '../schema-registry/writer-schema.js';
import { textOf } from './sources/source.js';

export interface EncodedRecord {
  key: string | null;
  /** Text for JSON/string; Confluent wire-format bytes for Avro, Protobuf and JSON Schema. */
  value: string | Buffer;
  /** The value as text (the JSON a registry record was encoded from), for the status preview. */
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
 * Avro, Protobuf, JSON Schema: magic byte, schema id, then the record in the schema's format (the
 * same encoder as the topic browser's produce form). A record that does not fit throws, naming the
 * fields (e.g. `temperature: "hot" is not double`), and is never sent.
 */
export function serializeWithSchema(record: unknown, writer: WriterSchema): { value: Buffer; preview: string } {
  const preview = JSON.stringify(record) ?? 'null';
  try {
    return { value: Buffer.from(encodeWire(writer, preview)), preview };
  } catch (error) {
    throw new Error(`record not sent: ${describeWriter(writer)}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

/** `writer`: the registry schema resolved at start, for the registry serializers. */
export function encodeRecord(
  record: unknown,
  options: { key: KeyStrategy; serializer: Serializer; headers: readonly { name: string; value: string }[] },
  writer?: WriterSchema | null,
): EncodedRecord {
  let value: string | Buffer;
  let preview: string;
  const { serializer } = options;
  if (isRegistrySerializer(serializer)) {
    if (!writer) throw new Error(`the ${serializer} serializer has no schema resolved (the producer must be started again)`);
    ({ value, preview } = serializeWithSchema(record, writer));
  } else {
    value = preview = serialize(record, serializer);
  }
  const key = keyOf(record, options.key);
  const headers = options.headers.length === 0 ? null : options.headers.map((h) => [h.name, h.value] as const);
  let size = Buffer.byteLength(value) + (key === null ? 0 : Buffer.byteLength(key));
  for (const h of options.headers) size += Buffer.byteLength(h.name) + Buffer.byteLength(h.value);
  return { key, value, preview, headers, size };
}
