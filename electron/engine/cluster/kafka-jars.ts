import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkbenchError } from '../../../shared/errors.js';

/** The one place the Apache Kafka release is pinned; passed to the pom as -Dkafka.version. */
export const KAFKA_VERSION = '4.4.0';

/**
 * Older releases the local cluster can also run, for the compatibility suite (`npm run test:compat`):
 * the newest 3.9 patch on Maven Central, the last line before Kafka 4.0 removed ZooKeeper and the
 * old protocol versions. Pinned like KAFKA_VERSION, never a range, so a run is repeatable.
 */
export const COMPAT_KAFKA_VERSIONS = ['3.9.2'] as const;

/** Environment variable that picks the local cluster's Kafka release (the app and `npm run kafka` default to KAFKA_VERSION). */
export const KAFKA_VERSION_ENV = 'KWB_KAFKA_VERSION';

/**
 * The pinned release named by KWB_KAFKA_VERSION, or KAFKA_VERSION when unset. Only pinned releases
 * are accepted: any other value would make Maven fetch an untested broker.
 */
export function selectKafkaVersion(env: NodeJS.ProcessEnv = process.env): string {
  const wanted = env[KAFKA_VERSION_ENV]?.trim();
  if (!wanted) return KAFKA_VERSION;
  const pinned: readonly string[] = [KAFKA_VERSION, ...COMPAT_KAFKA_VERSIONS];
  if (!pinned.includes(wanted)) {
    throw new WorkbenchError('LOCAL_CLUSTER', `${KAFKA_VERSION_ENV}=${wanted} is not a pinned Kafka release; use one of ${pinned.join(', ')}`);
  }
  return wanted;
}

/** Major version of a release ("3.9.2" → 3): KRaft settings differ between 3.x and 4.x. */
export function kafkaMajor(version: string): number {
  return Number(version.split('.')[0]);
}

/** Written last into a finished libs folder; its absence means "download again". */
const MARKER = '.complete';

export const DEFAULT_POM = fileURLToPath(new URL('../../../resources/kafka/pom.xml', import.meta.url));

export interface EnsureJarsOptions {
  log?: (line: string) => void;
  version?: string;
  pomFile?: string;
  mvnCommand?: string;
  /** The jar whose presence proves the copy is complete (default: the broker jar of `version`). */
  expectJar?: string;
  /** Folder name under the cache (default `kafka-<version>`). */
  cacheName?: string;
}

export function kafkaLibsDir(cacheDir: string, version = KAFKA_VERSION): string {
  return join(cacheDir, `kafka-${version}`, 'libs');
}

function isComplete(libs: string, expectJar: string): boolean {
  return existsSync(join(libs, MARKER)) && existsSync(join(libs, expectJar));
}

interface RunResult {
  code: number | null;
  output: string;
}

/** Runs Maven, keeping the output's tail (also the schema registry build of the Avro tests). */
export function runMaven(command: string, args: string[]): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
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
 * Resolves the broker jars of the pinned Kafka release into `<cacheDir>/kafka-<version>/libs` and
 * returns that folder. Maven downloads into a temp folder that is renamed only when complete, so a
 * killed run never leaves a half cache behind.
 */
export async function ensureKafkaJars(cacheDir: string, options: EnsureJarsOptions = {}): Promise<string> {
  const version = options.version ?? KAFKA_VERSION;
  const expectJar = options.expectJar ?? `kafka_2.13-${version}.jar`;
  const parent = join(cacheDir, options.cacheName ?? `kafka-${version}`);
  const libs = join(parent, 'libs');
  if (isComplete(libs, expectJar)) return libs;

  const pom = options.pomFile ?? DEFAULT_POM;
  if (!existsSync(pom)) throw new WorkbenchError('LOCAL_CLUSTER', `The Kafka pom is missing: ${pom}`);
  await mkdir(parent, { recursive: true });
  const temp = join(parent, `libs.tmp-${process.pid}-${Date.now()}`);
  options.log?.(`Downloading Apache Kafka ${version} jars with Maven (first start only)…`);
  const args = ['-q', '-B', '-Dstyle.color=never', '-f', pom, `-Dkafka.version=${version}`, 'dependency:copy-dependencies', `-DoutputDirectory=${temp}`];
  let result: RunResult;
  try {
    result = await runMaven(options.mvnCommand ?? 'mvn', args);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new WorkbenchError(
        'LOCAL_CLUSTER',
        "Maven (mvn) is needed to download Kafka's jars once; install Maven or put mvn on PATH",
      );
    }
    throw new WorkbenchError('LOCAL_CLUSTER', `Could not run mvn: ${String(error)}`);
  }
  if (result.code !== 0 || !existsSync(join(temp, expectJar))) {
    await rm(temp, { recursive: true, force: true });
    throw new WorkbenchError(
      'LOCAL_CLUSTER',
      `Maven could not resolve Apache Kafka ${version}: ${mavenErrorLine(result.output)}`,
      result.output.slice(-4000),
    );
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
  options.log?.(`Kafka ${version} jars ready in ${libs}`);
  return libs;
}
