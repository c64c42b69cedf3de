import { describe, expect, it } from 'vitest';
import { methodNames } from '../../shared/contract.js';
import { WorkbenchError } from '../../shared/errors.js';
import { createDispatcher, type Handlers } from './dispatch.js';

const local = { state: 'stopped', kafkaVersion: '4.4.0', bootstrapServers: [], nodes: [], logFile: null } as const;

function handlers(overrides: Partial<Handlers> = {}): Handlers {
  const notUsed = () => {
    throw new Error('not used in this test');
  };
  // Every method of the contract answers "not used" unless the test overrides it.
  const all = Object.fromEntries(methodNames.map((name) => [name, notUsed])) as unknown as Handlers;
  return {
    ...all,
    'connections:list': () => [],
    'local:status': () => ({ ...local, bootstrapServers: [], nodes: [] }),
    ...overrides,
  };
}

describe('createDispatcher', () => {
  it('passes schema-parsed input (with defaults) to the handler and wraps the result', async () => {
    let seen: unknown;
    const dispatch = createDispatcher(
      handlers({
        'topics:list': (input) => {
          seen = input;
          return [];
        },
      }),
    );
    expect(await dispatch('topics:list', { connectionId: 'c1' })).toEqual({ ok: true, data: [] });
    expect(seen).toEqual({ connectionId: 'c1', includeInternal: false });
  });

  it('rejects an unknown method without calling anything', async () => {
    const result = await createDispatcher(handlers())('__proto__', {});
    expect(result).toEqual({ ok: false, error: { code: 'UNKNOWN_METHOD', message: 'Unknown method "__proto__"' } });
  });

  it('rejects input that breaks the schema with the field path in the message', async () => {
    const result = await createDispatcher(handlers())('local:start', { brokers: 2 });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('VALIDATION');
      expect(result.error.message).toMatch(/^Invalid input for local:start: brokers: /);
    }
  });

  it('turns a thrown WorkbenchError into data with its code', async () => {
    const dispatch = createDispatcher(
      handlers({
        'cluster:overview': () => {
          throw new WorkbenchError('BROKER_UNREACHABLE', 'Broker 127.0.0.1:9092 refused the connection');
        },
      }),
    );
    expect(await dispatch('cluster:overview', { connectionId: 'x' })).toEqual({
      ok: false,
      error: { code: 'BROKER_UNREACHABLE', message: 'Broker 127.0.0.1:9092 refused the connection' },
    });
  });

  it('reports an unexpected error as INTERNAL and tells the logger', async () => {
    const logged: string[] = [];
    const dispatch = createDispatcher(
      handlers({
        'connections:list': () => {
          throw new TypeError('boom');
        },
      }),
      (method) => logged.push(method),
    );
    expect(await dispatch('connections:list', undefined)).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'Unexpected error in connections:list: boom' },
    });
    expect(logged).toEqual(['connections:list']);
  });

  it('refuses to send output that does not match the contract', async () => {
    const dispatch = createDispatcher(handlers({ 'local:status': () => ({ state: 'sleeping' }) as never }));
    const result = await dispatch('local:status', undefined);
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });
});
