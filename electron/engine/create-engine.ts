import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppInfo } from '../../shared/app.js';
import { LocalCluster } from './cluster/local-cluster.js';
import { Engine } from './engine.js';
import { fileLogger, type Logger } from './logger.js';
import type { SecretBox } from './secrets/secret-box.js';

export interface CreateEngineOptions {
  dataDir: string;
  cacheDir: string;
  /** Folder of the local cluster's `local-kafka/` (the desktop app: the platform's data folder, not userData); default dataDir. */
  clusterDataDir?: string;
  secrets: SecretBox;
  transport: AppInfo['transport'];
  log?: Logger;
  healthIntervalMs?: number;
  /** Packaged Electron builds pass these; under Node they are found beside the sources. */
  version?: string;
  /** resources/kafka/jars.lock.json: the packaged app's copy lives under process.resourcesPath. */
  jarLockFile?: string;
  /** resources/java/runtime.lock.json, likewise. */
  javaRuntimeLock?: string;
  /** Environment the local cluster looks for Java in (default process.env; tests pass one without Java). */
  env?: NodeJS.ProcessEnv;
  /** Keep a downloaded Java runtime wheel here for reuse (tests). */
  javaWheelCacheDir?: string;
}

/** Wires the engine and its parts by hand, in one place (no DI framework). */
export function createEngine(options: CreateEngineOptions): Engine {
  const log = options.log ?? fileLogger(join(options.dataDir, 'logs', 'engine.log'));
  const localCluster = new LocalCluster({
    dataDir: options.clusterDataDir ?? options.dataDir,
    cacheDir: options.cacheDir,
    log: (line) => log('info', `local-kafka: ${line}`),
    // Called only after construction, so `engine` below is initialised by then.
    onStatus: (status) => engine.onLocalStatus(status),
    ...(options.jarLockFile ? { jarLockFile: options.jarLockFile } : {}),
    ...(options.javaRuntimeLock ? { javaRuntimeLock: options.javaRuntimeLock } : {}),
    ...(options.javaWheelCacheDir ? { javaWheelCacheDir: options.javaWheelCacheDir } : {}),
    ...(options.env ? { env: options.env } : {}),
    repositoryUrl: () => engine.localSettings().mavenMirrorUrl,
  });
  const engine: Engine = new Engine({
    dataDir: options.dataDir,
    secrets: options.secrets,
    transport: options.transport,
    version: options.version ?? appVersion(),
    log,
    localCluster,
    javaAvailable: () => localCluster.javaFound(),
    ...(options.healthIntervalMs !== undefined ? { healthIntervalMs: options.healthIntervalMs } : {}),
  });
  return engine;
}

function appVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
