import { execFile, execFileSync } from 'node:child_process';
import { accessSync, constants, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';
import { WorkbenchError } from '../../../shared/errors.js';
import { downloadedJava } from './java-runtime.js';

/** Kafka 4.x brokers need Java 17 (KIP-1013). */
export const MIN_JAVA_MAJOR = 17;

export interface JavaInfo {
  path: string;
  major: number;
  versionLine: string;
}

/** Where to look besides JAVA_HOME and PATH; the defaults are this machine's, tests pass their own. */
export interface JavaSearch {
  platform?: NodeJS.Platform;
  /** The app's cache folder: a runtime downloaded by the app is the last candidate. */
  cacheDir?: string;
  javaRuntimeLock?: string;
  /** Runs a helper (java_home, reg) and returns its stdout, or null when it fails. */
  run?: (command: string, args: string[]) => string | null;
  /** Sub-folder names of a folder ([] when it does not exist). */
  listDir?: (dir: string) => string[];
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

function runHelper(command: string, args: string[]): string | null {
  try {
    return execFileSync(command, args, { encoding: 'utf8', timeout: 10_000, windowsHide: true, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
}

function listSubfolders(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort()
      .reverse(); // newest version first, by name
  } catch {
    return [];
  }
}

/** Install folders under Program Files of the JDK builds Windows users get (Oracle, Temurin, Microsoft, Zulu, Corretto, Liberica, Semeru). */
const WINDOWS_VENDORS = ['Java', 'Eclipse Adoptium', 'Microsoft', 'Zulu', 'Amazon Corretto', 'BellSoft', 'Semeru'];

/**
 * JDK homes in the Windows registry: the JavaSoft keys Oracle's and most installers write, and the
 * MSI keys of Temurin, Microsoft and Zulu (which may skip JavaSoft).
 */
export function parseRegistryHomes(output: string): string[] {
  const homes: string[] = [];
  for (const line of output.split(/\r?\n/)) {
    const match = /^\s+(?:JavaHome|Path|InstallationPath)\s+REG_(?:EXPAND_)?SZ\s+(.+?)\s*$/.exec(line);
    if (match?.[1]) homes.push(match[1]);
  }
  return homes;
}

/**
 * Every java worth trying, in order: JAVA_HOME (what Kafka's own scripts use), PATH, then where the
 * OS keeps JDKs — `/usr/libexec/java_home` and the JavaVirtualMachines/Homebrew folders on macOS
 * (an app started from Finder does not see a shell's PATH), the registry and Program Files on
 * Windows — and last the runtime the app downloaded. Linux desktops hand apps the login PATH, so
 * JAVA_HOME and PATH are what users expect there.
 */
export function javaCandidates(env: NodeJS.ProcessEnv = process.env, search: JavaSearch = {}): string[] {
  const platform = search.platform ?? process.platform;
  const run = search.run ?? runHelper;
  const list = search.listDir ?? listSubfolders;
  const path = platform === 'win32' ? win32 : posix;
  const exe = platform === 'win32' ? 'java.exe' : 'java';
  const fromHome = (home: string): string => path.join(home, 'bin', exe);
  const candidates: string[] = [];
  if (env.JAVA_HOME) candidates.push(fromHome(env.JAVA_HOME));
  for (const dir of (env.PATH ?? env.Path ?? '').split(path.delimiter)) if (dir !== '') candidates.push(path.join(dir, exe));
  if (platform === 'darwin') {
    const home = run('/usr/libexec/java_home', ['-v', `${MIN_JAVA_MAJOR}+`])?.trim();
    if (home) candidates.push(fromHome(home));
    for (const root of ['/Library/Java/JavaVirtualMachines', path.join(homedir(), 'Library/Java/JavaVirtualMachines')]) {
      for (const jdk of list(root)) candidates.push(fromHome(path.join(root, jdk, 'Contents', 'Home')));
    }
    for (const brew of ['/opt/homebrew/opt', '/usr/local/opt']) {
      for (const name of list(brew).filter((n) => n.startsWith('openjdk'))) candidates.push(fromHome(path.join(brew, name)));
    }
  }
  if (platform === 'win32') {
    for (const key of [
      'HKLM\\SOFTWARE\\JavaSoft',
      'HKLM\\SOFTWARE\\Eclipse Adoptium',
      'HKLM\\SOFTWARE\\Microsoft\\JDK',
      'HKLM\\SOFTWARE\\Azul Systems\\Zulu',
    ]) {
      for (const home of parseRegistryHomes(run('reg', ['query', key, '/s']) ?? '')) candidates.push(fromHome(home));
    }
    for (const base of [env.ProgramFiles, env['ProgramFiles(x86)']]) {
      if (!base) continue;
      for (const vendor of WINDOWS_VENDORS) {
        for (const jdk of list(path.join(base, vendor))) candidates.push(fromHome(path.join(base, vendor, jdk)));
      }
    }
  }
  if (search.cacheDir) {
    const downloaded = downloadedJava(search.cacheDir, search.javaRuntimeLock, platform);
    if (downloaded) candidates.push(downloaded);
  }
  return [...new Set(candidates)];
}

/** The first executable candidate (a quick "is there any Java" for the UI), or null. */
export function locateJava(env: NodeJS.ProcessEnv = process.env, search: JavaSearch = {}): string | null {
  return javaCandidates(env, search).find(isExecutable) ?? null;
}

function runVersion(javaPath: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(javaPath, ['-version'], { timeout: 20_000, windowsHide: true }, (error, stdout, stderr) => {
      if (error) reject(new Error(error.message));
      else resolvePromise(`${stderr}\n${stdout}`);
    });
  });
}

export const JAVA_MISSING =
  `Java ${MIN_JAVA_MAJOR} or newer is needed to run the local Kafka cluster and none was found: ` +
  'download a Java runtime (Settings → Local cluster, or npm run kafka -- install-java), install a JDK, or set JAVA_HOME';

/**
 * The first candidate that runs and is Java 17+, or one clear LOCAL_CLUSTER error: what was found
 * and too old, or that nothing was found with the ways to get one.
 */
export async function ensureJava(env: NodeJS.ProcessEnv = process.env, search: JavaSearch = {}): Promise<JavaInfo> {
  let tooOld: { path: string; major: number } | null = null;
  for (const path of javaCandidates(env, search).filter(isExecutable)) {
    let output: string;
    try {
      output = await runVersion(path);
    } catch {
      continue; // e.g. macOS's /usr/bin/java stub without a JDK: try the next one
    }
    const major = parseJavaMajor(output);
    if (major === null) continue;
    if (major >= MIN_JAVA_MAJOR) return { path, major, versionLine: output.trim().split('\n')[0] ?? '' };
    tooOld ??= { path, major };
  }
  if (tooOld) {
    throw new WorkbenchError(
      'LOCAL_CLUSTER',
      `Java ${MIN_JAVA_MAJOR} or newer is needed to run the local Kafka cluster; ${tooOld.path} is Java ${tooOld.major} (set JAVA_HOME to a newer JDK or download a Java runtime in Settings → Local cluster)`,
    );
  }
  throw new WorkbenchError('LOCAL_CLUSTER', JAVA_MISSING);
}
