import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type { Connection } from '../../shared/connection.js';
import type { ProducerInput } from '../../shared/producers.js';
import type { KafkaMessage, MessagePage } from '../../shared/topic-browser.js';
import { fromBase64 } from '../../shared/topic-browser/bytes.js';
import { decodePayloadBytes, type Decoded } from '../../shared/topic-browser/decoders.js';
import { findFreePortBlock } from '../../electron/engine/cluster/ports.js';
import { uniqueName } from '../helpers.js';
import { registryEngine } from '../registry/registry-engine.js';
import { createTopic, data, saveProducer, topicCount, waitForStatus } from './producers-helpers.js';

// Embedded producers with the Avro serializer against the real local Kafka and a real schema
// registry (Apicurio, Confluent-compatible API): read back through the engine's message browser and
// independently with kcat + Python fastavro.
const bootstrap = inject('kafkaBootstrap');
const suite = registryEngine('producers-avro');

const readingSchema = JSON.stringify({
  type: 'record',
  name: 'SensorReading',
  namespace: 'dev.kafkaworkbench.test',
  fields: [
    { name: 'timestamp', type: 'string' },
    { name: 'sensor_id', type: 'string' },
    { name: 'temperature', type: 'double' },
    { name: 'humidity', type: 'double' },
    { name: 'pressure', type: 'double' },
  ],
});

async function readAll(topic: string): Promise<KafkaMessage[]> {
  const page = data<MessagePage>(
    await suite.engine.dispatch('messages:read', { connectionId: suite.connectionId, topic, start: { kind: 'oldest' }, limit: 500 }),
  );
  return page.messages;
}

function decoded(message: KafkaMessage): Decoded {
  if (message.value === null) throw new Error('no value');
  return decodePayloadBytes(fromBase64(message.value.base64), 'avro', message.value.avro);
}

async function registryLatest(subject: string): Promise<{ id: number; schema: string }> {
  const response = await fetch(`${suite.registry.url}/subjects/${subject}/versions/latest`);
  expect(response.status).toBe(200);
  return (await response.json()) as { id: number; schema: string };
}

function sensors(topic: string, overrides: Partial<ProducerInput> = {}): ProducerInput {
  return {
    name: uniqueName('avro-sensors'),
    connectionId: suite.connectionId,
    topic,
    source: { kind: 'sensors', sensorCount: 4, seed: 11 },
    schedule: { trigger: { kind: 'interval', everyMs: 20 }, maxMessages: 40 },
    key: { kind: 'field', path: 'sensor_id' },
    serializer: 'avro',
    avro: { schema: readingSchema },
    ...overrides,
  };
}

describe('embedded producers with the Avro serializer', () => {
  it('sends sensor readings as registry Avro that the message browser and fastavro both decode', async () => {
    const topic = uniqueName('avro-sensors');
    await createTopic(bootstrap, topic, 3);
    const { definition } = await saveProducer(suite.engine, sensors(topic));
    data(await suite.engine.dispatch('producers:start', { id: definition.id }));
    const status = await waitForStatus(suite.engine, definition.id, (s) => s.state === 'finished', 60_000);
    expect(status).toMatchObject({ sent: 40, errors: 0, lastError: null });
    // The preview is the record's JSON, not the wire bytes.
    const last = JSON.parse(status.lastRecord ?? 'null') as { sensor_id: string };
    expect(last.sensor_id).toMatch(/^sensor_[1-4]$/);

    const registered = await registryLatest(`${topic}-value`);
    const messages = await readAll(topic);
    expect(messages).toHaveLength(40);
    const values = messages.map((m) => {
      expect(m.value?.avro?.schemaId).toBe(registered.id);
      const d = decoded(m);
      expect(d).toMatchObject({ decoder: 'avro', ok: true });
      const value = d.value as { sensor_id: string; temperature: number; humidity: number; pressure: number; timestamp: string };
      // Keyed by the record's sensor_id.
      expect(fromBase64(m.key?.base64 ?? '')).toEqual(new Uint8Array(Buffer.from(value.sensor_id)));
      expect(value.temperature).toBeGreaterThanOrEqual(15);
      expect(value.temperature).toBeLessThanOrEqual(35);
      expect(Number.isNaN(Date.parse(value.timestamp))).toBe(false);
      return value;
    });
    expect(new Set(values.map((v) => v.sensor_id))).toEqual(new Set(['sensor_1', 'sensor_2', 'sensor_3', 'sensor_4']));
    expect(values).toContainEqual(last);

    // Independent reader: kcat writes each raw value length-prefixed (%R, 32-bit big-endian), Python's
    // fastavro decodes it with the schema the registry returns for the id in the header.
    const raw = execFileSync('kcat', ['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%R%s'], {
      timeout: 60_000,
    });
    const rawFile = join(suite.dir.path, `${topic}.bin`);
    writeFileSync(rawFile, raw);
    const script = [
      'import io, json, struct, sys, urllib.request, fastavro',
      'data = open(sys.argv[1], "rb").read()',
      'pos, out, schemas = 0, [], {}',
      'while pos < len(data):',
      '    (n,) = struct.unpack(">i", data[pos:pos + 4]); value = data[pos + 4:pos + 4 + n]; pos += 4 + n',
      '    magic, schema_id = struct.unpack(">bI", value[:5])',
      '    assert magic == 0, magic',
      '    if schema_id not in schemas:',
      '        body = json.load(urllib.request.urlopen(f"{sys.argv[2]}/schemas/ids/{schema_id}"))',
      '        schemas[schema_id] = fastavro.parse_schema(json.loads(body["schema"]))',
      '    out.append({"id": schema_id, "record": fastavro.schemaless_reader(io.BytesIO(value[5:]), schemas[schema_id])})',
      'print(json.dumps(out))',
    ].join('\n');
    const independent = JSON.parse(
      execFileSync('python3', ['-c', script, rawFile, suite.registry.url], { encoding: 'utf8', timeout: 60_000 }),
    ) as { id: number; record: unknown }[];
    expect(independent).toHaveLength(40);
    expect(new Set(independent.map((r) => r.id))).toEqual(new Set([registered.id]));
    const key = (v: unknown) => JSON.stringify(v);
    expect(independent.map((r) => key(r.record)).sort()).toEqual(values.map(key).sort());
  });

  it("uses the subject's latest schema when none is given (Buffer values)", async () => {
    const topic = uniqueName('avro-latest');
    await createTopic(bootstrap, topic, 1);
    const subject = uniqueName('readings-subject');
    const schema = JSON.stringify({
      type: 'record',
      name: 'Small',
      fields: [
        { name: 'sensor_id', type: 'string' },
        { name: 'n', type: 'long' },
      ],
    });
    const registered = (await (
      await fetch(`${suite.registry.url}/subjects/${subject}/versions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
        body: JSON.stringify({ schema }),
      })
    ).json()) as { id: number };
    const { definition } = await saveProducer(suite.engine, {
      ...sensors(topic),
      source: { kind: 'manual', value: '{"sensor_id":"manual","n":12345678901}' },
      avro: { subject },
      schedule: { trigger: { kind: 'interval', everyMs: 20 }, maxMessages: 5 },
    });
    data(await suite.engine.dispatch('producers:start', { id: definition.id }));
    await waitForStatus(suite.engine, definition.id, (s) => s.state === 'finished', 60_000);
    const messages = await readAll(topic);
    expect(messages).toHaveLength(5);
    for (const m of messages) {
      expect(m.value?.avro?.schemaId).toBe(registered.id);
      expect(decoded(m)).toMatchObject({ ok: true, value: { sensor_id: 'manual', n: 12345678901 } });
    }
  });

  it('counts a record that does not fit the schema as an error naming the field, and sends nothing', async () => {
    const topic = uniqueName('avro-misfit');
    await createTopic(bootstrap, topic, 1);
    const { definition } = await saveProducer(suite.engine, {
      ...sensors(topic),
      source: { kind: 'manual', value: '{"timestamp":"2024-01-01T00:00:00Z","sensor_id":5,"temperature":"hot","humidity":1,"pressure":2}' },
      schedule: { trigger: { kind: 'interval', everyMs: 50 }, maxMessages: 0 },
    });
    data(await suite.engine.dispatch('producers:start', { id: definition.id }));
    const failing = await waitForStatus(suite.engine, definition.id, (s) => s.errors >= 3, 60_000);
    expect(failing.state).toBe('running');
    expect(failing.lastError).toMatch(
      /record not sent: schema \d+ of ".*-value": does not fit the Avro schema — sensor_id: 5 is not string; temperature: "hot" is not double/,
    );
    data(await suite.engine.dispatch('producers:stop', { id: definition.id }));
    const stopped = await waitForStatus(suite.engine, definition.id, (s) => s.state === 'stopped');
    expect(stopped.sent).toBe(0);
    expect(await topicCount(bootstrap, topic)).toBe(0);
  });

  it('refuses Avro without a registry URL at save and at start, and fails the start on an unknown subject or invalid schema', async () => {
    const topic = uniqueName('avro-refused');
    await createTopic(bootstrap, topic, 1);
    const plainId = data<Connection>(
      await suite.engine.dispatch('connections:save', { name: 'no registry', bootstrapServers: bootstrap.split(',') }),
    ).id;
    const refused = await suite.engine.dispatch('producers:save', { ...sensors(topic), connectionId: plainId });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error.message).toMatch(/the Avro serializer needs a schema registry URL on its connection/);

    // Saved while the connection had a registry; the registry URL removed afterwards: start refuses.
    const laterId = data<Connection>(
      await suite.engine.dispatch('connections:save', {
        name: 'registry later removed',
        bootstrapServers: bootstrap.split(','),
        schemaRegistryUrl: suite.registry.url,
      }),
    ).id;
    const { definition } = await saveProducer(suite.engine, { ...sensors(topic), connectionId: laterId });
    data(
      await suite.engine.dispatch('connections:save', {
        id: laterId,
        name: 'registry later removed',
        bootstrapServers: bootstrap.split(','),
      }),
    );
    const start = await suite.engine.dispatch('producers:start', { id: definition.id });
    expect(!start.ok && start.error.message).toMatch(/needs a schema registry URL/);

    const badSchema = await suite.engine.dispatch('producers:save', { ...sensors(topic), avro: { schema: '{"type":"record"}' } });
    expect(!badSchema.ok && badSchema.error.message).toMatch(/invalid Avro schema/);

    const unknown = await saveProducer(suite.engine, { ...sensors(topic), avro: { subject: uniqueName('no-such-subject') } });
    data(await suite.engine.dispatch('producers:start', { id: unknown.definition.id }));
    const failed = await waitForStatus(suite.engine, unknown.definition.id, (s) => s.state === 'failed', 60_000);
    expect(failed.lastError).toMatch(/subject "no-such-subject.*" has no schema in the registry yet/);
    expect(await topicCount(bootstrap, topic)).toBe(0);
  });

  it('waits for an unreachable registry like for the broker, saying so, and sends nothing meanwhile', async () => {
    const topic = uniqueName('avro-registry-down');
    await createTopic(bootstrap, topic, 1);
    const closedPort = await findFreePortBlock(1, 24_000, 25_000);
    const downId = data<Connection>(
      await suite.engine.dispatch('connections:save', {
        name: 'registry down',
        bootstrapServers: bootstrap.split(','),
        schemaRegistryUrl: `http://127.0.0.1:${closedPort}`,
      }),
    ).id;
    const { definition } = await saveProducer(suite.engine, { ...sensors(topic), connectionId: downId });
    data(await suite.engine.dispatch('producers:start', { id: definition.id }));
    const waiting = await waitForStatus(suite.engine, definition.id, (s) => s.state === 'waiting', 30_000);
    expect(waiting.lastError).toMatch(/Schema registry http:\/\/127\.0\.0\.1:\d+ is unreachable \(ECONNREFUSED\).*retrying in/);
    data(await suite.engine.dispatch('producers:stop', { id: definition.id }));
    await waitForStatus(suite.engine, definition.id, (s) => s.state === 'stopped');
    expect(await topicCount(bootstrap, topic)).toBe(0);
  });
});
