import { describe, expect, it } from 'vitest';
import { createKafka, describeKafkaError } from './client-factory.js';

function kafkaJsError(name: string, message: string, originalError?: unknown) {
  return Object.assign(new Error(message), { name, originalError });
}

describe('describeKafkaError', () => {
  it('names the broker that refused the connection', () => {
    const error = kafkaJsError(
      'KafkaJSNumberOfRetriesExceeded',
      'Connection error: connect ECONNREFUSED 127.0.0.1:9092',
      kafkaJsError('KafkaJSConnectionError', 'Connection error: connect ECONNREFUSED 127.0.0.1:9092'),
    );
    const described = describeKafkaError(error, ['127.0.0.1:9092']);
    expect(described.code).toBe('BROKER_UNREACHABLE');
    expect(described.message).toBe('Broker 127.0.0.1:9092 refused the connection');
  });

  it('says authentication failed without echoing secrets', () => {
    const described = describeKafkaError(kafkaJsError('KafkaJSSASLAuthenticationError', 'SASL SCRAM SHA256 authentication failed'), ['k:9093']);
    expect(described.code).toBe('AUTH_FAILED');
    expect(described.message).toBe('Authentication to k:9093 failed: check the user name, password and mechanism');
  });

  it('recognises unknown host names and timeouts', () => {
    expect(describeKafkaError(new Error('getaddrinfo ENOTFOUND kafka.nowhere'), ['kafka.nowhere:9092']).message).toBe(
      'The broker host name in kafka.nowhere:9092 could not be resolved',
    );
    expect(describeKafkaError(kafkaJsError('KafkaJSConnectionError', 'Connection timeout'), ['10.0.0.1:9092']).message).toBe(
      'Broker 10.0.0.1:9092 did not answer in time',
    );
  });

  it('names the one broker of several whose connection broke', () => {
    const broken = Object.assign(kafkaJsError('KafkaJSConnectionError', 'Connection error: read ECONNRESET'), { broker: '127.0.0.1:9096' });
    expect(describeKafkaError(broken, ['127.0.0.1:9092', '127.0.0.1:9094', '127.0.0.1:9096']).message).toBe('Cannot reach 127.0.0.1:9096: Connection error: read ECONNRESET');
  });

  it('keeps the original text as detail for anything else', () => {
    const described = describeKafkaError(new Error('This server does not host this topic-partition'), ['a:1']);
    expect(described).toMatchObject({ code: 'KAFKA_ERROR', message: 'This server does not host this topic-partition' });
  });
});

describe('createKafka', () => {
  it('refuses a SASL connection that has no password', () => {
    expect(() =>
      createKafka(
        { name: 'x', bootstrapServers: ['a:1'], clientId: 'c', ssl: { enabled: false, rejectUnauthorized: true }, sasl: { mechanism: 'plain', username: 'u' } },
        null,
        { purpose: 'test' },
      ),
    ).toThrow('Connection "x" uses SASL but has no saved password');
  });
});
