import { createConnection, createServer } from 'node:net';
import { WorkbenchError } from '../../../shared/errors.js';

const HOST = '127.0.0.1';

/** True when nothing listens on 127.0.0.1:port, tested by really binding it (a connect test misses half-open states). */
export function isPortFree(port: number, host = HOST): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const server = createServer();
    server.once('error', () => resolvePromise(false));
    server.listen({ host, port, exclusive: true }, () => {
      server.close(() => resolvePromise(true));
    });
  });
}

/** Throws "Port 9092 on 127.0.0.1 is already in use" for the first taken port. */
export async function assertPortsFree(ports: readonly number[], host = HOST): Promise<void> {
  for (const port of ports) {
    if (!(await isPortFree(port, host))) {
      throw new WorkbenchError(
        'LOCAL_CLUSTER',
        `Port ${port} on ${host} is already in use (choose another with --port, or stop what listens there)`,
      );
    }
  }
}

/** True when something accepts a TCP connection on host:port within the timeout. */
export function isPortOpen(port: number, host = HOST, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = createConnection({ host, port });
    const done = (open: boolean): void => {
      socket.destroy();
      resolvePromise(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * A base port such that base … base+count−1 are all free; for tests that need their own cluster
 * next to another one. Random start so parallel runs rarely collide. Keep ranges below Linux's
 * ephemeral range (32768–60999): there, an outgoing client connection can take the port between
 * this check and the broker's bind ("Address already in use").
 */
export async function findFreePortBlock(count: number, min = 10_000, max = 20_000): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = min + Math.floor(Math.random() * (max - min - count));
    let free = true;
    for (let offset = 0; offset < count && free; offset++) free = await isPortFree(base + offset);
    if (free) return base;
  }
  throw new WorkbenchError('LOCAL_CLUSTER', `No block of ${count} free ports found between ${min} and ${max}`);
}
