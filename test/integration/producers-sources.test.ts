import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { degreesLat, degreesLong, eciToGeodetic, gstime, propagate, twoline2satrec } from 'satellite.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Engine } from '../../electron/engine/engine.js';
import { BUNDLED_ISS_TLE } from '../../electron/engine/producers/sources/bundled-tle.js';
import { tempDir, testEngine, uniqueName } from '../helpers.js';
import { consume, createTopic, data, saveConnection, saveProducer, topicCount, waitForStatus } from './producers-helpers.js';

const bootstrap = inject('kafkaBootstrap');
const dir = tempDir('producers-sources');
let engine: Engine;
let connectionId: string;
let server: Server;
let base: string;
let flakyCalls = 0;

const recordedIss = { message: 'success', timestamp: 1_700_000_000, iss_position: { latitude: '-12.3456', longitude: '45.6789' } };
const recordedUsers = {
  results: [
    {
      gender: 'female',
      name: { title: 'Ms', first: 'Ada', last: 'Lovelace' },
      location: {
        street: { number: 12, name: 'Main St' },
        city: 'London',
        state: 'Greater London',
        country: 'United Kingdom',
        postcode: 'N1 9GU',
      },
      email: 'ada.lovelace@example.com',
      login: { uuid: '1d6b6b8c-2b0f-4a0e-9b3e-0c6a1e7e9d11' },
      dob: { date: '1990-12-10T08:00:00.000Z', age: 35 },
      phone: '020 7946 0000',
      cell: '07700 900000',
      picture: { large: 'https://randomuser.me/api/portraits/women/1.jpg' },
    },
  ],
  info: { seed: 'abc', results: 1, page: 1, version: '1.4' },
};

beforeAll(async () => {
  engine = testEngine(dir.path);
  connectionId = await saveConnection(engine, bootstrap);
  server = createServer((request, response) => {
    const path = request.url ?? '/';
    if (path === '/iss-now.json') response.end(JSON.stringify(recordedIss));
    else if (path === '/api/') response.end(JSON.stringify(recordedUsers));
    else if (path === '/list') response.end(JSON.stringify({ data: { items: [{ n: 1 }, { n: 2 }, { n: 3 }] } }));
    else if (path === '/flaky') {
      // Two 500s, then good answers: a source that recovers.
      flakyCalls++;
      response.statusCode = flakyCalls <= 2 ? 500 : 200;
      response.end(flakyCalls <= 2 ? 'down' : JSON.stringify({ n: flakyCalls }));
    } else if (path === '/500') {
      response.statusCode = 500;
      response.end('boom');
    } else if (path === '/slow') setTimeout(() => response.end('{}'), 2000);
    else if (path === '/bad') response.end('{"not json');
    else {
      response.statusCode = 404;
      response.end();
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await engine.dispose();
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
  dir.remove();
});

const fast = { trigger: { kind: 'interval' as const, everyMs: 20 } };

async function runToEnd(input: Parameters<typeof saveProducer>[1], count: number) {
  const view = await saveProducer(engine, input);
  data(await engine.dispatch('producers:start', { id: view.definition.id }));
  const status = await waitForStatus(engine, view.definition.id, (s) => s.state === 'finished' || s.state === 'failed');
  expect(status).toMatchObject({ state: 'finished', sent: count, errors: 0 });
  return consume(bootstrap, input.topic, count);
}

describe('producer sources against the local Kafka', () => {
  it('sends S3 sensor readings keyed by sensor id, with every field', async () => {
    const topic = uniqueName('prod-sensors');
    await createTopic(bootstrap, topic, 3);
    const records = await runToEnd(
      {
        name: topic,
        connectionId,
        topic,
        source: { kind: 'sensors', seed: 5 },
        schedule: { ...fast, maxMessages: 20 },
        key: { kind: 'field', path: 'sensor_id' },
        headers: [{ name: 'origin', value: 'kwb' }],
      },
      20,
    );
    const readings = records.map((r) => ({ key: r.key, headers: r.headers, value: JSON.parse(r.value) as Record<string, unknown> }));
    expect(new Set(readings.map((r) => r.value['sensor_id']))).toEqual(new Set(Array.from({ length: 10 }, (_, i) => `sensor_${i + 1}`)));
    for (const r of readings) {
      expect(Object.keys(r.value).sort()).toEqual(['humidity', 'pressure', 'sensor_id', 'temperature', 'timestamp']);
      expect(r.key).toBe(r.value['sensor_id']);
      expect(r.headers).toEqual({ origin: 'kwb' });
      expect(new Date(r.value['timestamp'] as string).toISOString()).toBe(r.value['timestamp']);
    }
    // Same key → same partition.
    const partitionOf = new Map<string, number>();
    for (const r of records) {
      const seen = partitionOf.get(r.key ?? '');
      if (seen !== undefined) expect(r.partition).toBe(seen);
      partitionOf.set(r.key ?? '', r.partition);
    }
  });

  it('sends offline ISS positions that agree with SGP4 at each record’s timestamp', async () => {
    const topic = uniqueName('prod-iss');
    await createTopic(bootstrap, topic);
    const records = await runToEnd(
      {
        name: topic,
        connectionId,
        topic,
        source: { kind: 'iss', mode: 'offline' },
        schedule: { trigger: { kind: 'interval', everyMs: 1100 }, maxMessages: 3 },
      },
      3,
    );
    const [, l1, l2] = BUNDLED_ISS_TLE.split('\n') as [string, string, string];
    const satrec = twoline2satrec(l1, l2);
    const stamps = new Set<number>();
    for (const { value } of records) {
      const record = JSON.parse(value) as { message: string; timestamp: number; iss_position: { latitude: string; longitude: string } };
      expect(record.message).toBe('success');
      expect(typeof record.iss_position.latitude).toBe('string');
      const at = new Date(record.timestamp * 1000);
      const state = propagate(satrec, at);
      if (!state) throw new Error('SGP4 failed');
      const geo = eciToGeodetic(state.position, gstime(at));
      expect(Math.abs(Number(record.iss_position.latitude) - degreesLat(geo.latitude))).toBeLessThan(0.0001);
      expect(Math.abs(Number(record.iss_position.longitude) - degreesLong(geo.longitude))).toBeLessThan(0.0001);
      stamps.add(record.timestamp);
    }
    expect(stamps.size).toBe(3);
  });

  it('sends offline random users with every field of the users table', async () => {
    const topic = uniqueName('prod-users');
    await createTopic(bootstrap, topic, 3);
    const records = await runToEnd(
      {
        name: topic,
        connectionId,
        topic,
        source: { kind: 'randomUsers', mode: 'offline', seed: 11 },
        schedule: { ...fast, perRun: 5, maxMessages: 10 },
        key: { kind: 'field', path: 'results[0].login.uuid' },
      },
      10,
    );
    for (const { key, value } of records) {
      const [u] = (JSON.parse(value) as { results: [Record<string, Record<string, unknown>>] }).results;
      const flat = {
        gender: u['gender'],
        name_title: u['name']?.['title'],
        name_first: u['name']?.['first'],
        name_last: u['name']?.['last'],
        street_number: (u['location']?.['street'] as Record<string, unknown>)['number'],
        street_name: (u['location']?.['street'] as Record<string, unknown>)['name'],
        city: u['location']?.['city'],
        state: u['location']?.['state'],
        country: u['location']?.['country'],
        postcode: u['location']?.['postcode'],
        email: u['email'],
        uuid: u['login']?.['uuid'],
        dob_date: u['dob']?.['date'],
        age: u['dob']?.['age'],
        phone: u['phone'],
        cell: u['cell'],
        picture_large: u['picture']?.['large'],
      };
      for (const [field, v] of Object.entries(flat)) expect(v, field).not.toBeUndefined();
      expect(key).toBe(flat.uuid);
    }
  });

  it('polls a local HTTP server serving the recorded Open Notify and randomuser shapes', async () => {
    const topic = uniqueName('prod-http');
    await createTopic(bootstrap, topic);
    const records = await runToEnd(
      {
        name: `${topic}-iss`,
        connectionId,
        topic,
        source: { kind: 'http', url: `${base}/iss-now.json` },
        schedule: { ...fast, maxMessages: 2 },
      },
      2,
    );
    expect(records.map((r) => JSON.parse(r.value) as unknown)).toEqual([recordedIss, recordedIss]);

    const usersTopic = uniqueName('prod-http-users');
    await createTopic(bootstrap, usersTopic);
    const users = await runToEnd(
      {
        name: usersTopic,
        connectionId,
        topic: usersTopic,
        source: { kind: 'http', url: `${base}/api/`, recordsPath: '$.results[*]' },
        schedule: { ...fast, maxMessages: 1 },
      },
      1,
    );
    expect(JSON.parse(users[0]?.value ?? '')).toEqual(recordedUsers.results[0]);

    const listTopic = uniqueName('prod-http-list');
    await createTopic(bootstrap, listTopic);
    const items = await runToEnd(
      {
        name: listTopic,
        connectionId,
        topic: listTopic,
        source: { kind: 'http', url: `${base}/list`, recordsPath: '$.data.items[*]' },
        schedule: { ...fast, maxMessages: 3 },
      },
      3,
    );
    expect(items.map((r) => r.value)).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
  });

  it.each([
    ['500', '/500', /answered HTTP 500: boom/],
    ['timeout', '/slow', /did not answer within 300 ms/],
    ['invalid JSON', '/bad', /not JSON/],
  ])('counts and shows an HTTP %s without sending anything', async (_, path, message) => {
    const topic = uniqueName('prod-http-err');
    await createTopic(bootstrap, topic);
    const view = await saveProducer(engine, {
      name: topic,
      connectionId,
      topic,
      source: { kind: 'http', url: `${base}${path}`, timeoutMs: 300, retries: 1, backoffMs: 50 },
      schedule: { trigger: { kind: 'interval', everyMs: 100 } },
    });
    data(await engine.dispatch('producers:start', { id: view.definition.id }));
    const status = await waitForStatus(engine, view.definition.id, (s) => s.errors >= 2);
    expect(status.lastError).toMatch(message);
    expect(status.deliveryErrors[0]?.message).toMatch(message);
    data(await engine.dispatch('producers:stop', { id: view.definition.id }));
    expect((await waitForStatus(engine, view.definition.id, (s) => s.state === 'stopped')).sent).toBe(0);
    expect(await topicCount(bootstrap, topic)).toBe(0);
  });

  it('clears the last error once an HTTP source answers again after failing', async () => {
    const topic = uniqueName('prod-flaky');
    await createTopic(bootstrap, topic);
    const view = await saveProducer(engine, {
      name: topic,
      connectionId,
      topic,
      source: { kind: 'http', url: `${base}/flaky`, retries: 0 },
      schedule: { ...fast, maxMessages: 3 },
    });
    data(await engine.dispatch('producers:start', { id: view.definition.id }));
    const status = await waitForStatus(engine, view.definition.id, (s) => s.state === 'finished' || s.state === 'failed');
    expect(status).toMatchObject({ state: 'finished', sent: 3, errors: 2, lastError: null });
    expect(status.deliveryErrors.map((e) => e.message)).toEqual([expect.stringMatching(/500/), expect.stringMatching(/500/)]);
  });

  it('replays a CSV file as typed JSON rows as fast as possible', async () => {
    const topic = uniqueName('prod-csv');
    await createTopic(bootstrap, topic);
    const path = join(dir.path, 'iot.csv');
    writeFileSync(
      path,
      'ts,device,value\n' +
        Array.from({ length: 50 }, (_, i) => `2026-01-01T00:00:${String(i).padStart(2, '0')}Z,dev${i % 3},${i}.5`).join('\n') +
        '\n',
    );
    const records = await runToEnd(
      {
        name: topic,
        connectionId,
        topic,
        source: { kind: 'file', path, pacing: 'fast', columnTypes: { value: 'float' } },
        schedule: { trigger: { kind: 'continuous' } },
      },
      50,
    );
    expect(records.map((r) => JSON.parse(r.value) as { value: number }).map((r) => r.value)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 0.5),
    );
  });

  it('sends the saved manual record with a fixed key', async () => {
    const topic = uniqueName('prod-manual');
    await createTopic(bootstrap, topic);
    const records = await runToEnd(
      {
        name: topic,
        connectionId,
        topic,
        source: { kind: 'manual', value: 'hello world' },
        serializer: 'string',
        key: { kind: 'fixed', value: 'k1' },
        schedule: { ...fast, maxMessages: 2 },
      },
      2,
    );
    expect(records.map((r) => [r.key, r.value])).toEqual([
      ['k1', 'hello world'],
      ['k1', 'hello world'],
    ]);
  });
});
