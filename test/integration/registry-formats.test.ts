import { describe, expect, inject, it } from 'vitest';
import type { KafkaMessage, MessagePage } from '../../shared/topic-browser.js';
import { fromBase64, toHex } from '../../shared/topic-browser/bytes.js';
import { decodePayloadBytes } from '../../shared/topic-browser/decoders.js';
import { data, uniqueName } from '../helpers.js';
import { produce } from '../kafka.js';
import { malformedRegistryValues } from '../registry/malformed.js';
import { registryEngine } from '../registry/registry-engine.js';

const bootstrap = inject('kafkaBootstrap');
const suite = registryEngine('registry-formats');

/** Proto3 JSON of kwb.test.Reading (test/registry/reading.proto): int64 as a string, enums by name. */
const readings = [
  {
    sensor: 'sensor_3',
    temperature: 31.25,
    count: '12345678901',
    where: { city: 'Oslo', lat: 59.9, lon: 10.75 },
    tags: ['a', 'b'],
    kind: 'OUTDOOR',
    note: { text: 'hot' },
  },
  {
    sensor: 'sensor_4',
    temperature: -2.5,
    count: '9007199254740993',
    where: { city: 'Bergen', lat: 60.4, lon: 5.3 },
    tags: [],
    kind: 'INDOOR',
    note: { text: '' },
  },
];
/** Values of test/registry/reading.json, whose `where` is a $ref to location.json (another subject). */
const jsonReadings = [
  { sensor: 'sensor_3', temperature: 31.25, count: 12345678901, where: { city: 'Oslo', lat: 59.9, lon: 10.75 } },
  { sensor: 'sensor_5', temperature: 0, where: { city: 'Tromsø', lat: 69.65, lon: 18.96 } },
];

const read = async (topic: string) =>
  data<MessagePage>(
    await suite.engine.dispatch('messages:read', { connectionId: suite.connectionId, topic, start: { kind: 'oldest' }, limit: 100 }),
  ).messages;
const decoded = (m: KafkaMessage | undefined) => {
  if (m?.value === null || m?.value === undefined) throw new Error('no value');
  return decodePayloadBytes(fromBase64(m.value.base64), 'auto', m.value.avro);
};
const createTopic = async (prefix: string) => {
  const topic = uniqueName(prefix);
  data(await suite.engine.dispatch('topics:create', { connectionId: suite.connectionId, topic, partitions: 1, replicationFactor: 1 }));
  return topic;
};
const produceValue = (topic: string, encoder: 'protobuf' | 'jsonschema', value: unknown, avro: Record<string, unknown> = {}) =>
  suite.engine.dispatch('messages:produce', {
    connectionId: suite.connectionId,
    topic,
    partition: 0,
    key: null,
    value: { text: JSON.stringify(value), encoder, avro: { subject: `${topic}-value`, ...avro } },
  });

describe('Protobuf and JSON Schema with a real schema registry (Apicurio) and Confluent’s Python serdes', () => {
  it('Protobuf importing another file (a reference): Python writes, the app decodes exactly; the app writes, Python reads exactly', async () => {
    const topic = await createTopic('proto-readings');
    suite.python('produce', topic, 'protobuf', readings);
    const messages = await read(topic);
    expect(messages).toHaveLength(2);
    for (const [i, m] of messages.entries()) {
      expect(decoded(m)).toMatchObject({ decoder: 'protobuf', ok: true, value: readings[i] });
      expect(m.value?.avro).toMatchObject({ format: 'protobuf', subject: `${topic}-value`, version: 1, message: 'kwb.test.Reading' });
    }

    const mine = { ...readings[0], sensor: 'from-the-app', count: '-42', kind: 'INDOOR' };
    data(await produceValue(topic, 'protobuf', mine, { message: 'kwb.test.Reading' }));
    // Default message: the schema's first (kwb.test.Reading, message index [0]).
    data(await produceValue(topic, 'protobuf', readings[1]));
    expect(suite.python('consume', topic, 'protobuf', undefined, 4)).toEqual([...readings, mine, readings[1]]);

    // A wrong field is refused before sending, named.
    const refused = await produceValue(topic, 'protobuf', { sensor: 'x', temprature: 3, where: { city: 7 } });
    expect(refused).toMatchObject({ ok: false });
    expect(JSON.stringify(refused)).toMatch(/temprature: Reading has no field \\"temprature\\".*where.city: 7 is not a string/);
  });

  it('JSON Schema with a $ref to another subject: Python writes, the app decodes exactly; the app writes, Python reads exactly', async () => {
    const topic = await createTopic('json-readings');
    suite.python('produce', topic, 'jsonschema', jsonReadings);
    const messages = await read(topic);
    expect(messages).toHaveLength(2);
    for (const [i, m] of messages.entries()) {
      expect(decoded(m)).toMatchObject({ decoder: 'jsonschema', ok: true, value: jsonReadings[i] });
      expect(m.value?.avro).toMatchObject({ format: 'jsonschema', subject: `${topic}-value`, version: 1 });
    }
    const mine = { sensor: 'from-the-app', temperature: 1.5, count: 3, where: { city: 'Bodø', lat: 67.28, lon: 14.4 } };
    data(await produceValue(topic, 'jsonschema', mine));
    expect(suite.python('consume', topic, 'jsonschema', undefined, 3)).toEqual([...jsonReadings, mine]);

    // Invalid in the referenced schema: the field is named.
    const refused = await produceValue(topic, 'jsonschema', { sensor: 'x', temperature: 1, where: { city: 'Oslo', lat: 'north', lon: 1 } });
    expect(JSON.stringify(refused)).toMatch(/invalid for its JSON Schema: where.lat must be number/);
  });

  it('shows an unknown schema id, a wrong message index, a truncated message and a value invalid for its JSON Schema as hex with the reason', async () => {
    const topic = await createTopic('registry-broken');
    const protoTopic = await createTopic('proto-source');
    suite.python('produce', protoTopic, 'protobuf', readings.slice(0, 1));
    const jsonTopic = await createTopic('json-source');
    suite.python('produce', jsonTopic, 'jsonschema', jsonReadings.slice(0, 1));
    const good = fromBase64((await read(protoTopic))[0]?.value?.base64 ?? '');
    const jsonGood = fromBase64((await read(jsonTopic))[0]?.value?.base64 ?? '');
    const jsonId = new DataView(jsonGood.buffer, jsonGood.byteOffset).getUint32(1);
    const { unknownId, wrongIndex, truncated, invalidJson: invalid } = malformedRegistryValues(good, jsonId);
    await produce(
      bootstrap,
      [unknownId, wrongIndex, truncated, invalid].map((value) => ({ topic, partition: 0, value })),
    );

    const [unknown, index, cut, bad] = (await read(topic)).map(decoded);
    expect(unknown).toMatchObject({ ok: false, text: toHex(unknownId) });
    expect(unknown?.error).toMatch(/schema id 999999999 is not in the registry/);
    expect(index).toMatchObject({ decoder: 'protobuf', ok: false, text: toHex(wrongIndex) });
    expect(index?.error).toMatch(/wrong message index \[7\]: the schema has 1 message\(s\), no index 7/);
    expect(cut).toMatchObject({ decoder: 'protobuf', ok: false, text: toHex(truncated) });
    expect(cut?.error).toMatch(/truncated/);
    expect(bad).toMatchObject({ decoder: 'jsonschema', ok: false, text: toHex(invalid) });
    expect(bad?.error).toMatch(/invalid for its JSON Schema: temperature must be number/);
  });
});
