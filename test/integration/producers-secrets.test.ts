import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ProducerView } from '../../shared/producers.js';
import type { Engine } from '../../electron/engine/engine.js';
import { tempDir, testEngine, uniqueName } from '../helpers.js';
import { createTopic, data, saveConnection, saveProducer, waitForStatus } from './producers-helpers.js';

// An HTTP producer's credentials (an Authorization header, an API key header, a password in its
// URL, which is sent as basic auth) are sealed like passwords: never in the database in clear, never returned by the list
// methods, and still sent to the HTTP server by the running producer.
const bootstrap = inject('kafkaBootstrap');
const dir = tempDir('producers-secrets');
const topic = uniqueName('producers-secrets');
let engine: Engine;
let server: Server;
let base = '';
const seen: Array<{ authorization?: string | undefined; key?: string | undefined }> = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const key = request.headers['x-api-key'];
    seen.push({ authorization: request.headers.authorization, key: typeof key === 'string' ? key : undefined });
    response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"n": 1}');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  engine = testEngine(dir.path);
  await createTopic(bootstrap, topic, 1);
});
afterAll(async () => {
  await engine.dispose();
  await new Promise((done) => server.close(done));
  dir.remove();
});

describe('an HTTP producer’s credentials', () => {
  it('are sealed at rest, shown sealed, kept when saved back sealed, and sent by the producer', async () => {
    const connectionId = await saveConnection(engine, bootstrap);
    const view = await saveProducer(engine, {
      name: topic,
      connectionId,
      topic,
      source: {
        kind: 'http',
        url: `http://svc:UrlPw-8d1f@${base}/data`,
        headers: [
          { name: 'Authorization', value: 'Bearer Tok-5e7a' },
          { name: 'X-Api-Key', value: 'Key-93c2' },
          { name: 'Accept', value: 'application/json' },
        ],
      },
      schedule: { trigger: { kind: 'interval', everyMs: 50 }, maxMessages: 2 },
    });
    const secrets = ['UrlPw-8d1f', 'Tok-5e7a', 'Key-93c2'];
    const listed = JSON.stringify(data<ProducerView[]>(await engine.dispatch('producers:list', undefined)));
    for (const secret of [...secrets, 'svc:']) expect(listed).not.toContain(secret);
    expect(JSON.stringify(view)).not.toContain('Tok-5e7a');
    expect(listed).toContain('application/json');
    // Saved back as listed (the UI's edit form): the sealed values are kept.
    await saveProducer(engine, { ...view.definition, name: `${topic}` });
    data(await engine.dispatch('producers:start', { id: view.definition.id }));
    await waitForStatus(engine, view.definition.id, (s) => s.state === 'finished');
    expect(seen.at(-1)).toEqual({ authorization: 'Bearer Tok-5e7a', key: 'Key-93c2' });
    // Without an Authorization header, the URL's user info is sent as basic auth.
    const other = await saveProducer(engine, {
      name: `${topic}-basic`,
      connectionId,
      topic,
      source: { kind: 'http', url: `http://svc:UrlPw-8d1f@${base}/data` },
      schedule: { trigger: { kind: 'interval', everyMs: 50 }, maxMessages: 1 },
    });
    expect(JSON.stringify(other)).not.toContain('UrlPw-8d1f');
    data(await engine.dispatch('producers:start', { id: other.definition.id }));
    await waitForStatus(engine, other.definition.id, (s) => s.state === 'finished');
    expect(seen.at(-1)?.authorization).toBe(`Basic ${Buffer.from('svc:UrlPw-8d1f').toString('base64')}`);
    const onDisk = readdirSync(dir.path)
      .filter((f) => f.startsWith('workbench.sqlite'))
      .map((f) => readFileSync(join(dir.path, f)).toString('latin1'))
      .join('');
    for (const secret of secrets) expect(onDisk).not.toContain(secret);
  });
});
