import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { WorkbenchError } from '../../../shared/errors.js';

/** Kafka 4.x brokers need Java 17 (KIP-1013). */
export const MIN_JAVA_MAJOR = 17;

export interface JavaInfo {
  path: string;
  major: number;
  versionLine: string;
}

/**
 * Major version from `java -version` output: `openjdk version "17.0.15"` → 17,
 * `java version "1.8.0_361"` → 8 (the old 1.x scheme), `openjdk version "22-ea"` → 22.
 */
export function parseJavaMajor(output: string): number | null {
  const match = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(output);
  if (!match) return null;
  const first = Number(match[1]);
  if (first === 1 && match[2] !== undefined) return Number(match[2]);
  return first;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** JAVA_HOME/bin/java when set (what Kafka's own scripts do), else the first java on PATH. */
export function locateJava(env: NodeJS.ProcessEnv = process.env): string | null {
  const exe = process.platform === 'win32' ? 'java.exe' : 'java';
  if (env.JAVA_HOME) {
    const candidate = join(env.JAVA_HOME, 'bin', exe);
    if (isExecutable(candidate)) return candidate;
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, exe);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function runVersion(javaPath: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(javaPath, ['-version'], { timeout: 20_000, windowsHide: true }, (error, stdout, stderr) => {
      if (error) reject(new Error(error.message));
      else resolvePromise(`${stderr}\n${stdout}`);
    });
  });
}

const MISSING =
  `Java ${MIN_JAVA_MAJOR} or newer is needed to run the local Kafka cluster; ` +
  'none was found (set JAVA_HOME or put a JDK on PATH)';

/** Finds a usable java or throws one clear LOCAL_CLUSTER error. */
export async function ensureJava(env: NodeJS.ProcessEnv = process.env): Promise<JavaInfo> {
  const path = locateJava(env);
  if (path === null) throw new WorkbenchError('LOCAL_CLUSTER', MISSING);
  let output: string;
  try {
    output = await runVersion(path);
  } catch (error) {
    throw new WorkbenchError('LOCAL_CLUSTER', `${MISSING}: ${path} -version failed`, String(error));
  }
  const major = parseJavaMajor(output);
  const versionLine = output.trim().split('\n')[0] ?? '';
  if (major === null) {
    throw new WorkbenchError('LOCAL_CLUSTER', `Could not read the Java version from "${path} -version": ${versionLine}`);
  }
  if (major < MIN_JAVA_MAJOR) {
    throw new WorkbenchError(
      'LOCAL_CLUSTER',
      `Java ${MIN_JAVA_MAJOR} or newer is needed to run the local Kafka cluster; ${path} is Java ${major} (set JAVA_HOME to a newer JDK)`,
    );
  }
  return { path, major, versionLine };
}
