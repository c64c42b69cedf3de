import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

// Default folders follow the XDG base directory spec, so data and caches land where Linux users
// expect them and tests can redirect both with an env var.

/** App data (database, local cluster): `--data-dir` flag, else KWB_DATA_DIR, else $XDG_DATA_HOME/kafka-workbench. */
export function resolveDataDir(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (flag !== undefined && flag !== '') return resolve(flag);
  if (env.KWB_DATA_DIR) return resolve(env.KWB_DATA_DIR);
  const base = env.XDG_DATA_HOME ? env.XDG_DATA_HOME : join(homedir(), '.local', 'share');
  return join(base, 'kafka-workbench');
}

/** Downloaded artefacts that can be fetched again (Kafka jars): KWB_CACHE_DIR, else $XDG_CACHE_HOME/kafka-workbench. */
export function resolveCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KWB_CACHE_DIR) return resolve(env.KWB_CACHE_DIR);
  const base = env.XDG_CACHE_HOME ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'kafka-workbench');
}
