import { describe, expect, it } from 'vitest';
import { producerInputSchema } from '../../../shared/producers.js';
import { definitionToForm, emptyForm, formToInput, parseHeaderLines } from './producer-form-model.js';

describe('producer form model', () => {
  it('turns the default form into the S3 sensors producer with the Java-client-like defaults', () => {
    const form = { ...emptyForm(), name: 'Sensors', topic: 'input_topic' };
    const result = formToInput(form, 'c1');
    if (!result.ok) throw new Error(result.error);
    expect(result.input).toMatchObject({
      connectionId: 'c1',
      source: { kind: 'sensors', sensorCount: 10, temperature: [15, 35] },
      schedule: { trigger: { kind: 'interval', everyMs: 2000 }, maxMessages: 100, perRun: 1, stopAt: null },
      config: { acks: 'all', compression: 'none', lingerMs: 5, batchSize: 16384 },
    });
  });

  it('refuses an idempotent producer with fewer than 2 retries, which the client would retry without limit', () => {
    const form = { ...emptyForm(), name: 'n', topic: 't' };
    expect('client' in emptyForm().config).toBe(false);
    const refused = formToInput({ ...form, config: { ...form.config, idempotent: true, acks: 'all', retries: '1' } }, 'c1');
    expect(refused.ok ? '' : refused.error).toMatch(/config\.retries.*at least 2 retries/);
    expect(formToInput({ ...form, config: { ...form.config, idempotent: true, acks: 'all', retries: '2' } }, 'c1').ok).toBe(true);
  });

  it('says what is wrong instead of guessing', () => {
    const form = { ...emptyForm(), name: 'x', topic: 'bad topic!', config: { ...emptyForm().config, retries: 'lots' } };
    const result = formToInput(form, 'c1');
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).toMatch(/topic: topic names use letters/);
    expect(result.ok ? '' : result.error).toMatch(/config\.retries/);
  });

  it('round-trips every source kind through a saved definition', () => {
    const cases = [
      { sourceKind: 'iss' as const, issMode: 'offline' as const },
      { sourceKind: 'randomUsers' as const, seed: '4' },
      {
        sourceKind: 'http' as const,
        httpUrl: 'http://127.0.0.1:1/x',
        httpHeaders: 'Accept: application/json',
        recordsPath: '$.results[*]',
      },
      {
        sourceKind: 'file' as const,
        filePath: '/tmp/a.csv',
        columnTypes: 'temp: float',
        pacing: 'timestamp' as const,
        trigger: 'continuous' as const,
      },
      {
        sourceKind: 'manual' as const,
        manualValue: 'hi',
        keyKind: 'fixed' as const,
        keyFixed: 'k',
        trigger: 'cron' as const,
        cron: '*/5 * * * * *',
      },
    ];
    for (const overrides of cases) {
      const form = { ...emptyForm(), name: 'n', topic: 't', ...overrides };
      const first = formToInput(form, 'c');
      if (!first.ok) throw new Error(first.error);
      const again = formToInput(definitionToForm({ ...first.input, id: 'p1' } as never), 'c');
      if (!again.ok) throw new Error(again.error);
      expect(again.input).toEqual({ ...first.input, id: 'p1' });
    }
  });

  it('keeps the Avro serializer settings, only what was typed, and round-trips them', () => {
    const schema = '{"type":"record","name":"R","fields":[{"name":"a","type":"string"}]}';
    const form = {
      ...emptyForm(),
      name: 'n',
      topic: 't',
      serializer: 'avro' as const,
      registrySubject: '  ',
      registrySchema: `${schema}\n`,
    };
    const result = formToInput(form, 'c');
    if (!result.ok) throw new Error(result.error);
    expect(result.input).toMatchObject({ serializer: 'avro', avro: { schema } });
    expect(result.input.avro).not.toHaveProperty('subject');
    const again = formToInput(definitionToForm({ ...result.input, id: 'p1' } as never), 'c');
    if (!again.ok) throw new Error(again.error);
    expect(again.input).toEqual({ ...result.input, id: 'p1' });
    // Switching back to JSON drops the Avro settings rather than saving them unused.
    const json = formToInput({ ...form, serializer: 'json', registrySubject: 'readings-value' }, 'c');
    expect(json.ok && json.input.avro).toBeUndefined();
    const subjectOnly = formToInput({ ...form, registrySubject: 'readings-value', registrySchema: '' }, 'c');
    expect(subjectOnly.ok && subjectOnly.input.avro).toEqual({ subject: 'readings-value' });
  });

  it('keeps the Protobuf and JSON Schema settings (subject, version, message type), only what each uses, and round-trips them', () => {
    const base = { ...emptyForm(), name: 'n', topic: 't', registrySchema: '{"type":"string"}' };
    const protobuf = formToInput(
      {
        ...base,
        serializer: 'protobuf',
        registrySubject: ' readings-value ',
        registryVersion: ' 3 ',
        registryMessage: ' kwb.test.Reading ',
      },
      'c',
    );
    if (!protobuf.ok) throw new Error(protobuf.error);
    // The Avro schema is not Protobuf's: dropped.
    expect(protobuf.input).toMatchObject({
      serializer: 'protobuf',
      avro: { subject: 'readings-value', version: 3, message: 'kwb.test.Reading' },
    });
    expect(protobuf.input.avro).not.toHaveProperty('schema');
    const form = definitionToForm({ ...protobuf.input, id: 'p1' } as never);
    expect(form).toMatchObject({
      serializer: 'protobuf',
      registrySubject: 'readings-value',
      registryVersion: '3',
      registryMessage: 'kwb.test.Reading',
    });
    const again = formToInput(form, 'c');
    if (!again.ok) throw new Error(again.error);
    expect(again.input).toEqual({ ...protobuf.input, id: 'p1' });

    // JSON Schema has no message type; empty subject and version mean <topic>-value and latest.
    const json = formToInput({ ...base, serializer: 'jsonschema', registryMessage: 'Ignored' }, 'c');
    if (!json.ok) throw new Error(json.error);
    expect(json.input).toMatchObject({ serializer: 'jsonschema', avro: {} });
    expect(json.input.avro).toEqual({});
    const jsonAgain = formToInput(definitionToForm({ ...json.input, id: 'p2' } as never), 'c');
    expect(jsonAgain.ok && jsonAgain.input).toEqual({ ...json.input, id: 'p2' });

    for (const registryVersion of ['0', '1.5', 'newest', '-2']) {
      const bad = formToInput({ ...base, serializer: 'jsonschema', registryVersion }, 'c');
      expect(bad).toEqual({ ok: false, error: 'Schema version: a version number from 1, or empty for the latest' });
    }
    // The version is not Avro's: ignored there.
    expect(formToInput({ ...base, serializer: 'avro', registryVersion: 'x' }, 'c').ok).toBe(true);
  });

  it('loads a producer saved before Protobuf and JSON Schema existed (Avro settings without version or message)', () => {
    const saved = producerInputSchema.parse({
      name: 'old',
      connectionId: 'c',
      topic: 't',
      source: { kind: 'manual' },
      schedule: { trigger: { kind: 'interval', everyMs: 1000 } },
      serializer: 'avro',
      avro: { subject: 's', schema: '{"type":"string"}' },
    });
    const form = definitionToForm({ ...saved, id: 'p1' });
    expect(form).toMatchObject({ registrySubject: 's', registrySchema: '{"type":"string"}', registryVersion: '', registryMessage: '' });
    const again = formToInput(form, 'c');
    expect(again.ok && again.input.avro).toEqual({ subject: 's', schema: '{"type":"string"}' });
  });

  it('reads header lines split at the first colon', () => {
    expect(parseHeaderLines('a: b:c\n\n x-y :1 ')).toEqual([
      { name: 'a', value: 'b:c' },
      { name: 'x-y', value: '1' },
    ]);
  });
});
