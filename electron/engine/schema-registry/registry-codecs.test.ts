import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../shared/topic-browser/bytes.js';
import { decodePayloadBytes } from '../../../shared/topic-browser/decoders.js';
import { decodeJsonSchemaBody, encodeJsonSchemaBody } from './json-schema-codec.js';
import { decodeProtobufBody, encodeProtobufBody } from './protobuf-codec.js';
import { namesNeeded, type SchemaBundle } from './schema-bundle.js';

const file = (name: string) => readFileSync(`test/registry/${name}`, 'utf8');
const proto: SchemaBundle = {
  schemaType: 'PROTOBUF',
  schema: file('reading.proto'),
  files: new Map([['common.proto', file('common.proto')]]),
};
const json: SchemaBundle = { schemaType: 'JSON', schema: file('reading.json'), files: new Map([['location.json', file('location.json')]]) };

describe('Protobuf wire body', () => {
  it('writes the message index [0] as the single byte 0, a nested message as count + zig-zag indexes', () => {
    const top = encodeProtobufBody(proto, undefined, '{"sensor":"a"}');
    expect(toHex(top)).toBe('00 0a 01 61');
    const nested = encodeProtobufBody(proto, 'kwb.test.Reading.Note', '{"text":"b"}');
    // [0, 0]: count 2 (zig-zag 04), then 00 00.
    expect(toHex(nested)).toBe('04 00 00 0a 01 62');
    expect(decodeProtobufBody(proto, nested)).toEqual({ json: '{"text":"b"}', message: 'kwb.test.Reading.Note' });
  });

  it('decodes through the import, int64 beyond 2^53 exactly (proto3 JSON: a string), defaults included, in field order', () => {
    const body = encodeProtobufBody(proto, 'Reading', '{"count":"9007199254740993","where":{"city":"Oslo"},"kind":"INDOOR"}');
    const decoded = JSON.parse(decodeProtobufBody(proto, body).json) as Record<string, unknown>;
    expect(Object.keys(decoded)).toEqual(['sensor', 'temperature', 'count', 'where', 'tags', 'kind', 'note']);
    expect(decoded).toEqual({
      sensor: '',
      temperature: 0,
      count: '9007199254740993',
      where: { city: 'Oslo', lat: 0, lon: 0 },
      tags: [],
      kind: 'INDOOR',
      note: null,
    });
  });

  it('names every field that does not fit, before encoding', () => {
    expect(() => encodeProtobufBody(proto, undefined, '{"sensor":1,"count":"1.5","kind":"HOT","where":{"town":"x"}}')).toThrow(
      /sensor: 1 is not a string; count: "1.5" is not an integer \(int64\); kind: "HOT" is not one of KIND_UNSPECIFIED, INDOOR, OUTDOOR; where.town: Location has no field "town"/,
    );
    expect(() => encodeProtobufBody(proto, 'Nope', '{}')).toThrow(/no message "Nope" in the schema \(it has Reading\)/);
  });

  it('says which index is wrong, and that a message is truncated', () => {
    expect(() => decodeProtobufBody(proto, new Uint8Array([4, 0, 6, 0]))).toThrow(
      /wrong message index \[0, 3\]: 0 has 1 message\(s\), no index 3/,
    );
    const body = encodeProtobufBody(proto, undefined, '{"sensor":"sensor_3","temperature":1}');
    expect(() => decodeProtobufBody(proto, body.subarray(0, 5))).toThrow(/truncated/);
    expect(() => decodeProtobufBody(proto, new Uint8Array([0x80]))).toThrow(/truncated: the message-index array ends inside a varint/);
  });

  it('reports an import the bundle lacks', () => {
    expect(() => decodeProtobufBody({ ...proto, files: new Map() }, new Uint8Array([0]))).toThrow(/does not resolve: .*Location/);
  });
});

describe('JSON Schema wire body', () => {
  it('validates through a $ref to another subject, naming the field', () => {
    const value = '{"sensor":"s","temperature":1,"where":{"city":"Oslo","lat":1,"lon":2}}';
    expect(decodeJsonSchemaBody(json, encodeJsonSchemaBody(json, value))).toBe(value);
    expect(() => encodeJsonSchemaBody(json, '{"sensor":"s","temperature":1,"where":{"city":"Oslo","lat":"n","lon":2}}')).toThrow(
      /invalid for its JSON Schema: where.lat must be number/,
    );
    expect(() => decodeJsonSchemaBody(json, new TextEncoder().encode('{"sensor":"s","temperature":1,"where":{},"extra":1}'))).toThrow(
      /\(value\) must NOT have additional properties \("extra"\); where must have required property 'city'/,
    );
  });

  it('reads 2020-12 schemas too', () => {
    const schema = JSON.stringify({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      prefixItems: [{ type: 'string' }],
      items: false,
    });
    const bundle: SchemaBundle = { schemaType: 'JSON', schema, files: new Map() };
    expect(decodeJsonSchemaBody(bundle, new TextEncoder().encode('["a"]'))).toBe('["a"]');
    expect(() => decodeJsonSchemaBody(bundle, new TextEncoder().encode('["a", 1]'))).toThrow(/must NOT have more than 1 items/);
  });

  it('finds the names a schema needs from elsewhere', () => {
    expect(namesNeeded('PROTOBUF', proto.schema)).toEqual(['common.proto']);
    expect(namesNeeded('PROTOBUF', 'import "google/protobuf/timestamp.proto";')).toEqual([]);
    expect(namesNeeded('JSON', json.schema)).toEqual(['location.json']);
  });
});

describe('decodePayloadBytes with a registry result', () => {
  const bytes = new Uint8Array([0, 0, 0, 0, 9, 0, 1]);
  it('shows the format the registry gave, and refuses another format chosen by hand', () => {
    expect(decodePayloadBytes(bytes, 'auto', { schemaId: 9, format: 'protobuf', json: '{"a":"1"}' })).toMatchObject({
      decoder: 'protobuf',
      ok: true,
      value: { a: '1' },
    });
    const chosen = decodePayloadBytes(bytes, 'avro', { schemaId: 9, format: 'jsonschema', json: '{}' });
    expect(chosen).toMatchObject({ decoder: 'avro', ok: false, text: toHex(bytes) });
    expect(chosen.error).toMatch(/schema 9 is JSON Schema \(Schema Registry\), not Avro/);
  });
});
