import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Connection } from '../../shared/connection.js';
import type { KafkaMessage, MessagePage } from '../../shared/topic-browser.js';
import { fromBase64, toHex } from '../../shared/topic-browser/bytes.js';
import { decodePayloadBytes } from '../../shared/topic-browser/decoders.js';
import { findFreePortBlock } from '../../electron/engine/cluster/ports.js';
import { data, uniqueName } from '../helpers.js';
import { produce } from '../kafka.js';
import { registryEngine } from '../registry/registry-engine.js';

const bootstrap = inject('kafkaBootstrap');
const suite = registryEngine('avro-registry');
/** A one-partition topic, made through the engine. */
const createTopic = async (name: string) =>
  data(
    await suite.engine.dispatch('topics:create', { connectionId: suite.connectionId, topic: name, partitions: 1, replicationFactor: 1 }),
  );
const topic = uniqueName('avro-readings');

const schema = JSON.stringify({
  type: 'record',
  name: 'Reading',
  namespace: 'dev.kafkaworkbench.test',
  fields: [
    { name: 'sensor', type: 'string' },
    { name: 'temperature', type: 'double' },
    { name: 'count', type: 'long' },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
});
const first = { sensor: 'sensor_3', temperature: 31.25, count: 12345678901, note: 'hot' };
const second = { sensor: 'sensor_4', temperature: -2.5, count: 7, note: null };

const read = async (id: string, t: string) =>
  data<MessagePage>(await suite.engine.dispatch('messages:read', { connectionId: id, topic: t, start: { kind: 'oldest' }, limit: 100 }));
const decodedValue = (m: KafkaMessage | undefined) => {
  if (m?.value === null || m?.value === undefined) throw new Error('no value');
  return decodePayloadBytes(fromBase64(m.value.base64), 'auto', m.value.avro);
};

/** The registry's own answer for the subject's latest version (not through the engine's client). */
async function latest(subject: string): Promise<{ id: number; schema: string }> {
  const response = await fetch(`${suite.registry.url}/subjects/${subject}/versions/latest`);
  expect(response.status).toBe(200);
  return (await response.json()) as { id: number; schema: string };
}

beforeAll(async () => {
  await createTopic(topic);
});

describe('Avro with a real schema registry (Apicurio, Confluent-compatible API)', () => {
  it('produces Avro through the engine (registering the schema), reads it back decoded, and an independent reader agrees', async () => {
    const produced = data<{ offset: number }>(
      await suite.engine.dispatch('messages:produce', {
        connectionId: suite.connectionId,
        topic,
        partition: 0,
        key: { text: 'sensor_3', encoder: 'string' },
        value: { text: JSON.stringify(first), encoder: 'avro', avro: { schema } },
      }),
    );
    expect(produced.offset).toBe(0);
    // No schema given: the subject's latest version (the one just registered) is used.
    data(
      await suite.engine.dispatch('messages:produce', {
        connectionId: suite.connectionId,
        topic,
        partition: 0,
        key: null,
        value: { text: JSON.stringify(second), encoder: 'avro' },
      }),
    );

    const registered = await latest(`${topic}-value`);
    const page = await read(suite.connectionId, topic);
    expect(page.messages).toHaveLength(2);
    const [one, two] = page.messages;
    // Confluent wire format: magic 0 + the registry's id, big-endian.
    const bytes = fromBase64(one?.value?.base64 ?? '');
    expect(toHex(bytes.subarray(0, 5))).toBe(
      toHex(new Uint8Array([0, ...new Uint8Array(new Uint32Array([registered.id]).buffer).reverse()])),
    );
    expect(one?.value?.avro?.schemaId).toBe(registered.id);
    const decoded = decodedValue(one);
    expect(decoded).toMatchObject({ decoder: 'avro', ok: true, value: first });
    expect(decodedValue(two)).toMatchObject({ decoder: 'avro', ok: true, value: second });
    expect(decodePayloadBytes(fromBase64(one?.key?.base64 ?? ''), 'auto', one?.key?.avro)).toMatchObject({
      decoder: 'string',
      text: 'sensor_3',
    });

    // Independent check: kcat reads the raw value bytes, Python's fastavro decodes them with the
    // schema fetched from the registry by the id in the header.
    const raw = execFileSync('kcat', ['-C', '-b', bootstrap, '-t', topic, '-p', '0', '-o', '0', '-c', '1', '-e', '-q', '-f', '%s'], {
      timeout: 60_000,
    });
    const rawFile = join(suite.dir.path, 'value.bin');
    writeFileSync(rawFile, raw);
    const script = [
      'import io, json, struct, sys, urllib.request, fastavro',
      'data = open(sys.argv[1], "rb").read()',
      'magic, schema_id = struct.unpack(">bI", data[:5])',
      'assert magic == 0, magic',
      'body = json.load(urllib.request.urlopen(f"{sys.argv[2]}/schemas/ids/{schema_id}"))',
      'record = fastavro.schemaless_reader(io.BytesIO(data[5:]), fastavro.parse_schema(json.loads(body["schema"])))',
      'print(json.dumps({"id": schema_id, "record": record}))',
    ].join('\n');
    const independent = JSON.parse(
      execFileSync('python3', ['-c', script, rawFile, suite.registry.url], { encoding: 'utf8', timeout: 60_000 }),
    ) as { id: number; record: unknown };
    expect(independent).toEqual({ id: registered.id, record: first });
  });

  it('shows a truncated record, an unknown schema id and an unreachable registry as hex with the reason, without failing the page', async () => {
    const target = uniqueName('avro-broken');
    await createTopic(target);
    // A valid record to cut short, framed with the real id.
    data(
      await suite.engine.dispatch('messages:produce', {
        connectionId: suite.connectionId,
        topic: target,
        partition: 0,
        key: null,
        value: { text: JSON.stringify(first), encoder: 'avro', avro: { subject: `${topic}-value` } },
      }),
    );
    const good = fromBase64((await read(suite.connectionId, target)).messages[0]?.value?.base64 ?? '');
    const truncated = Buffer.from(good.subarray(0, 12));
    const unknownId = Buffer.from([0, 0x3b, 0x9a, 0xc9, 0xff, 0x02, 0x61]);
    await produce(bootstrap, [
      { topic: target, partition: 0, value: truncated },
      { topic: target, partition: 0, value: unknownId },
    ]);

    const page = await read(suite.connectionId, target);
    expect(page.messages).toHaveLength(3);
    const [ok, cut, unknown] = page.messages.map(decodedValue);
    expect(ok).toMatchObject({ decoder: 'avro', ok: true, value: first });
    expect(cut).toMatchObject({ decoder: 'avro', ok: false, text: toHex(truncated) });
    expect(cut?.error).toMatch(/truncated record/);
    expect(unknown).toMatchObject({ decoder: 'avro', ok: false, text: toHex(unknownId) });
    expect(unknown?.error).toMatch(/schema id 999999999 is not in the registry/);

    // The same topic through a connection whose registry is down: the page still reads, every
    // wire-format record says why it is hex.
    const closedPort = await findFreePortBlock(1, 24_000, 25_000);
    const downId = data<Connection>(
      await suite.engine.dispatch('connections:save', {
        name: 'registry down',
        bootstrapServers: bootstrap.split(','),
        schemaRegistryUrl: `http://127.0.0.1:${closedPort}`,
      }),
    ).id;
    const down = (await read(downId, target)).messages.map(decodedValue);
    expect(down).toHaveLength(3);
    for (const d of down) {
      expect(d).toMatchObject({ decoder: 'avro', ok: false });
      expect(d.error).toMatch(/unreachable \(ECONNREFUSED\)/);
    }
    // Without a registry, nothing is attempted: auto-detect falls back to hex, Avro chosen says why.
    const noneId = data<Connection>(
      await suite.engine.dispatch('connections:save', { name: 'no registry', bootstrapServers: bootstrap.split(',') }),
    ).id;
    const plain = (await read(noneId, target)).messages[0];
    expect(plain?.value?.avro).toBeUndefined();
    expect(decodePayloadBytes(fromBase64(plain?.value?.base64 ?? ''), 'avro', undefined).error).toMatch(/needs a schema registry URL/);
  });

  it('decodes Avro in a live tail', async () => {
    const target = uniqueName('avro-tail');
    await createTopic(target);
    const seen: unknown[] = [];
    const off = suite.engine.events.on('messages:tail', (event) => seen.push(...event.messages.map((m) => decodedValue(m).value)));
    const { tailId } = data<{ tailId: string }>(
      await suite.engine.dispatch('messages:tailStart', { connectionId: suite.connectionId, topic: target }),
    );
    data(
      await suite.engine.dispatch('messages:produce', {
        connectionId: suite.connectionId,
        topic: target,
        key: null,
        value: { text: JSON.stringify(second), encoder: 'avro', avro: { subject: `${topic}-value` } },
      }),
    );
    await expect.poll(() => seen, { timeout: 30_000 }).toContainEqual(second);
    data(await suite.engine.dispatch('messages:tailStop', { id: tailId }));
    off();
  });

  it('refuses to produce a value that does not fit the schema, or Avro without a registry, with a message naming the problem', async () => {
    const bad = await suite.engine.dispatch('messages:produce', {
      connectionId: suite.connectionId,
      topic,
      partition: 0,
      key: null,
      value: { text: '{"sensor": 3, "temperature": "warm", "count": 1}', encoder: 'avro' },
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.code).toBe('VALIDATION');
      expect(bad.error.message).toMatch(/sensor: 3 is not string/);
    }
    const missing = await suite.engine.dispatch('messages:produce', {
      connectionId: suite.connectionId,
      topic,
      partition: 0,
      key: null,
      value: { text: '{}', encoder: 'avro', avro: { subject: uniqueName('no-such-subject') } },
    });
    expect(!missing.ok && missing.error.message).toMatch(/has no schema in the registry yet/);
    const noneId = data<Connection>(
      await suite.engine.dispatch('connections:save', { name: 'plain', bootstrapServers: bootstrap.split(',') }),
    ).id;
    const none = await suite.engine.dispatch('messages:produce', {
      connectionId: noneId,
      topic,
      partition: 0,
      key: null,
      value: { text: '{}', encoder: 'avro' },
    });
    expect(!none.ok && none.error.message).toMatch(/Avro needs a schema registry URL/);
    // Nothing of the above reached the topic.
    expect((await read(suite.connectionId, topic)).messages).toHaveLength(2);
  });
});
