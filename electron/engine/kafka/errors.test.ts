import { createServer, type Server, type Socket } from 'node:net';
import { AuthenticationError, MultipleErrors, NetworkError, ResponseError } from '@platformatic/kafka';
import { afterEach, describe, expect, it } from 'vitest';
import { KafkaAdmin } from './admin.js';
import { baseOptions } from './client-options.js';
import { describeKafkaError, describeStall, hasKafkaError, isConnectionFailure } from './errors.js';

// Real failures where a unit test can cause them (a closed port, a server that never answers or
// hangs up, a name that does not resolve); broker answers are built with the client's own error
// classes in the shapes recorded from Kafka 4.4 (see the comments).

const connection = (servers: string[]) => ({
  name: 'x',
  bootstrapServers: servers,
  clientId: 'errors-test',
  ssl: { enabled: false, rejectUnauthorized: true },
});
const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
});

async function listen(onConnection: (socket: Socket) => void): Promise<number> {
  const server = createServer((socket) => {
    sockets.push(socket);
    onConnection(socket);
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/** The error a connection test (fail-fast options) gets from `servers`. */
async function failureOf(servers: string[], requestTimeout?: number): Promise<unknown> {
  const admin = new KafkaAdmin({
    ...baseOptions(connection(servers), null, 'test'),
    ...(requestTimeout ? { requestTimeout, timeout: requestTimeout } : {}),
  });
  try {
    await admin.describeCluster();
    throw new Error('expected a failure');
  } catch (error) {
    return error;
  } finally {
    await admin.close();
  }
}

describe('describeKafkaError on @platformatic/kafka failures', () => {
  it('names the broker that refused the connection', async () => {
    const port = await listen(() => undefined);
    await new Promise((done) => servers.pop()?.close(done));
    const error = await failureOf([`127.0.0.1:${port}`]);
    const described = describeKafkaError(error, [`127.0.0.1:${port}`]);
    expect(described).toMatchObject({ code: 'BROKER_UNREACHABLE', message: `Broker 127.0.0.1:${port} refused the connection` });
    expect(isConnectionFailure(error)).toBe(true);
  });

  it('says the broker did not answer in time when a request gets no answer', async () => {
    const port = await listen(() => undefined);
    const error = await failureOf([`127.0.0.1:${port}`], 300);
    expect(describeKafkaError(error, [`127.0.0.1:${port}`])).toMatchObject({
      code: 'BROKER_UNREACHABLE',
      message: `Broker 127.0.0.1:${port} did not answer in time`,
    });
    expect(isConnectionFailure(error)).toBe(true);
  });

  it('says the connection was closed when the other end hangs up (not Kafka, or a TLS listener)', async () => {
    const port = await listen((socket) => socket.destroy());
    const error = await failureOf([`127.0.0.1:${port}`]);
    const described = describeKafkaError(error, [`127.0.0.1:${port}`]);
    expect(described.code).toBe('BROKER_UNREACHABLE');
    expect(described.message).toMatch(new RegExp(`^Cannot reach 127\\.0\\.0\\.1:${port}: `));
  });

  it('says a host name could not be resolved', async () => {
    const error = await failureOf(['kafka.nowhere.invalid:9092']);
    expect(describeKafkaError(error, ['kafka.nowhere.invalid:9092'])).toMatchObject({
      code: 'BROKER_UNREACHABLE',
      message: 'The broker host name in kafka.nowhere.invalid:9092 could not be resolved',
    });
  });

  it('says authentication failed, without echoing secrets, for a SASL client on a listener without SASL', () => {
    // Recorded: SCRAM-SHA-256 against the PLAINTEXT listener of Kafka 4.4 (SaslHandshake answers ILLEGAL_SASL_STATE).
    const handshake = new ResponseError(17, 1, { '/': [34, null] }, { errorCode: 34, mechanisms: [] });
    const error = new MultipleErrors('Cannot connect to any broker.', [
      new NetworkError('Connection to 127.0.0.1:19092 failed.', {
        cause: new AuthenticationError('Cannot find a suitable SASL mechanism.', { cause: handshake }),
      }),
    ]);
    const described = describeKafkaError(error, ['127.0.0.1:19092']);
    expect(described).toMatchObject({
      code: 'AUTH_FAILED',
      message: 'Authentication to 127.0.0.1:19092 failed: check the user name, password and mechanism',
    });
    expect(isConnectionFailure(error)).toBe(true);
  });

  it('says authentication failed for wrong SCRAM credentials', () => {
    // The broker's SaslAuthenticate answer: SASL_AUTHENTICATION_FAILED (58) with its message.
    const answer = new ResponseError(
      36,
      2,
      { '/': [58, 'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256'] },
      {},
    );
    const error = new MultipleErrors('Cannot connect to any broker.', [
      new NetworkError('Connection to k:9093 failed.', {
        cause: new AuthenticationError('SASL authentication failed.', { cause: answer }),
      }),
    ]);
    expect(describeKafkaError(error, ['k:9093'])).toMatchObject({
      code: 'AUTH_FAILED',
      message: 'Authentication to k:9093 failed: check the user name, password and mechanism',
    });
  });

  it('keeps the broker’s own words for a refusal, and leaves the client connected', () => {
    // Recorded: CreateTopics with retention.ms=-5x.
    const error = new MultipleErrors('Creating topics failed.', [
      new ResponseError(19, 7, { '/topics/0': [40, 'Invalid value -5x for configuration retention.ms: Not a number of type LONG'] }, {}),
    ]);
    const described = describeKafkaError(error, ['a:1']);
    expect(described.code).toBe('KAFKA_ERROR');
    expect(described.message).toBe(
      'Configuration is invalid. (Invalid value -5x for configuration retention.ms: Not a number of type LONG)',
    );
    expect(hasKafkaError(error, 'INVALID_CONFIG')).toBe(true);
    expect(isConnectionFailure(error)).toBe(false);
  });

  it('names the topic for UNKNOWN_TOPIC_OR_PARTITION when it is given, instead of "does not host this topic-partition"', () => {
    // A Produce answer for a deleted topic: partition error 3 (UNKNOWN_TOPIC_OR_PARTITION).
    const error = new MultipleErrors('Producing messages failed.', [
      new ResponseError(0, 11, { '/responses/0/partitionResponses/0': [3, null] }, {}),
    ]);
    expect(describeKafkaError(error, ['a:1']).message).toMatch(/does not host this topic-partition/);
    expect(describeKafkaError(error, ['a:1'], 'orders')).toMatchObject({
      code: 'NOT_FOUND',
      message: 'Topic orders is not on the cluster: it was deleted, or a restarting broker has not loaded it yet',
    });
  });
});

describe('describeStall', () => {
  it('says what stops progress and since when, in UTC', () => {
    const described = describeKafkaError(
      new MultipleErrors('Cannot connect to any broker.', [
        new NetworkError('Connection to 127.0.0.1:9 failed.', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') }),
      ]),
      ['127.0.0.1:9'],
    );
    expect(describeStall(described, Date.UTC(2026, 11, 4, 12, 3, 10, 500))).toBe(
      'Broker 127.0.0.1:9 refused the connection (since 12:03:10 UTC); retrying',
    );
  });
});
