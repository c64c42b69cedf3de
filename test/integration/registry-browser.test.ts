import { describe, expect, inject, it } from 'vitest';
import type { Connection } from '../../shared/connection.js';
import type { Envelope } from '../../shared/contract.js';
import type { CompatibilityCheck, RegisteredVersion, RegistryCompatibility, SubjectVersion } from '../../shared/registry.js';
import type { Engine } from '../../electron/engine/engine.js';
import { findFreePortBlock } from '../../electron/engine/cluster/ports.js';
import { data, uniqueName } from '../helpers.js';
import { registryEngine } from '../registry/registry-engine.js';

const bootstrap = inject('kafkaBootstrap');
const suite = registryEngine('registry-browser');

const avro = (fields: object[]) => JSON.stringify({ type: 'record', name: 'Reading', namespace: 'dev.kafkaworkbench.test', fields });
const v1 = avro([
  { name: 'sensor', type: 'string' },
  { name: 'temperature', type: 'double' },
]);
/** Adds a field with a default: a reader of v2 can read v1 data (BACKWARD compatible). */
const v2 = avro([
  { name: 'sensor', type: 'string' },
  { name: 'temperature', type: 'double' },
  { name: 'unit', type: 'string', default: 'C' },
]);
/** Adds a field without a default: a reader of this schema cannot read v2 data, which lacks it (not BACKWARD). */
const required = avro([
  { name: 'sensor', type: 'string' },
  { name: 'temperature', type: 'double' },
  { name: 'unit', type: 'string', default: 'C' },
  { name: 'site', type: 'string' },
]);
const proto = 'syntax = "proto3";\npackage kwb;\nmessage Reading {\n  string sensor = 1;\n  double temperature = 2;\n}\n';
const jsonSchema = JSON.stringify({ type: 'object', properties: { sensor: { type: 'string' } }, required: ['sensor'] });

/** Registers through the registry's own API, not the engine's client. */
async function registerDirectly(subject: string, schemaType: string, schema: string): Promise<number> {
  const response = await fetch(`${suite.registry.url}/subjects/${subject}/versions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schema, schemaType }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { id: number }).id;
}

async function registryGet(path: string): Promise<unknown> {
  const response = await fetch(`${suite.registry.url}${path}`);
  expect(response.status).toBe(200);
  return response.json();
}

function failure(envelope: Envelope<unknown>): { code: string; message: string } {
  if (envelope.ok) throw new Error(`expected an error, got ${JSON.stringify(envelope.data)}`);
  return envelope.error;
}

const call = (method: Parameters<Engine['dispatch']>[0], input: object) =>
  suite.engine.dispatch(method, { connectionId: suite.connectionId, ...input });

describe('the registry browser against a real schema registry (Apicurio, Confluent-compatible API)', () => {
  const avroSubject = uniqueName('readings-value');
  const protoSubject = uniqueName('proto-value');
  const jsonSubject = uniqueName('json-value');

  it('lists subjects, their versions and each version’s schema text and type (Avro, Protobuf, JSON Schema)', async () => {
    const avroId = await registerDirectly(avroSubject, 'AVRO', v1);
    const protoId = await registerDirectly(protoSubject, 'PROTOBUF', proto);
    const jsonId = await registerDirectly(jsonSubject, 'JSON', jsonSchema);

    const subjects = data<string[]>(await call('registry:subjects', {}));
    expect(subjects).toEqual(expect.arrayContaining([avroSubject, protoSubject, jsonSubject]));
    expect(subjects).toEqual([...subjects].sort((a, b) => a.localeCompare(b)));
    expect(data<number[]>(await call('registry:versions', { subject: avroSubject }))).toEqual([1]);

    const byType = [
      { subject: avroSubject, id: avroId, schemaType: 'AVRO', schema: v1 },
      { subject: protoSubject, id: protoId, schemaType: 'PROTOBUF', schema: proto },
      { subject: jsonSubject, id: jsonId, schemaType: 'JSON', schema: jsonSchema },
    ];
    for (const expected of byType) {
      const version = data<SubjectVersion>(await call('registry:version', { subject: expected.subject, version: 1 }));
      expect(version).toEqual({ ...expected, version: 1, references: [] });
      expect(data<SubjectVersion>(await call('registry:version', { subject: expected.subject, version: 'latest' })).id).toBe(expected.id);
    }
  });

  it('reads and sets the global and the subject’s compatibility level, as the registry stores them', async () => {
    const before = data<RegistryCompatibility>(await call('registry:compatibility', {}));
    const global = ((await registryGet('/config')) as { compatibilityLevel: string }).compatibilityLevel;
    expect(before).toEqual({ global, subject: null });

    expect(data(await call('registry:setCompatibility', { subject: avroSubject, level: 'BACKWARD' }))).toEqual({ level: 'BACKWARD' });
    expect(await registryGet(`/config/${avroSubject}`)).toEqual({ compatibilityLevel: 'BACKWARD' });
    const after = data<RegistryCompatibility>(await call('registry:compatibility', { subject: avroSubject }));
    expect(after).toEqual({ global: before.global, subject: 'BACKWARD' });
  });

  it('checks a compatible new version, registers it and returns its id and version number', async () => {
    const check = data<CompatibilityCheck>(
      await call('registry:checkCompatibility', { subject: avroSubject, schemaType: 'AVRO', schema: v2 }),
    );
    expect(check.compatible).toBe(true);
    const registered = data<RegisteredVersion>(await call('registry:register', { subject: avroSubject, schemaType: 'AVRO', schema: v2 }));
    const latest = (await registryGet(`/subjects/${avroSubject}/versions/latest`)) as { id: number; version: number; schema: string };
    expect(registered).toEqual({ subject: avroSubject, id: latest.id, version: 2 });
    expect(latest.version).toBe(2);
    expect(JSON.parse(latest.schema)).toEqual(JSON.parse(v2));
    // The same schema again keeps its id and version (Confluent's register is idempotent).
    expect(data<RegisteredVersion>(await call('registry:register', { subject: avroSubject, schemaType: 'AVRO', schema: v2 }))).toEqual(
      registered,
    );
  });

  it('reports an incompatible version (a new field without a default under BACKWARD) and refuses to register it in plain words', async () => {
    const check = data<CompatibilityCheck>(
      await call('registry:checkCompatibility', { subject: avroSubject, schemaType: 'AVRO', schema: required }),
    );
    expect(check.compatible).toBe(false);
    const refused = failure(await call('registry:register', { subject: avroSubject, schemaType: 'AVRO', schema: required }));
    expect(refused.code).toBe('CONFLICT');
    expect(refused.message).toMatch(
      new RegExp(`^The schema is not compatible with subject "${avroSubject}" under its compatibility level; the registry said: .+`),
    );
    expect(await registryGet(`/subjects/${avroSubject}/versions`)).toEqual([1, 2]);
  });

  it('says an invalid schema is invalid, for the check and for registering', async () => {
    for (const method of ['registry:checkCompatibility', 'registry:register'] as const) {
      const refused = failure(await call(method, { subject: avroSubject, schemaType: 'AVRO', schema: '{"type": "record", "name": ' }));
      expect(refused.code).toBe('VALIDATION');
      expect(refused.message).toMatch(/^The schema registry refused the schema as invalid; the registry said: .+/);
    }
    expect(await registryGet(`/subjects/${avroSubject}/versions`)).toEqual([1, 2]);
  });

  it('names an unknown subject and a missing version', async () => {
    const unknown = uniqueName('nobody');
    for (const [method, input] of [
      ['registry:versions', { subject: unknown }],
      ['registry:version', { subject: unknown, version: 1 }],
      ['registry:checkCompatibility', { subject: unknown, schemaType: 'AVRO', schema: v1 }],
    ] as const) {
      expect(failure(await call(method, input))).toEqual({
        code: 'NOT_FOUND',
        message: `Subject "${unknown}" does not exist in the schema registry`,
      });
    }
    expect(failure(await call('registry:version', { subject: avroSubject, version: 9 }))).toEqual({
      code: 'NOT_FOUND',
      message: `Subject "${avroSubject}" has no version 9`,
    });
  });

  it('says when the registry is unreachable and when the connection has none', async () => {
    const port = await findFreePortBlock(1, 24_100, 24_900);
    const unreachable = data<Connection>(
      await suite.engine.dispatch('connections:save', {
        name: 'closed registry',
        bootstrapServers: bootstrap.split(','),
        schemaRegistryUrl: `http://127.0.0.1:${port}/apis/ccompat/v6`,
      }),
    ).id;
    const error = failure(await suite.engine.dispatch('registry:subjects', { connectionId: unreachable }));
    expect(error.code).toBe('BROKER_UNREACHABLE');
    expect(error.message).toMatch(/^Schema registry http:\/\/127\.0\.0\.1:\d+\/apis\/ccompat\/v6 is unreachable \(ECONNREFUSED\)/);

    const none = data<Connection>(
      await suite.engine.dispatch('connections:save', { name: 'no registry', bootstrapServers: bootstrap.split(',') }),
    ).id;
    expect(failure(await suite.engine.dispatch('registry:subjects', { connectionId: none }))).toEqual({
      code: 'VALIDATION',
      message: 'This connection has no schema registry: set its Schema Registry URL in the connection settings',
    });
  });

  it('refuses an empty schema and an unknown type before asking the registry', async () => {
    expect(failure(await call('registry:register', { subject: avroSubject, schemaType: 'AVRO', schema: '  ' })).code).toBe('VALIDATION');
    expect(failure(await call('registry:register', { subject: avroSubject, schemaType: 'XML', schema: v1 })).code).toBe('VALIDATION');
  });
});
