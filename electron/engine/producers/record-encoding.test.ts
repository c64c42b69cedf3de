import { describe, expect, it } from 'vitest';
import { toHex } from '../../../shared/topic-browser/bytes.js';
import { decodeAvroBody } from '../schema-registry/avro-codec.js';
import { encodeRecord, keyOf, serialize, type ResolvedAvro } from './record-encoding.js';

describe('record encoding', () => {
  it('serializes JSON, and text as is with the string serializer', () => {
    expect(serialize({ a: 1 }, 'json')).toBe('{"a":1}');
    expect(serialize('plain', 'json')).toBe('"plain"');
    expect(serialize('plain', 'string')).toBe('plain');
    expect(serialize({ a: 1 }, 'string')).toBe('{"a":1}');
  });
  it('keys by field, fixed value, random uuid or nothing', () => {
    const record = { sensor_id: 'sensor_3', n: 4 };
    expect(keyOf(record, { kind: 'field', path: 'sensor_id' })).toBe('sensor_3');
    expect(keyOf(record, { kind: 'field', path: 'n' })).toBe('4');
    expect(keyOf(record, { kind: 'field', path: 'missing' })).toBeNull();
    expect(keyOf(record, { kind: 'fixed', value: 'k' })).toBe('k');
    expect(keyOf(record, { kind: 'random' })).toMatch(/^[0-9a-f-]{36}$/);
    expect(keyOf(record, { kind: 'none' })).toBeNull();
  });
  it('counts key, value and header bytes', () => {
    const encoded = encodeRecord(
      { s: 'é' },
      { key: { kind: 'fixed', value: 'ab' }, serializer: 'json', headers: [{ name: 'h', value: 'v' }] },
    );
    expect(encoded).toEqual({ key: 'ab', value: '{"s":"é"}', preview: '{"s":"é"}', headers: [['h', 'v']], size: 10 + 2 + 2 });
    expect(encodeRecord('x', { key: { kind: 'none' }, serializer: 'string', headers: [] })).toEqual({
      key: null,
      value: 'x',
      preview: 'x',
      headers: null,
      size: 1,
    });
  });

  const reading: ResolvedAvro = {
    id: 258,
    subject: 't-value',
    schema: JSON.stringify({
      type: 'record',
      name: 'Reading',
      fields: [
        { name: 'sensor_id', type: 'string' },
        { name: 'temperature', type: 'double' },
      ],
    }),
  };

  it('writes Avro behind the Confluent wire header, keyed and previewed from the record', () => {
    const record = { sensor_id: 'sensor_1', temperature: 21.5 };
    const encoded = encodeRecord(record, { key: { kind: 'field', path: 'sensor_id' }, serializer: 'avro', headers: [] }, reading);
    const value = encoded.value as Buffer;
    expect(Buffer.isBuffer(value)).toBe(true);
    // magic 0, id 258 = 00 00 01 02 big-endian, then "sensor_1" (zig-zag length 16 = 0x10).
    expect(toHex(value.subarray(0, 7))).toBe('00 00 00 01 02 10 73');
    expect(JSON.parse(decodeAvroBody(reading.schema, value.subarray(5)))).toEqual(record);
    expect(encoded).toMatchObject({ key: 'sensor_1', preview: JSON.stringify(record), size: value.length + 8 });
  });

  it('refuses a record that does not fit the schema, naming the field, and Avro without a resolved schema', () => {
    const options = { key: { kind: 'none' as const }, serializer: 'avro' as const, headers: [] };
    expect(() => encodeRecord({ sensor_id: 'sensor_1', temperature: 'hot' }, options, reading)).toThrow(
      /schema 258 of "t-value".*temperature: "hot" is not double/,
    );
    expect(() => encodeRecord({ sensor_id: 'sensor_1' }, options, reading)).toThrow(/temperature: undefined is not double/);
    expect(() => encodeRecord({}, options, null)).toThrow(/no schema resolved/);
  });
});
