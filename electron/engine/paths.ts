import { resolve } from 'node:path';
import envPaths from 'env-paths';

// Default folders are the per-platform ones users expect (env-paths): on Linux the XDG base
// directories (~/.local/share, ~/.cache), on macOS ~/Library/Application Support and
// ~/Library/Caches, on Windows %LOCALAPPDATA% (not the roaming profile: jars and Kafka logs must not
// be synced). Tests and scripts redirect both with an env var.

const APP = 'kafka-workbench';

/** App data (database, local cluster): `--data-dir` flag, else KWB_DATA_DIR, else the platform's data folder. */
export function resolveDataDir(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (flag !== undefined && flag !== '') return resolve(flag);
  if (env.KWB_DATA_DIR) return resolve(env.KWB_DATA_DIR);
  return envPaths(APP, { suffix: '' }).data;
}

/** Downloaded artefacts that can be fetched again (Kafka jars, the Java runtime): KWB_CACHE_DIR, else the platform's cache folder. */
export function resolveCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KWB_CACHE_DIR) return resolve(env.KWB_CACHE_DIR);
  return envPaths(APP, { suffix: '' }).cache;
}
