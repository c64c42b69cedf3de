import { encode as encodeMsgpack } from '@msgpack/msgpack';
import { z } from 'zod';
import { encodeUtf8, fromBase64, fromHex } from './bytes.js';

/** The encoders of the produce form; each mirrors a decoder. */
export const encoderIds = [
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
export const encoderIdSchema = z.enum(encoderIds);
export type EncoderId = z.infer<typeof encoderIdSchema>;

function integer(text: string, bits: 16 | 32 | 64): bigint {
  const trimmed = text.trim();
  if (!/^-?\d+$/.test(trimmed)) throw new Error(`int${bits} needs a whole number, got "${trimmed.slice(0, 40)}"`);
  const value = BigInt(trimmed);
  const limit = 1n << BigInt(bits - 1);
  if (value < -limit || value >= limit) throw new Error(`${trimmed} does not fit in int${bits}`);
  return value;
}

/** JSON.parse with an error that says the text is not JSON and why. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`invalid JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** Text from the produce form → bytes. Throws an Error whose message a user can act on. */
export function encodeText(text: string, encoder: EncoderId): Uint8Array {
  switch (encoder) {
    case 'string':
      return encodeUtf8(text);
    case 'json':
      parseJson(text);
      return encodeUtf8(text);
    case 'int16': {
      const out = new Uint8Array(2);
      new DataView(out.buffer).setInt16(0, Number(integer(text, 16)), false);
      return out;
    }
    case 'int32': {
      const out = new Uint8Array(4);
      new DataView(out.buffer).setInt32(0, Number(integer(text, 32)), false);
      return out;
    }
    case 'int64': {
      const out = new Uint8Array(8);
      new DataView(out.buffer).setBigInt64(0, integer(text, 64), false);
      return out;
    }
    case 'double': {
      const value = Number(text.trim());
      if (text.trim() === '' || Number.isNaN(value)) throw new Error(`double needs a number, got "${text.trim().slice(0, 40)}"`);
      const out = new Uint8Array(8);
      new DataView(out.buffer).setFloat64(0, value, false);
      return out;
    }
    case 'hex':
      return fromHex(text);
    case 'base64':
      return fromBase64(text);
    case 'msgpack':
      return encodeMsgpack(parseJson(text));
    case 'avro':
    case 'protobuf':
    case 'jsonschema':
      // The schema and its id live in the registry, which only the engine reaches (AvroResolver).
      throw new Error(`${encoder} is encoded by the engine with the schema registry`);
  }
}

/** The error message for `text` under `encoder`, or null when it encodes (form validation). */
export function encodeError(text: string, encoder: EncoderId): string | null {
  try {
    // Registry formats: the page can only check the JSON; the engine checks it against the schema.
    if (encoder === 'avro' || encoder === 'protobuf' || encoder === 'jsonschema') parseJson(text);
    else encodeText(text, encoder);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
