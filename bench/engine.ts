import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Envelope } from '../shared/contract.js';
import type { PipelineStatus } from '../shared/pipelines.js';
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

/**
 * Starts a saved pipeline and waits until it has read `target` records: the seconds from
 * `pipelines:start` to the micro-batch that committed the last of them. recordsIn moves once per
 * committed micro-batch; a 5 ms poll adds at most 5 ms to a run of seconds.
 */
export async function timedRun(engine: Engine, id: string, target: number): Promise<number> {
  const started = performance.now();
  data(await engine.dispatch('pipelines:start', { id }));
  const status = async () => data<PipelineStatus>(await engine.dispatch('pipelines:status', { id }));
  let current = await status();
  const deadline = Date.now() + 10 * 60_000;
  while (current.recordsIn < target) {
    if (current.state === 'failed' || Date.now() > deadline) {
      throw new Error(`pipeline ${current.state} after ${current.recordsIn} of ${target} records: ${current.error ?? 'timed out'}`);
    }
    await new Promise((done) => setTimeout(done, 5));
    current = await status();
  }
  return (performance.now() - started) / 1000;
}
