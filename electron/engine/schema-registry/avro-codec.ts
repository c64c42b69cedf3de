import avro from 'avsc';
import type { Type } from 'avsc';
import { parseJson } from '../../../shared/topic-browser/encoders.js';

/**
 * Avro longs as bigint, so a long above 2^53 decodes exactly instead of throwing (avsc's default
 * long is a JS number); encoding accepts numbers and bigints.
 */
const bigintLong = avro.types.LongType.__with({
  fromBuffer: (buffer: Buffer) => buffer.readBigInt64LE(),
  toBuffer: (n: bigint | number) => {
    const buffer = Buffer.alloc(8);
    buffer.writeBigInt64LE(BigInt(n));
    return buffer;
  },
  fromJSON: (n: number | string) => BigInt(n),
  toJSON: (n: bigint) => Number(n),
  isValid: (n: unknown) => typeof n === 'bigint' || (typeof n === 'number' && Number.isInteger(n)),
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

const types = new Map<string, Type>();

/** The avsc type of a schema text (cached: registry schemas are immutable per id). */
export function avroType(schemaText: string): Type {
  let type = types.get(schemaText);
  if (!type) {
    let schema: unknown;
    try {
      schema = JSON.parse(schemaText);
    } catch (error) {
      throw new Error(`the schema is not JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    try {
      type = avro.Type.forSchema(schema as avro.Schema, { registry: { long: bigintLong } });
    } catch (error) {
      throw new Error(`invalid Avro schema: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    if (types.size > 500) types.clear();
    types.set(schemaText, type);
  }
  return type;
}

/** Plain JSON-able data: bigints as numbers when exact (else strings), bytes as base64. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint')
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}

/** Avro binary body → JSON text. Throws with a reason a person can read (truncated, trailing bytes…). */
export function decodeAvroBody(schemaText: string, body: Uint8Array): string {
  const type = avroType(schemaText);
  const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  let value: unknown;
  try {
    value = type.fromBuffer(buffer);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (/truncated/i.test(reason))
      throw new Error(`truncated record: the ${body.length} body bytes end before the schema's fields do`, { cause: error });
    if (/trailing/i.test(reason))
      throw new Error(`${body.length} body bytes but the schema reads fewer (trailing bytes: wrong schema?)`, { cause: error });
    throw new Error(`does not match the schema: ${reason}`, { cause: error });
  }
  return JSON.stringify(plain(value));
}

/** JSON text → Avro binary body; the error names every field that does not fit the schema. */
export function encodeAvroBody(schemaText: string, jsonText: string): Uint8Array {
  const type = avroType(schemaText);
  const value = parseJson(jsonText);
  const problems: string[] = [];
  const valid = type.isValid(value, {
    errorHook: (path: string[], got: unknown, expected: Type) => {
      if (problems.length < 5)
        problems.push(
          `${path.length === 0 ? '(record)' : path.join('.')}: ${JSON.stringify(got) ?? 'undefined'} is not ${expected.typeName}`,
        );
    },
  });
  if (!valid) throw new Error(`does not fit the Avro schema — ${problems.join('; ')}`);
  return new Uint8Array(type.toBuffer(value));
}
