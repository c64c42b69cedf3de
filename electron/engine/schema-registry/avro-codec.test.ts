import { describe, expect, it } from 'vitest';
import { toHex } from '../../../shared/topic-browser/bytes.js';
import { decodePayloadBytes } from '../../../shared/topic-browser/decoders.js';
import { encodeError } from '../../../shared/topic-browser/encoders.js';
import { wireSchemaId, withWireHeader } from '../../../shared/topic-browser/avro-wire.js';
import { decodeAvroBody, encodeAvroBody } from './avro-codec.js';

const schema = JSON.stringify({
  type: 'record',
  name: 'Reading',
  fields: [
    { name: 'sensor', type: 'string' },
    { name: 'temperature', type: 'double' },
    { name: 'count', type: 'long' },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
});

describe('Confluent wire format', () => {
  it('is magic byte 0, the schema id as 4 bytes big-endian, then the body', () => {
    const framed = withWireHeader(0x01020304, new Uint8Array([0xaa, 0xbb]));
    expect(toHex(framed)).toBe('00 01 02 03 04 aa bb');
    expect(wireSchemaId(framed)).toBe(0x01020304);
  });

  it('reads ids above 2^31 unsigned', () => {
    expect(wireSchemaId(withWireHeader(0xfffffffe, new Uint8Array([1])))).toBe(0xfffffffe);
  });

  it('is not recognised without the magic byte or with no body', () => {
    expect(wireSchemaId(new Uint8Array([1, 0, 0, 0, 1, 2]))).toBeNull();
    expect(wireSchemaId(new Uint8Array([0, 0, 0, 1]))).toBeNull();
  });
});

describe('Avro body', () => {
  it('encodes the Avro binary encoding (zig-zag varints, length-prefixed strings)', () => {
    const body = encodeAvroBody(schema, JSON.stringify({ sensor: 'ab', temperature: 0, count: -1, note: null }));
    // "ab" = len 2 (zig-zag 04) + 61 62; double 0 = 8 zero bytes; long -1 = 01; union branch 0 (null) = 00
    expect(toHex(body)).toBe('04 61 62 00 00 00 00 00 00 00 00 01 00');
  });

  it('round-trips, longs beyond 2^53 exactly (as a string)', () => {
    const record = { sensor: 'sensor_3', temperature: 31.5, count: 7, note: 'hot' };
    expect(JSON.parse(decodeAvroBody(schema, encodeAvroBody(schema, JSON.stringify(record))))).toEqual(record);
    const big = encodeAvroBody(schema, '{"sensor":"s","temperature":1,"count":1,"note":null}');
    // Replace the long (zig-zag 02) by 2^60 written as a varint.
    const varint: number[] = [];
    let n = (1n << 60n) * 2n;
    while (n >= 0x80n) {
      varint.push(Number((n & 0x7fn) | 0x80n));
      n >>= 7n;
    }
    varint.push(Number(n));
    const patched = new Uint8Array([...big.subarray(0, 10), ...varint, ...big.subarray(11)]);
    expect((JSON.parse(decodeAvroBody(schema, patched)) as { count: unknown }).count).toBe((1n << 60n).toString());
  });

  it('says which fields do not fit the schema', () => {
    expect(() => encodeAvroBody(schema, '{"sensor": 5, "temperature": "hot", "count": 1}')).toThrow(
      /sensor: 5 is not string.*temperature: "hot" is not double/,
    );
    expect(() => encodeAvroBody(schema, '{nope')).toThrow(/invalid JSON/);
    expect(() => encodeAvroBody('{"type":"record"}', '{}')).toThrow(/invalid Avro schema/);
  });

  it('names a truncated record and trailing bytes', () => {
    const body = encodeAvroBody(schema, '{"sensor":"sensor_3","temperature":1.5,"count":3,"note":"x"}');
    expect(() => decodeAvroBody(schema, body.subarray(0, 6))).toThrow(/truncated record/);
    expect(() => decodeAvroBody(schema, new Uint8Array([...body, 1, 2]))).toThrow(/trailing bytes/);
  });
});

describe('decodePayloadBytes with what the engine resolved', () => {
  const framed = withWireHeader(7, new Uint8Array([2, 0x61]));

  it('auto-detects Avro when it decoded', () => {
    const decoded = decodePayloadBytes(framed, 'auto', { schemaId: 7, json: '{"a":1}' });
    expect(decoded).toMatchObject({ decoder: 'avro', ok: true, value: { a: 1 } });
    expect(decoded.text).toBe('{\n  "a": 1\n}');
  });

  it('shows a failure as hex with the reason', () => {
    const decoded = decodePayloadBytes(framed, 'auto', { schemaId: 7, error: 'schema id 7 is not in the registry' });
    expect(decoded).toMatchObject({ decoder: 'avro', ok: false, text: '00 00 00 00 07 02 61' });
    expect(decoded.error).toContain('schema id 7 is not in the registry');
  });

  it('keeps an 8-byte long a long under auto when Avro failed, and Avro when chosen', () => {
    const long = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 42]);
    expect(decodePayloadBytes(long, 'auto', { schemaId: 0, error: 'not found' })).toMatchObject({ decoder: 'int64', text: '42' });
    expect(decodePayloadBytes(long, 'avro', { schemaId: 0, error: 'not found' })).toMatchObject({ decoder: 'avro', ok: false });
  });

  it('explains Avro chosen without a registry', () => {
    expect(decodePayloadBytes(framed, 'avro', undefined).error).toMatch(/needs a schema registry URL/);
    expect(decodePayloadBytes(new Uint8Array([1, 2]), 'avro', undefined).error).toMatch(/not Confluent wire format/);
  });

  it('lets the form check only the JSON of an Avro value', () => {
    expect(encodeError('{"a":1}', 'avro')).toBeNull();
    expect(encodeError('{a', 'avro')).toMatch(/invalid JSON/);
  });
});
