import { readFileSync } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { WorkbenchError } from '../../../shared/errors.js';
import { downloadChecked, eachLimited, sha256Of } from './download.js';

/** The one place the Apache Kafka release is pinned; resources/kafka/jars.lock.json lists its jars. */
export const KAFKA_VERSION = '4.4.0';

/**
 * Older releases the local cluster can also run, for the compatibility suite (`npm run test:compat`):
 * the newest 3.9 patch on Maven Central, the last line before Kafka 4.0 removed ZooKeeper and the
 * old protocol versions. Pinned like KAFKA_VERSION, never a range, so a run is repeatable.
 */
export const COMPAT_KAFKA_VERSIONS = ['3.9.2'] as const;

/** Environment variable that picks the local cluster's Kafka release (the app and `npm run kafka` default to KAFKA_VERSION). */
export const KAFKA_VERSION_ENV = 'KWB_KAFKA_VERSION';

/** Environment variable naming a Maven repository mirror (Nexus, Artifactory) for `npm run kafka` and tests. */
export const MAVEN_MIRROR_ENV = 'KWB_MAVEN_MIRROR';

export const MAVEN_CENTRAL = 'https://repo1.maven.org/maven2/';

/** The lock beside the sources; the packaged app passes its copy under `resources/kafka/`. */
export const JAR_LOCK_FILE = fileURLToPath(new URL('../../../resources/kafka/jars.lock.json', import.meta.url));

/**
 * The pinned release named by KWB_KAFKA_VERSION, or KAFKA_VERSION when unset. Only pinned releases
 * are accepted: any other value would fetch an untested broker.
 */
export function selectKafkaVersion(env: NodeJS.ProcessEnv = process.env): string {
  const wanted = env[KAFKA_VERSION_ENV]?.trim();
  if (!wanted) return KAFKA_VERSION;
  const pinned: readonly string[] = [KAFKA_VERSION, ...COMPAT_KAFKA_VERSIONS];
  if (!pinned.includes(wanted)) {
    throw new WorkbenchError(
      'LOCAL_CLUSTER',
      `${KAFKA_VERSION_ENV}=${wanted} is not a pinned Kafka release; use one of ${pinned.join(', ')}`,
    );
  }
  return wanted;
}

/** Major version of a release ("3.9.2" → 3): KRaft settings differ between 3.x and 4.x. */
export function kafkaMajor(version: string): number {
  return Number(version.split('.')[0]);
}

const lockedJarSchema = z.object({
  /** Path under a Maven repository root, e.g. org/apache/kafka/kafka-clients/4.4.0/kafka-clients-4.4.0.jar. */
  path: z.string().regex(/^[\w.-]+(\/[\w.-]+)*\.jar$/),
  size: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
const jarLockSchema = z.object({
  repository: z.string().url(),
  versions: z.record(z.string(), z.object({ jars: z.array(lockedJarSchema).min(1) })),
});
export type LockedJar = z.infer<typeof lockedJarSchema>;
export type JarLock = z.infer<typeof jarLockSchema>;

export function readJarLock(file: string = JAR_LOCK_FILE): JarLock {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new WorkbenchError('LOCAL_CLUSTER', `The Kafka jar lock is missing: ${file}`);
  }
  return jarLockSchema.parse(JSON.parse(text));
}

export function kafkaLibsDir(cacheDir: string, version = KAFKA_VERSION): string {
  return join(cacheDir, `kafka-${version}`, 'libs');
}

export interface JarProgress {
  version: string;
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

export interface EnsureJarsOptions {
  version?: string;
  lockFile?: string;
  /** Repository root to fetch from instead of Maven Central (a corporate mirror). */
  repositoryUrl?: string | null;
  log?: (line: string) => void;
  onProgress?: (progress: JarProgress) => void;
}

type Check = { ok: true } | { ok: false; why: string | null };

/** A cached jar is used only if its size and SHA-256 are the pinned ones. */
async function checkCached(file: string, jar: LockedJar): Promise<Check> {
  const info = await stat(file).catch(() => null);
  if (info === null) return { ok: false, why: null };
  if (info.size !== jar.size) return { ok: false, why: `is ${info.size} bytes, not the pinned ${jar.size}` };
  const actual = await sha256Of(file);
  if (actual !== jar.sha256) return { ok: false, why: `does not match the pinned SHA-256 (expected ${jar.sha256}, got ${actual})` };
  return { ok: true };
}

function repositoryBase(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * Makes `<cacheDir>/kafka-<version>/libs` hold exactly the jars the lock pins for `version`, each
 * checked by size and SHA-256, fetching what is missing or wrong over HTTPS from Maven Central (or
 * the mirror given); returns that folder. No Maven involved: the lock was made by
 * scripts/kafka-jar-lock.ts. Every start re-checks the cache (~0.2 s for 43 MB).
 */
export async function ensureKafkaJars(cacheDir: string, options: EnsureJarsOptions = {}): Promise<string> {
  const version = options.version ?? KAFKA_VERSION;
  const lock = readJarLock(options.lockFile);
  const pinned = lock.versions[version];
  if (!pinned)
    throw new WorkbenchError(
      'LOCAL_CLUSTER',
      `The jar lock has no Apache Kafka ${version}; pinned: ${Object.keys(lock.versions).join(', ')}`,
    );
  const libs = kafkaLibsDir(cacheDir, version);
  await mkdir(libs, { recursive: true });

  const wanted = new Set(pinned.jars.map((jar) => basename(jar.path)));
  // The broker's classpath is libs/*: a jar the lock does not list (an older resolution) must go.
  for (const name of await readdir(libs)) {
    if (name.endsWith('.jar') && !wanted.has(name)) await rm(join(libs, name), { force: true });
  }
  const missing: LockedJar[] = [];
  for (const jar of pinned.jars) {
    const check = await checkCached(join(libs, basename(jar.path)), jar);
    if (check.ok) continue;
    if (check.why !== null) options.log?.(`${basename(jar.path)} in the cache ${check.why}; refusing it and fetching it again`);
    missing.push(jar);
  }
  if (missing.length === 0) return libs;

  const base = repositoryBase(options.repositoryUrl ?? lock.repository);
  const progress: JarProgress = {
    version,
    filesDone: 0,
    filesTotal: missing.length,
    bytesDone: 0,
    bytesTotal: missing.reduce((sum, jar) => sum + jar.size, 0),
  };
  options.log?.(`Fetching ${missing.length} Apache Kafka ${version} jar(s), ${mb(progress.bytesTotal)}, from ${base}`);
  options.onProgress?.({ ...progress });
  const started = Date.now();
  let lastReport = 0;
  await eachLimited(missing, 4, async (jar) => {
    const name = basename(jar.path);
    await downloadChecked(
      new URL(jar.path, base).toString(),
      join(libs, name),
      { ...jar, name, notFoundHint: 'check the Maven mirror URL in Settings' },
      (n) => {
        progress.bytesDone += n;
        if (Date.now() - lastReport > 250) {
          lastReport = Date.now();
          options.onProgress?.({ ...progress });
        }
      },
    );
    progress.filesDone++;
    options.onProgress?.({ ...progress });
    options.log?.(`[${progress.filesDone}/${progress.filesTotal}] ${name} (${mb(jar.size)}) SHA-256 ok`);
  });
  options.log?.(`Fetched ${missing.length} jar(s), ${mb(progress.bytesTotal)}, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return libs;
}
