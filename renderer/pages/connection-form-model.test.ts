import { describe, expect, it } from 'vitest';
import { emptyConnectionForm, formToInput, splitServers, type ConnectionFormValues } from './connection-form-model.js';

const form = (values: Partial<ConnectionFormValues>): ConnectionFormValues => ({ ...emptyConnectionForm, ...values });

describe('formToInput', () => {
  it('splits bootstrap servers on commas and spaces and applies schema defaults', () => {
    const result = formToInput(form({ name: ' Local ', bootstrapServers: '127.0.0.1:9092, kafka-2:9094  [::1]:9096,' }));

    expect(result).toEqual({
      ok: true,
      input: {
        name: 'Local',
        bootstrapServers: ['127.0.0.1:9092', 'kafka-2:9094', '[::1]:9096'],
        clientId: 'kafka-workbench',
        ssl: { enabled: false, rejectUnauthorized: true },
      },
    });
  });

  it('reports one message per field, naming the bad broker address', () => {
    const result = formToInput(form({ name: '', bootstrapServers: 'localhost', schemaRegistryUrl: 'ftp://registry' }));

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.name).toBe('must not be empty');
    expect(result.errors.bootstrapServers).toBe('"localhost": expected host:port');
    expect(result.errors.schemaRegistryUrl).toBeDefined();
  });

  it('asks for a broker when none is given', () => {
    const result = formToInput(form({ name: 'x', bootstrapServers: ' , ' }));
    expect(result.ok ? null : result.errors.bootstrapServers).toBe('at least one broker is needed');
  });

  it('keeps a stored password when the field is left empty, and clears it on request', () => {
    const sasl = form({ name: 'x', bootstrapServers: 'b:9092', sasl: 'scram-sha-512', saslUsername: 'alice' });
    const edited = { id: 'c1', hasPassword: true };

    const kept = formToInput(sasl, edited);
    const replaced = formToInput({ ...sasl, password: 'secret' }, edited);
    const cleared = formToInput({ ...sasl, sasl: 'none' }, edited);

    expect(kept.ok && kept.input).toMatchObject({ id: 'c1', sasl: { mechanism: 'scram-sha-512', username: 'alice' } });
    expect(kept.ok && 'password' in kept.input ? kept.input.password : 'absent').toBeUndefined();
    expect(replaced.ok && replaced.input.password).toBe('secret');
    expect(cleared.ok && cleared.input).toMatchObject({ password: null });
    expect(cleared.ok && cleared.input.sasl).toBeUndefined();
  });

  it('needs a password for a new SASL connection and a username for any', () => {
    const result = formToInput(form({ name: 'x', bootstrapServers: 'b:9092', sasl: 'plain' }));

    expect(result.ok ? null : result.errors).toMatchObject({
      password: 'SASL needs a password',
      saslUsername: expect.any(String) as unknown,
    });
  });
});

describe('splitServers', () => {
  it('drops empty parts', () => {
    expect(splitServers('  a:1,,b:2\n c:3 ')).toEqual(['a:1', 'b:2', 'c:3']);
  });
});
