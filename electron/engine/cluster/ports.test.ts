import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { assertPortsFree, findFreePortBlock, isPortFree, isPortOpen } from './ports.js';

const servers: Server[] = [];

function listen(port = 0): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    servers.push(server);
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('no address'));
      else resolvePromise(address.port);
    });
  });
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe('port checks', () => {
  it('reports a port that something listens on as in use, by number', async () => {
    const port = await listen();
    expect(await isPortFree(port)).toBe(false);
    expect(await isPortOpen(port)).toBe(true);
    await expect(assertPortsFree([port])).rejects.toThrow(`Port ${port} on 127.0.0.1 is already in use`);
  });

  it('reports the port free again once the listener closed', async () => {
    const port = await listen();
    await new Promise((r) => servers.pop()?.close(r));
    expect(await isPortFree(port)).toBe(true);
    expect(await isPortOpen(port)).toBe(false);
    await expect(assertPortsFree([port])).resolves.toBeUndefined();
  });

  it('finds a block of consecutive free ports', async () => {
    const base = await findFreePortBlock(6);
    for (let offset = 0; offset < 6; offset++) expect(await isPortFree(base + offset)).toBe(true);
  });
});
