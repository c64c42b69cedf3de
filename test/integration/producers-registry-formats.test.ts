import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type { Connection } from '../../shared/connection.js';
import { sensorsSourceSchema, type ProducerInput } from '../../shared/producers.js';
import type { KafkaMessage, MessagePage } from '../../shared/topic-browser.js';
import { SensorsSource, type SensorReading } from '../../electron/engine/producers/sources/sensors.js';
import { uniqueName } from '../helpers.js';
import { registryEngine } from '../registry/registry-engine.js';
import { createTopic, data, saveProducer, topicCount, waitForStatus } from './producers-helpers.js';

// Embedded producers with the Protobuf and JSON Schema serializers against the real local Kafka and
// a real schema registry (Apicurio, Confluent-compatible API); what they write is read back by the
// independent peer, Confluent's own Python deserializers (test/registry/confluent_serdes.py).
const bootstrap = inject('kafkaBootstrap');
const suite = registryEngine('producers-registry-formats');

const schemaFile = (name: string) => readFileSync(join('test', 'registry', name), 'utf8');
const COUNT = 30;
const simulator = { kind: 'sensors', sensorCount: 4, seed: 23 } as const;

/** What the seeded simulator sends, in order, without its timestamps (the clock's, not the seed's). */
function simulated(count: number): Omit<SensorReading, 'timestamp'>[] {
  const source = new SensorsSource(sensorsSourceSchema.parse(simulator));
  return Array.from({ length: count }, () => {
    const { sensor_id, temperature, humidity, pressure } = source.reading();
    return { sensor_id, temperature, humidity, pressure };
  });
}

const withoutTimestamp = ({ sensor_id, temperature, humidity, pressure }: SensorReading) => ({
  sensor_id,
  temperature,
  humidity,
  pressure,
});

/** Registers a schema under a subject over the registry's HTTP API; the schema id. */
async function register(subject: string, schemaType: 'PROTOBUF' | 'JSON', schema: string): Promise<number> {
  const response = await fetch(`${suite.registry.url}/subjects/${encodeURIComponent(subject)}/versions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schema, schemaType }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { id: number }).id;
}

async function readAll(topic: string): Promise<KafkaMessage[]> {
  return data<MessagePage>(
    await suite.engine.dispatch('messages:read', { connectionId: suite.connectionId, topic, start: { kind: 'oldest' }, limit: 500 }),
  ).messages;
}

function producer(topic: string, serializer: 'protobuf' | 'jsonschema', overrides: Partial<ProducerInput> = {}): ProducerInput {
  return {
    name: uniqueName(`${serializer}-sensors`),
    connectionId: suite.connectionId,
    topic,
    source: simulator,
    schedule: { trigger: { kind: 'interval', everyMs: 20 }, maxMessages: COUNT },
    key: { kind: 'field', path: 'sensor_id' },
    serializer,
    ...overrides,
  };
}

async function runToEnd(input: ProducerInput) {
  const { definition } = await saveProducer(suite.engine, input);
  data(await suite.engine.dispatch('producers:start', { id: definition.id }));
  return waitForStatus(suite.engine, definition.id, (s) => s.state === 'finished' || s.state === 'failed', 90_000);
}

describe('embedded producers with the Protobuf and JSON Schema serializers', () => {
  it('a sensors producer writes Protobuf (the first message, the latest version) that Confluent’s Python deserializer reads back exactly', async () => {
    const topic = uniqueName('proto-sensors');
    await createTopic(bootstrap, topic, 1);
    const id = await register(`${topic}-value`, 'PROTOBUF', schemaFile('sensor.proto'));
    const status = await runToEnd(producer(topic, 'protobuf'));
    expect(status).toMatchObject({ state: 'finished', sent: COUNT, errors: 0, lastError: null });

    const peer = suite.python('consume', topic, 'protobuf', undefined, COUNT, 'sensor') as SensorReading[];
    expect(peer.map(withoutTimestamp)).toEqual(simulated(COUNT));
    for (const reading of peer) expect(Number.isNaN(Date.parse(reading.timestamp))).toBe(false);
    // The status preview is the record's JSON, one of those the peer read.
    expect(peer).toContainEqual(JSON.parse(status.lastRecord ?? 'null'));

    const messages = await readAll(topic);
    expect(messages).toHaveLength(COUNT);
    for (const [i, m] of messages.entries()) {
      expect(m.value?.avro).toMatchObject({ schemaId: id, format: 'protobuf', message: 'kwb.test.SensorReading' });
      // Message index [0] is the single byte 0 after the 5-byte header.
      expect(Buffer.from(m.value?.base64 ?? '', 'base64')[5]).toBe(0);
      expect(Buffer.from(m.key?.base64 ?? '', 'base64').toString()).toBe(peer[i]?.sensor_id);
    }
  });

  it('a sensors producer writes JSON Schema with a named subject at a pinned version, read back exactly by Confluent’s Python deserializer', async () => {
    const topic = uniqueName('json-sensors');
    await createTopic(bootstrap, topic, 1);
    const subject = uniqueName('sensor-readings');
    const v1 = await register(subject, 'JSON', schemaFile('sensor.json'));
    const v2Schema = JSON.parse(schemaFile('sensor.json')) as { properties: Record<string, unknown> };
    v2Schema.properties.site = { type: 'string' };
    const v2 = await register(subject, 'JSON', JSON.stringify(v2Schema));
    expect(v2).not.toBe(v1);

    const status = await runToEnd(producer(topic, 'jsonschema', { avro: { subject, version: 1 } }));
    expect(status).toMatchObject({ state: 'finished', sent: COUNT, errors: 0, lastError: null });

    const peer = suite.python('consume', topic, 'jsonschema', undefined, COUNT, 'sensor') as SensorReading[];
    expect(peer.map(withoutTimestamp)).toEqual(simulated(COUNT));
    expect(peer).toContainEqual(JSON.parse(status.lastRecord ?? 'null'));
    for (const m of await readAll(topic)) expect(m.value?.avro).toMatchObject({ schemaId: v1, format: 'jsonschema', subject, version: 1 });
  });

  it('refuses a record that does not fit the schema, naming the field, and sends nothing for it', async () => {
    const misfit = '{"timestamp":"2024-01-01T00:00:00Z","sensor_id":"s","temperature":"hot","humidity":1,"pressure":2,"site":"x"}';
    const cases = [
      {
        serializer: 'protobuf' as const,
        schemaType: 'PROTOBUF' as const,
        schema: schemaFile('sensor.proto'),
        reasons: [
          /record not sent: schema \d+ of ".*-value" version 1: does not fit SensorReading — /,
          /temperature: "hot" is not a number \(double\)/,
          /site: SensorReading has no field "site"/,
        ],
      },
      {
        serializer: 'jsonschema' as const,
        schemaType: 'JSON' as const,
        schema: schemaFile('sensor.json'),
        reasons: [
          /record not sent: schema \d+ of ".*-value" version 1: invalid for its JSON Schema: /,
          /temperature must be number/,
          /must NOT have additional properties \("site"\)/,
        ],
      },
    ];
    for (const { serializer, schemaType, schema, reasons } of cases) {
      const topic = uniqueName(`${serializer}-misfit`);
      await createTopic(bootstrap, topic, 1);
      await register(`${topic}-value`, schemaType, schema);
      const { definition } = await saveProducer(
        suite.engine,
        producer(topic, serializer, {
          source: { kind: 'manual', value: misfit },
          schedule: { trigger: { kind: 'interval', everyMs: 50 }, maxMessages: 0 },
        }),
      );
      data(await suite.engine.dispatch('producers:start', { id: definition.id }));
      const failing = await waitForStatus(suite.engine, definition.id, (s) => s.errors >= 3, 60_000);
      expect(failing.state).toBe('running');
      for (const reason of reasons) expect(failing.lastError).toMatch(reason);
      data(await suite.engine.dispatch('producers:stop', { id: definition.id }));
      const stopped = await waitForStatus(suite.engine, definition.id, (s) => s.state === 'stopped');
      expect(stopped.sent).toBe(0);
      expect(await topicCount(bootstrap, topic)).toBe(0);
    }
  });

  it('says what is wrong before sending: no registry URL, no such subject or version, another format, an unknown message type', async () => {
    const topic = uniqueName('registry-refused');
    await createTopic(bootstrap, topic, 1);
    const plainId = data<Connection>(
      await suite.engine.dispatch('connections:save', { name: 'no registry', bootstrapServers: bootstrap.split(',') }),
    ).id;
    for (const serializer of ['protobuf', 'jsonschema'] as const) {
      const refused = await suite.engine.dispatch('producers:save', { ...producer(topic, serializer), connectionId: plainId });
      const format = serializer === 'protobuf' ? 'Protobuf' : 'JSON Schema';
      expect(!refused.ok && refused.error.message).toMatch(
        new RegExp(`the ${format} serializer needs a schema registry URL on its connection`),
      );
    }

    const jsonSubject = uniqueName('json-subject');
    await register(jsonSubject, 'JSON', schemaFile('sensor.json'));
    const protoSubject = uniqueName('proto-subject');
    await register(protoSubject, 'PROTOBUF', schemaFile('sensor.proto'));
    const failures: Array<[ProducerInput, RegExp]> = [
      [
        producer(topic, 'protobuf', { avro: { subject: 'no-such-subject' } }),
        /subject "no-such-subject" has no schema in the registry; register a Protobuf schema under it first/,
      ],
      [
        producer(topic, 'jsonschema', { avro: { subject: jsonSubject, version: 5 } }),
        /subject "json-subject.*" has no version 5 in the registry/,
      ],
      [
        producer(topic, 'protobuf', { avro: { subject: jsonSubject } }),
        /schema \d+ of "json-subject.*" version 1\): the subject's schema is JSON Schema, not Protobuf/,
      ],
      [
        producer(topic, 'jsonschema', { avro: { subject: protoSubject } }),
        /schema \d+ of "proto-subject.*" version 1\): the subject's schema is Protobuf, not JSON Schema/,
      ],
      [
        producer(topic, 'protobuf', { avro: { subject: protoSubject, message: 'Nope' } }),
        /no message "Nope" in the schema \(it has SensorReading\)/,
      ],
    ];
    for (const [input, reason] of failures) {
      const status = await runToEnd(input);
      expect(status.state).toBe('failed');
      expect(status.lastError).toMatch(/^Producer ".*-sensors-.*"/);
      expect(status.lastError).toMatch(reason);
    }
    expect(await topicCount(bootstrap, topic)).toBe(0);
  });
});
