import { describe, expect, it } from 'vitest';
import type { Connection } from '../../../shared/connection.js';
import { WorkbenchError } from '../../../shared/errors.js';
import { producerConfigSchema } from '../../../shared/producers.js';
import { producerOptions } from './client-options.js';
import { flatten } from './errors.js';

const connection: Connection = {
  id: 'c1',
  name: 'prod',
  bootstrapServers: ['b1:9093', 'b2:9093'],
  clientId: 'kafka-workbench',
  ssl: { enabled: true, rejectUnauthorized: false, ca: '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----' },
  sasl: { mechanism: 'scram-sha-512', username: 'alice' },
  hasPassword: true,
  local: false,
  createdAt: 0,
  updatedAt: 0,
};

describe('producer client options', () => {
  it('carries every producer setting and the connection TLS/SASL fields to the client', () => {
    const config = producerConfigSchema.parse({
      clientId: 'p1',
      acks: '0',
      retries: 7,
      compression: 'zstd',
      maxInFlight: 3,
      requestTimeoutMs: 9_000,
    });
    const options = producerOptions(connection, 'secret', config);
    expect(options).toMatchObject({
      clientId: 'p1',
      bootstrapBrokers: ['b1:9093', 'b2:9093'],
      acks: 0,
      retries: 7,
      compression: 'zstd',
      maxInflights: 3,
      timeout: 9_000,
      idempotent: false,
      autocreateTopics: false,
      tls: { rejectUnauthorized: false, ca: [connection.ssl.ca] },
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'alice', password: 'secret' },
    });
    expect(options.requestTimeout).toBeGreaterThan(9_000);
    expect(producerOptions(connection, 'secret', producerConfigSchema.parse({ acks: 'all', idempotent: true, retries: 3 }))).toMatchObject({
      acks: -1,
      idempotent: true,
      retries: 3,
    });
  });

  it('leaves TLS and SASL off for a plain connection and refuses SASL without a password', () => {
    const plain = { ...connection, ssl: { enabled: false, rejectUnauthorized: true } } as Connection;
    delete plain.sasl;
    const options = producerOptions(plain, null, producerConfigSchema.parse({}));
    expect(options.tls).toBeUndefined();
    expect(options.sasl).toBeUndefined();
    expect(() => producerOptions(connection, null, producerConfigSchema.parse({}))).toThrow(WorkbenchError);
  });

  it("puts the broker's own words first when flattening nested client errors", () => {
    const leaf = Object.assign(new Error('The request included a message larger than the max message size the server will accept.'), {
      code: 'PLT_KFK_PROTOCOL',
    });
    const wrapped = Object.assign(new AggregateError([leaf], 'Producing messages failed.'), { code: 'PLT_KFK_MULTIPLE' });
    const { messages, codes } = flatten(wrapped);
    expect(messages[0]).toMatch(/larger than the max message size/);
    expect(messages).toContain('Producing messages failed.');
    expect([...codes]).toEqual(['PLT_KFK_MULTIPLE', 'PLT_KFK_PROTOCOL']);
  });
});
