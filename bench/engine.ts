import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Envelope } from '../shared/contract.js';
import { createEngine } from '../electron/engine/create-engine.js';
import type { Engine } from '../electron/engine/engine.js';
import { KeyFileSecretBox } from '../electron/engine/secrets/key-file-secret-box.js';
import type { BenchContext } from './context.js';

export function data<T>(envelope: Envelope<unknown>): T {
  if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
  return envelope.data as T;
}

/** The whole engine (as the app runs it), with one connection to the bench cluster. */
export async function benchEngine(ctx: BenchContext, name: string): Promise<{ engine: Engine; connectionId: string }> {
  const dataDir = join(ctx.tmpDir, `${name}-engine`);
  mkdirSync(dataDir, { recursive: true });
  const engine = createEngine({
    dataDir,
    cacheDir: ctx.cacheDir,
    secrets: new KeyFileSecretBox(join(dataDir, 'secret.key')),
    transport: 'serve',
    healthIntervalMs: 0,
    log: () => undefined,
  });
  const { id: connectionId } = data<{ id: string }>(
    await engine.dispatch('connections:save', { name: 'bench', bootstrapServers: ctx.bootstrap }),
  );
  data(await engine.dispatch('connections:activate', { id: connectionId }));
  return { engine, connectionId };
}
