import { createServer } from 'node:net';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Connection } from '../../shared/connection.js';
import type { Pipeline, PipelineInput, PipelineStatus, ResultsPage } from '../../shared/pipelines.js';
import { withWireHeader } from '../../shared/topic-browser/avro-wire.js';
import { data, uniqueName } from '../helpers.js';
import { registryEngine } from '../registry/registry-engine.js';
import { createTopic, eventually, produceInput } from './pipelines-helpers.js';

// The `registry` decoder of pipelines: Protobuf and JSON Schema records written by Confluent's own
// Python serdes are projected exactly as the same values written as plain JSON.

const bootstrap = inject('kafkaBootstrap');
const suite = registryEngine('pipelines-registry');
let plainConnectionId = '';

/** Proto3 JSON of kwb.test.Reading (test/registry/reading.proto): int64 as a string, enums by name. */
const readings = [
  {
    sensor: 'sensor_1',
    temperature: 31.25,
    count: '12345678901',
    where: { city: 'Oslo', lat: 59.9, lon: 10.75 },
    tags: ['a'],
    kind: 'OUTDOOR',
  },
  { sensor: 'sensor_2', temperature: -2.5, count: '7', where: { city: 'Bergen', lat: 60.4, lon: 5.3 }, tags: [], kind: 'INDOOR' },
  { sensor: 'sensor_3', temperature: 0.5, count: '0', where: { city: 'Tromsø', lat: 69.65, lon: 18.96 }, tags: ['b', 'c'], kind: 'INDOOR' },
];
/** Values of test/registry/reading.json, whose `where` is a $ref to location.json (another subject). */
const jsonReadings = [
  { sensor: 'sensor_1', temperature: 31.25, count: 12345678901, where: { city: 'Oslo', lat: 59.9, lon: 10.75 } },
  { sensor: 'sensor_4', temperature: 0, where: { city: 'Bodø', lat: 67.28, lon: 14.4 } },
];

/** Paths into nested messages and arrays, of every projected type. */
const projection: NonNullable<PipelineInput['projection']> = [
  { column: 'sensor', path: 'sensor', type: 'string' },
  { column: 'temperature', path: 'temperature', type: 'double' },
  { column: 'count', path: 'count', type: 'int', required: false },
  { column: 'city', path: 'where.city', type: 'string' },
  { column: 'lat', path: 'where.lat', type: 'double' },
  { column: 'first_tag', path: 'tags[0]', type: 'string', required: false },
];

function pipelineOn(connection: string, topic: string, decoder: 'json' | 'registry'): PipelineInput {
  return {
    name: uniqueName(`registry-${decoder}`),
    connectionId: connection,
    topics: [topic],
    groupId: uniqueName('registry-pipeline'),
    maxRecordsPerBatch: 100,
    triggerIntervalMs: 100,
    decoder,
    projection,
    sinks: [{ kind: 'sqlite-table', table: `registry_${decoder}_${Math.random().toString(36).slice(2, 8)}` }],
  };
}

/** Starts the pipeline, waits until it has read `records`, and returns its rows (by sensor) and its status. */
async function run(input: PipelineInput, records: number): Promise<{ rows: unknown[][]; status: PipelineStatus }> {
  const pipeline = data<Pipeline>(await suite.engine.dispatch('pipelines:save', input));
  data(await suite.engine.dispatch('pipelines:start', { id: pipeline.id }));
  const status = () => suite.engine.dispatch('pipelines:status', { id: pipeline.id }).then((e) => data<PipelineStatus>(e));
  await eventually(status, (s) => s.recordsIn === records, `${records} records read by ${input.name}`);
  const page = data<ResultsPage>(await suite.engine.dispatch('pipelines:results', { id: pipeline.id, offset: 0, limit: 100 }));
  // The table sink's rows start with their record id (topic/partition/offset).
  expect(page.columns).toEqual(['id', ...projection.map((c) => c.column)]);
  const last = await status();
  data(await suite.engine.dispatch('pipelines:stop', { id: pipeline.id }));
  return { rows: page.rows.map((row) => row.slice(1)).sort((a, b) => String(a[0]).localeCompare(String(b[0]))), status: last };
}

const newTopic = async (prefix: string) => {
  const topic = uniqueName(prefix);
  await createTopic(bootstrap, topic, 1);
  return topic;
};

beforeAll(async () => {
  plainConnectionId = data<Connection>(
    await suite.engine.dispatch('connections:save', { name: 'plain', bootstrapServers: bootstrap.split(',') }),
  ).id;
});

describe('pipelines with the Schema Registry decoder', () => {
  it(
    'projects Protobuf records of Confluent’s serializer exactly as the same values in JSON, and names the records it cannot decode',
    {
      timeout: 240_000,
    },
    async () => {
      const proto = await newTopic('registry-proto');
      suite.python('produce', proto, 'protobuf', readings);
      // Not in the wire format, and an id the registry does not have: bad records with their reason.
      await produceInput(bootstrap, [
        { topic: proto, key: 'plain', value: JSON.stringify(readings[0]) },
        { topic: proto, key: 'unknown', value: Buffer.from(withWireHeader(999_999_999, new Uint8Array([0, 0x0a, 0x01, 0x61]))) },
      ]);
      const plain = await newTopic('registry-plain-json');
      await produceInput(
        bootstrap,
        readings.map((r) => ({ topic: plain, key: r.sensor, value: JSON.stringify(r) })),
      );

      const viaRegistry = await run(pipelineOn(suite.connectionId, proto, 'registry'), readings.length + 2);
      const viaJson = await run(pipelineOn(suite.connectionId, plain, 'json'), readings.length);
      expect(viaRegistry.rows).toHaveLength(readings.length);
      expect(viaRegistry.rows).toEqual(viaJson.rows);
      expect(viaRegistry.rows).toEqual([
        ['sensor_1', 31.25, 12345678901, 'Oslo', 59.9, 'a'],
        ['sensor_2', -2.5, 7, 'Bergen', 60.4, null],
        ['sensor_3', 0.5, 0, 'Tromsø', 69.65, 'b'],
      ]);
      expect(viaRegistry.status.badRecords).toEqual({ decode: 2 });
      expect(viaRegistry.status.lastBad.map((b) => b.error)).toEqual([
        'not in the Schema Registry wire format (magic byte 0, then a 4-byte schema id)',
        'schema id 999999999 is not in the registry',
      ]);
    },
  );

  it('projects JSON Schema records with a $ref to another subject exactly as the same values in JSON', { timeout: 240_000 }, async () => {
    const schemaTopic = await newTopic('registry-jsonschema');
    suite.python('produce', schemaTopic, 'jsonschema', jsonReadings);
    const plain = await newTopic('registry-plain-json');
    await produceInput(
      bootstrap,
      jsonReadings.map((r) => ({ topic: plain, key: r.sensor, value: JSON.stringify(r) })),
    );
    const viaRegistry = await run(pipelineOn(suite.connectionId, schemaTopic, 'registry'), jsonReadings.length);
    const viaJson = await run(pipelineOn(suite.connectionId, plain, 'json'), jsonReadings.length);
    expect(viaRegistry.rows).toEqual(viaJson.rows);
    expect(viaRegistry.rows).toEqual([
      ['sensor_1', 31.25, 12345678901, 'Oslo', 59.9, null],
      ['sensor_4', 0, null, 'Bodø', 67.28, null],
    ]);
    expect(viaRegistry.status.badRecords).toEqual({});
  });

  it('keeps its records while the registry cannot be reached, and projects them all once it can', { timeout: 240_000 }, async () => {
    const deadPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const away = `http://127.0.0.1:${deadPort}/apis/ccompat/v6`;
    const connection = data<Connection>(
      await suite.engine.dispatch('connections:save', {
        name: 'registry away',
        bootstrapServers: bootstrap.split(','),
        schemaRegistryUrl: away,
      }),
    );
    const proto = await newTopic('registry-away');
    suite.python('produce', proto, 'protobuf', readings);
    const pipeline = data<Pipeline>(await suite.engine.dispatch('pipelines:save', pipelineOn(connection.id, proto, 'registry')));
    data(await suite.engine.dispatch('pipelines:start', { id: pipeline.id }));
    const status = () => suite.engine.dispatch('pipelines:status', { id: pipeline.id }).then((e) => data<PipelineStatus>(e));
    const failing = await eventually(status, (s) => s.error !== null, 'the status to say the batch failed');
    expect(failing.state).toBe('running');
    expect(failing.error).toContain('A batch failed and is retried from the checkpoint');
    expect(failing.error).toContain(`127.0.0.1:${deadPort}`);
    // Nothing was read as bad, nothing committed: the records wait for the registry.
    expect(failing.badRecords).toEqual({});
    expect(failing.recordsIn).toBe(0);
    data(await suite.engine.dispatch('pipelines:stop', { id: pipeline.id }));

    data(
      await suite.engine.dispatch('connections:save', {
        id: connection.id,
        name: 'registry back',
        bootstrapServers: bootstrap.split(','),
        schemaRegistryUrl: suite.registry.url,
      }),
    );
    data(await suite.engine.dispatch('pipelines:start', { id: pipeline.id }));
    const done = await eventually(status, (s) => s.recordsIn === readings.length, 'every record read once the registry is there');
    expect(done.badRecords).toEqual({});
    const page = data<ResultsPage>(await suite.engine.dispatch('pipelines:results', { id: pipeline.id, offset: 0, limit: 100 }));
    expect(page.rows.map((row) => row[1]).sort()).toEqual(readings.map((r) => r.sensor));
    data(await suite.engine.dispatch('pipelines:stop', { id: pipeline.id }));
  });

  it('refuses the decoder on a connection without a registry, saying what to do', async () => {
    const saved = await suite.engine.dispatch('pipelines:save', pipelineOn(plainConnectionId, 'anything', 'registry'));
    expect(saved).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(JSON.stringify(saved)).toContain('needs a schema registry URL on the pipeline’s connection');
  });
});
