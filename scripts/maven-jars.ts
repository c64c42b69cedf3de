// Developer tool, never run by the app: resolves jars with Maven for the test servers (S3Proxy,
// Spark's Kafka source, the schema registry build), the bench's perf tools, and regenerates the
// local cluster's jar lock (scripts/kafka-jar-lock.ts). The app itself fetches the local cluster's
// jars from the lock with no Maven (electron/engine/cluster/kafka-jars.ts).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Written last into a finished libs folder; its absence means "download again". */
const MARKER = '.complete';

export interface EnsureMavenJarsOptions {
  log?: (line: string) => void;
  /** Passed to the pom as -Dkafka.version (the poms here name their pinned release by it). */
  version: string;
  pomFile: string;
  mvnCommand?: string;
  /** The jar whose presence proves the copy is complete. */
  expectJar: string;
  /** Folder name under the cache. */
  cacheName: string;
}

function isComplete(libs: string, expectJar: string): boolean {
  return existsSync(join(libs, MARKER)) && existsSync(join(libs, expectJar));
}

interface RunResult {
  code: number | null;
  output: string;
}

/** Runs Maven, keeping the output's tail (windowsHide: no console window per run on Windows). */
export function runMaven(command: string, args: string[]): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    let output = '';
    const keep = (chunk: Buffer): void => {
      // Only the tail matters (the last ERROR line); cap memory on a chatty failure.
      output = (output + chunk.toString('utf8')).slice(-64_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', reject);
    child.once('close', (code) => resolvePromise({ code, output }));
  });
}

/**
 * The line that says what failed. Maven prints the cause in its first [ERROR] line; the last ones
 * are always the same "re-run with -e" boilerplate.
 */
function mavenErrorLine(output: string): string {
  // eslint-disable-next-line no-control-regex -- strips ANSI colour codes Maven may still emit
  const plain = output.replace(/\u001b\[[0-9;]*m/g, '');
  const lines = plain.split(/\r?\n/).map((line) => line.trim());
  const errors = lines.filter((line) => line.startsWith('[ERROR]') && line.length > '[ERROR]'.length + 1);
  const line = errors[0] ?? lines.filter((l) => l !== '').at(-1) ?? 'no output';
  return line.replace(/^\[ERROR\]\s*/, '').slice(0, 400);
}

/**
 * Resolves a pom's dependencies into `<cacheDir>/<cacheName>/libs` and returns that folder. Maven downloads into a temp folder that is renamed only when complete, so a
 * killed run never leaves a half cache behind.
 */
export async function ensureMavenJars(cacheDir: string, options: EnsureMavenJarsOptions): Promise<string> {
  const { version, expectJar } = options;
  const parent = join(cacheDir, options.cacheName);
  const libs = join(parent, 'libs');
  if (isComplete(libs, expectJar)) return libs;

  const pom = options.pomFile;
  if (!existsSync(pom)) throw new Error(`The pom is missing: ${pom}`);
  await mkdir(parent, { recursive: true });
  const temp = join(parent, `libs.tmp-${process.pid}-${Date.now()}`);
  options.log?.(`Resolving ${options.cacheName} with Maven (first run only)…`);
  const args = [
    '-q',
    '-B',
    '-Dstyle.color=never',
    '-f',
    pom,
    `-Dkafka.version=${version}`,
    'dependency:copy-dependencies',
    `-DoutputDirectory=${temp}`,
  ];
  let result: RunResult;
  try {
    result = await runMaven(options.mvnCommand ?? 'mvn', args);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new Error(`Maven (mvn) is needed to resolve ${options.cacheName} (a developer tool); install Maven or put mvn on PATH`, {
        cause: error,
      });
    throw new Error(`Could not run mvn: ${String(error)}`, { cause: error });
  }
  if (result.code !== 0 || !existsSync(join(temp, expectJar))) {
    await rm(temp, { recursive: true, force: true });
    throw new Error(`Maven could not resolve ${options.cacheName}: ${mavenErrorLine(result.output)}`, {
      cause: result.output.slice(-4000),
    });
  }
  await writeFile(join(temp, MARKER), `${new Date().toISOString()}\n`);
  if (isComplete(libs, expectJar)) {
    // A parallel run finished first; keep its folder (a JVM may already be using it).
    await rm(temp, { recursive: true, force: true });
    return libs;
  }
  await rm(libs, { recursive: true, force: true });
  try {
    await rename(temp, libs);
  } catch (error) {
    // Another process finished the same download first: use its copy.
    await rm(temp, { recursive: true, force: true });
    if (!isComplete(libs, expectJar)) throw error;
  }
  options.log?.(`${options.cacheName} ready in ${libs}`);
  return libs;
}
