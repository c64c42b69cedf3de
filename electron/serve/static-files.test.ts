import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic } from './static-files.js';

const base = mkdtempSync(join(tmpdir(), 'kwb-static-'));
const root = join(base, 'dist');
let server: Server;
let origin = '';

beforeAll(async () => {
  mkdirSync(root);
  writeFileSync(join(root, 'index.html'), '<html></html>');
  writeFileSync(join(root, 'app.js'), 'ok');
  writeFileSync(join(base, 'secret.txt'), 'outside');
  symlinkSync(join(base, 'secret.txt'), join(root, 'linked.txt'));
  symlinkSync(base, join(root, 'up'));
  server = createServer((req, res) => void serveStatic(root, new URL(req.url ?? '/', 'http://x').pathname, res));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
  rmSync(base, { recursive: true, force: true });
});

describe.skipIf(process.platform === 'win32')('static files', () => {
  it('serves what is inside the folder and refuses symbolic links that lead out of it', async () => {
    expect(await (await fetch(`${origin}/app.js`)).text()).toBe('ok');
    const linked = await fetch(`${origin}/linked.txt`);
    expect(linked.status).toBe(403);
    expect(await linked.text()).not.toContain('outside');
    expect((await fetch(`${origin}/up/secret.txt`)).status).toBe(403);
  });
});
