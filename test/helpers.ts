import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '../electron/engine/create-engine.js';
import type { Engine } from '../electron/engine/engine.js';
import type { Envelope } from '../shared/contract.js';
import { KeyFileSecretBox } from '../electron/engine/secrets/key-file-secret-box.js';
import { resolveCacheDir } from '../electron/engine/paths.js';

/** Unique names so test files can share the one broker in parallel. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `kwb-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A real engine on a throw-away data folder, as `serve` builds it. */
export function testEngine(dataDir: string): Engine {
  return createEngine({
    dataDir,
    cacheDir: resolveCacheDir(),
    secrets: new KeyFileSecretBox(join(dataDir, 'secret.key')),
    transport: 'serve',
    healthIntervalMs: 0,
    log: () => undefined,
  });
}

/** A dispatch reply's data, or the error's code and message thrown. */
export function data<T>(envelope: Envelope<unknown>): T {
  if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
  return envelope.data as T;
}

/**
 * For one test file: a real engine on a throw-away data folder with the suite's broker saved as the
 * connection "suite", made before the file's tests (handed to `ready`) and disposed after them.
 */
export function useSuiteEngine(prefix: string, bootstrap: string, ready: (engine: Engine, connectionId: string) => void): void {
  const dir = tempDir(prefix);
  let engine: Engine | undefined;
  beforeAll(async () => {
    engine = testEngine(dir.path);
    ready(
      engine,
      data<{ id: string }>(await engine.dispatch('connections:save', { name: 'suite', bootstrapServers: bootstrap.split(',') })).id,
    );
  });
  afterAll(async () => {
    await engine?.dispose();
    dir.remove();
  });
}

/** The regular files under `folder`, recursively (a socket or FIFO in it, such as the engine's control socket, has no content to read). */
export function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}
