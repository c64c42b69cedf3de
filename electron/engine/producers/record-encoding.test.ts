import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../shared/topic-browser/bytes.js';
import { decodeAvroBody } from '../schema-registry/avro-codec.js';
import { decodeJsonSchemaBody } from '../schema-registry/json-schema-codec.js';
import { decodeProtobufBody } from '../schema-registry/protobuf-codec.js';
import type { WriterSchema } from '../schema-registry/writer-schema.js';
import { encodeRecord, keyOf, serialize } from './record-encoding.js';

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

  const avroSchema = JSON.stringify({
    type: 'record',
    name: 'Reading',
    fields: [
      { name: 'sensor_id', type: 'string' },
      { name: 'temperature', type: 'double' },
    ],
  });
  const reading: WriterSchema = { id: 258, subject: 't-value', bundle: { schemaType: 'AVRO', schema: avroSchema, files: new Map() } };

  it('writes Avro behind the Confluent wire header, keyed and previewed from the record', () => {
    const record = { sensor_id: 'sensor_1', temperature: 21.5 };
    const encoded = encodeRecord(record, { key: { kind: 'field', path: 'sensor_id' }, serializer: 'avro', headers: [] }, reading);
    const value = encoded.value as Buffer;
    expect(Buffer.isBuffer(value)).toBe(true);
    // magic 0, id 258 = 00 00 01 02 big-endian, then "sensor_1" (zig-zag length 16 = 0x10).
    expect(toHex(value.subarray(0, 7))).toBe('00 00 00 01 02 10 73');
    expect(JSON.parse(decodeAvroBody(avroSchema, value.subarray(5)))).toEqual(record);
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

  const file = (name: string) => readFileSync(`test/registry/${name}`, 'utf8');
  const proto: WriterSchema = {
    id: 7,
    subject: 'p-value',
    version: 2,
    bundle: { schemaType: 'PROTOBUF', schema: file('reading.proto'), files: new Map([['common.proto', file('common.proto')]]) },
  };
  const jsonSchema: WriterSchema = {
    id: 9,
    subject: 'j-value',
    version: 1,
    bundle: { schemaType: 'JSON', schema: file('reading.json'), files: new Map([['location.json', file('location.json')]]) },
  };
  const protobufOptions = { key: { kind: 'none' as const }, serializer: 'protobuf' as const, headers: [] };
  const jsonSchemaOptions = { key: { kind: 'none' as const }, serializer: 'jsonschema' as const, headers: [] };

  it('writes Protobuf behind the wire header: the first message by default, a named one with its message index', () => {
    const record = { sensor: 'sensor_1', temperature: 21.5, where: { city: 'Oslo', lat: 1, lon: 2 } };
    const first = encodeRecord(record, protobufOptions, proto).value as Buffer;
    // magic 0, id 7, message index [0] as the single byte 0.
    expect(toHex(first.subarray(0, 6))).toBe('00 00 00 00 07 00');
    expect(JSON.parse(decodeProtobufBody(proto.bundle, first.subarray(5)).json)).toMatchObject(record);
    const note = encodeRecord({ text: 'n' }, protobufOptions, { ...proto, message: 'kwb.test.Reading.Note' }).value as Buffer;
    expect(decodeProtobufBody(proto.bundle, note.subarray(5))).toEqual({ json: '{"text":"n"}', message: 'kwb.test.Reading.Note' });
  });

  it('writes JSON Schema behind the wire header as the validated JSON', () => {
    const record = { sensor: 'sensor_1', temperature: 21.5, where: { city: 'Oslo', lat: 1, lon: 2 } };
    const encoded = encodeRecord(record, jsonSchemaOptions, jsonSchema);
    const value = encoded.value as Buffer;
    expect(toHex(value.subarray(0, 5))).toBe('00 00 00 00 09');
    expect(JSON.parse(decodeJsonSchemaBody(jsonSchema.bundle, value.subarray(5)))).toEqual(record);
    expect(encoded.preview).toBe(JSON.stringify(record));
  });

  it('refuses a Protobuf or JSON Schema record that does not fit, naming the schema, its version and the field', () => {
    expect(() => encodeRecord({ sensor: 'x', temprature: 3 }, protobufOptions, proto)).toThrow(
      /record not sent: schema 7 of "p-value" version 2: does not fit Reading — temprature: Reading has no field "temprature"/,
    );
    expect(() =>
      encodeRecord({ sensor: 'x', temperature: 'hot', where: { city: 'Oslo', lat: 1, lon: 2 } }, jsonSchemaOptions, jsonSchema),
    ).toThrow(/record not sent: schema 9 of "j-value" version 1: invalid for its JSON Schema: temperature must be number/);
    expect(() => encodeRecord({}, jsonSchemaOptions, null)).toThrow(/the jsonschema serializer has no schema resolved/);
  });
});
