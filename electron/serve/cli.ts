import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createEngine } from '../engine/create-engine.js';
import { resolveCacheDir, resolveDataDir } from '../engine/paths.js';
import { KeyFileSecretBox } from '../engine/secrets/key-file-secret-box.js';
import { startServer } from './server.js';

/**
 * `npm run serve`: the engine and the renderer in a browser, on 127.0.0.1 with a token.
 * Flags: --port N (default 4820, 0 = any free port), --host H (default 127.0.0.1), --data-dir D,
 * --no-local-cluster (do not start the managed cluster when no connection is saved),
 * --local-port N (the broker port of that cluster at its first start, default 9092; the controller
 * takes N+1; later starts reuse the ports it was created with).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4820' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string' },
      'static-dir': { type: 'string' },
      'no-local-cluster': { type: 'boolean', default: false },
      'local-port': { type: 'string', default: '9092' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be a port number, got ${values.port}`);
  const localPort = Number(values['local-port']);
  if (!Number.isInteger(localPort) || localPort < 1 || localPort > 65_534)
    throw new Error(`--local-port must be a port number, got ${values['local-port']}`);
  const host = values.host;
  const dataDir = resolveDataDir(values['data-dir']);
  const engine = createEngine({
    dataDir,
    cacheDir: resolveCacheDir(),
    secrets: new KeyFileSecretBox(join(dataDir, 'secret.key')),
    transport: 'serve',
  });
  const staticDir = values['static-dir'] ?? fileURLToPath(new URL('../../dist/renderer', import.meta.url));
  const server = await startServer({ dispatch: engine.dispatch, events: engine.events, staticDir, host, port }).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new Error(`Port ${port} on ${host} is in use; pass --port N (0 picks a free port)`);
    throw error;
  });
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
    process.stderr.write(`warning: serving on ${host}, reachable from other machines; anyone with the token can use this app\n`);
  }
  process.stdout.write(`Kafka Workbench is serving on ${server.url}\n(data: ${dataDir}; stop with Ctrl+C)\n`);

  if (!values['no-local-cluster']) {
    engine.startDefault({ brokers: 1, port: localPort }).then(
      ({ message }) => process.stdout.write(`${message}\n`),
      (error: unknown) => process.stderr.write(`local cluster: ${error instanceof Error ? error.message : String(error)}\n`),
    );
  }

  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    void server
      .close()
      .then(() => engine.dispose())
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`serve: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
