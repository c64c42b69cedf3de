import { decode as decodeMsgpack } from '@msgpack/msgpack';
import { z } from 'zod';
import { wireSchemaId } from './avro-wire.js';
import { isPrintable, toBase64, toHex, utf8 } from './bytes.js';
import type { AvroResult } from './schemas.js';

export const decoderIds = [
  'auto',
  'string',
  'json',
  'int16',
  'int32',
  'int64',
  'double',
  'hex',
  'base64',
  'msgpack',
  'avro',
  'protobuf',
  'jsonschema',
] as const;
export const decoderIdSchema = z.enum(decoderIds);
export type DecoderId = z.infer<typeof decoderIdSchema>;
export type ConcreteDecoder = Exclude<DecoderId, 'auto'>;

export const decoderLabels: Record<DecoderId, string> = {
  auto: 'Auto-detect',
  string: 'UTF-8 string',
  json: 'JSON',
  int16: 'Int16 (big-endian)',
  int32: 'Int32 (big-endian)',
  int64: 'Int64 / long (big-endian)',
  double: 'Double (big-endian)',
  hex: 'Hex',
  base64: 'Base64',
  msgpack: 'MessagePack',
  avro: 'Avro (Schema Registry)',
  protobuf: 'Protobuf (Schema Registry)',
  jsonschema: 'JSON Schema (Schema Registry)',
};

/** The decoders that read through the schema registry (what the engine resolved). */
const registryDecoders = ['avro', 'protobuf', 'jsonschema'] as const;
type RegistryDecoder = (typeof registryDecoders)[number];
const isRegistryDecoder = (decoder: DecoderId): decoder is RegistryDecoder => (registryDecoders as readonly string[]).includes(decoder);

/** What a decoder made of some bytes. On failure `text` is the hex dump and `error` says why. */
export interface Decoded {
  decoder: ConcreteDecoder;
  ok: boolean;
  text: string;
  error?: string;
  /** The parsed value for JSON and MessagePack (plain data), for filters and the tree view. */
  value?: unknown;
}

/** Plain JSON-able form of what MessagePack may produce (Map, bigint, Uint8Array, Date). */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return toBase64(value);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Map) return Object.fromEntries([...value.entries()].map(([k, v]) => [String(k), plain(v)]));
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

function fixedWidth(bytes: Uint8Array, width: number, name: string): DataView {
  if (bytes.length !== width) throw new Error(`${name} needs exactly ${width} bytes, got ${bytes.length}`);
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function run(bytes: Uint8Array, decoder: ConcreteDecoder): Omit<Decoded, 'decoder' | 'ok'> {
  switch (decoder) {
    case 'string':
      return { text: utf8(bytes) };
    case 'json': {
      const value: unknown = JSON.parse(utf8(bytes));
      return { text: JSON.stringify(value, null, 2), value };
    }
    case 'int16':
      return { text: String(fixedWidth(bytes, 2, 'int16').getInt16(0, false)) };
    case 'int32':
      return { text: String(fixedWidth(bytes, 4, 'int32').getInt32(0, false)) };
    case 'int64':
      return { text: fixedWidth(bytes, 8, 'int64').getBigInt64(0, false).toString() };
    case 'double':
      return { text: String(fixedWidth(bytes, 8, 'double').getFloat64(0, false)) };
    case 'hex':
      return { text: toHex(bytes) };
    case 'base64':
      return { text: toBase64(bytes) };
    case 'msgpack': {
      const value = plain(decodeMsgpack(bytes));
      return { text: JSON.stringify(value, null, 2) ?? 'null', value };
    }
    case 'avro':
    case 'protobuf':
    case 'jsonschema':
      // Bytes alone are not enough: the schema lives in the registry (see decodePayloadBytes).
      if (wireSchemaId(bytes) === null) throw new Error('not Confluent wire format (magic byte 0 + 4-byte schema id + body)');
      throw new Error('needs a schema registry URL on this connection');
  }
}

/**
 * Decodes with one decoder. Never throws: bytes the decoder cannot read come back as hex with the
 * decoder's error, so a bad record is shown, not fatal.
 */
export function decodeAs(bytes: Uint8Array, decoder: ConcreteDecoder): Decoded {
  try {
    return { decoder, ok: true, ...run(bytes, decoder) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { decoder, ok: false, text: toHex(bytes), error: `${decoderLabels[decoder]}: ${reason}` };
  }
}

/** Whether the text is JSON; parsing only (indented text of deeply nested JSON grows with the square of its depth). */
function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Picks the most likely decoder: readable UTF-8 (JSON when it parses as an object or array), else
 * MessagePack maps/arrays that consume every byte, else an 8-byte big-endian long (Kafka Streams'
 * LongSerializer, e.g. word counts), 4-byte int, else hex.
 */
export function detectDecoder(bytes: Uint8Array): ConcreteDecoder {
  if (bytes.length === 0) return 'string';
  let text: string | null;
  try {
    text = utf8(bytes);
  } catch {
    text = null;
  }
  if (text !== null && isPrintable(text)) {
    const trimmed = text.trim();
    if ((trimmed.startsWith('{') || trimmed.startsWith('[')) && parses(text)) return 'json';
    return 'string';
  }
  const first = bytes[0] ?? 0;
  const looksLikeMsgpackContainer = (first >= 0x80 && first <= 0x9f) || (first >= 0xdc && first <= 0xdf);
  if (looksLikeMsgpackContainer && bytes.length > 1 && decodeAs(bytes, 'msgpack').ok) return 'msgpack';
  if (bytes.length === 8) return 'int64';
  if (bytes.length === 4) return 'int32';
  return 'hex';
}

/** `decoder: 'auto'` detects; any other id is used as chosen (the manual override). */
export function decodeBytes(bytes: Uint8Array, decoder: DecoderId = 'auto'): Decoded {
  return decodeAs(bytes, decoder === 'auto' ? detectDecoder(bytes) : decoder);
}

function fromRegistry(bytes: Uint8Array, result: AvroResult, chosen: RegistryDecoder | 'auto'): Decoded {
  const decoder: RegistryDecoder = result.format ?? (chosen === 'auto' ? 'avro' : chosen);
  // An id the registry does not know has no format yet: the reason then names the registry, not a format.
  const label = result.format === undefined && chosen === 'auto' ? 'Schema Registry' : decoderLabels[decoder];
  const failed = (reason: string): Decoded => ({ decoder, ok: false, text: toHex(bytes), error: `${label}: ${reason}` });
  if (chosen !== 'auto' && result.format !== undefined && result.format !== chosen)
    return { ...failed(`schema ${result.schemaId} is ${decoderLabels[result.format]}, not ${decoderLabels[chosen]}`), decoder: chosen };
  if (result.json === undefined) return failed(result.error ?? `schema ${result.schemaId} gave no result`);
  try {
    const value: unknown = JSON.parse(result.json);
    return { decoder, ok: true, text: JSON.stringify(value, null, 2), value };
  } catch (error) {
    return failed(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Like decodeBytes, with what the engine resolved through the schema registry (`registry` is set
 * when the bytes carry the wire header and the connection has a registry). Auto-detect shows the
 * schema's format (Avro, Protobuf, JSON Schema: the registry's type of the id) when it decoded, and
 * its failure (truncated, unknown id, wrong message index, invalid for its JSON Schema, registry
 * down) as hex with the reason — unless another reading is likelier: an 8-byte value starting with 0
 * is a big-endian long far more often than a broken registry record (word counts). Choosing a
 * registry format by hand always shows that outcome.
 */
export function decodePayloadBytes(bytes: Uint8Array, decoder: DecoderId, registry: AvroResult | undefined): Decoded {
  if (registry !== undefined && isRegistryDecoder(decoder)) return fromRegistry(bytes, registry, decoder);
  if (registry !== undefined && decoder === 'auto') {
    const decoded = fromRegistry(bytes, registry, 'auto');
    if (decoded.ok) return decoded;
    const detected = detectDecoder(bytes);
    return detected === 'hex' ? decoded : decodeAs(bytes, detected);
  }
  return decodeBytes(bytes, decoder);
}

/**
 * What `decodeBytes(bytes)` reads as data, without its display text: the parsed value of JSON and
 * MessagePack, the text of anything else. For filters, which never show the text.
 */
export function decodeValue(bytes: Uint8Array): unknown {
  const decoder = detectDecoder(bytes);
  if (decoder === 'json') return JSON.parse(utf8(bytes)) as unknown;
  if (decoder === 'msgpack') return plain(decodeMsgpack(bytes));
  return decodeAs(bytes, decoder).text;
}
