import { execFile, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensureMavenJars } from '../scripts/maven-jars.js';

const run = promisify(execFile);
export const PERF_TOOLS_VERSION = '4.3.1';
const TOOLS_POM = fileURLToPath(new URL('../resources/kafka-tools/pom.xml', import.meta.url));

/** kcat from Debian; installed by the suite when missing (root on these machines). */
export function ensureKcat(): string {
  if (spawnSync('kcat', ['-V']).status === 0) return kcatVersion();
  const apt = spawnSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kcat'], {
    stdio: 'inherit',
  });
  if (apt.status !== 0) throw new Error('kcat is missing and could not be installed with apt-get');
  return kcatVersion();
}

function kcatVersion(): string {
  const out = spawnSync('kcat', ['-V'], { encoding: 'utf8' }).stdout;
  return (
    /kcat - Apache Kafka producer and consumer tool.*?\n.*?Copyright.*?\n.*?(Version \S+.*)/s.exec(out)?.[1]?.split('\n')[0] ??
    out.split('\n')[0] ??
    'kcat'
  );
}

/** Kafka's own perf tools (kafka-tools jar and its deps) in the cache, resolved with mvn. */
export function ensurePerfTools(cacheDir: string): Promise<string> {
  return ensureMavenJars(cacheDir, {
    pomFile: TOOLS_POM,
    version: PERF_TOOLS_VERSION,
    expectJar: `kafka-tools-${PERF_TOOLS_VERSION}.jar`,
    cacheName: `kafka-tools-${PERF_TOOLS_VERSION}`,
  });
}

/** Runs a Kafka tool class; returns stdout. */
export async function runKafkaTool(libs: string, mainClass: string, args: string[]): Promise<string> {
  const { stdout } = await run('java', ['-Xmx512m', '-cp', `${libs}/*`, mainClass, ...args], { maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** Pipes a file into a command and resolves when it exits 0. */
export function pipeFileTo(command: string, args: string[], file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', `"$0" "$@" < "${file.replace(/"/g, '\\"')}"`, command, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited ${code}: ${stderr.slice(-500)}`))));
  });
}

/** Runs a command and counts the lines it prints (a consumer reading a topic to its end). */
export function countLines(command: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let lines = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      for (const byte of chunk) if (byte === 10) lines++;
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(lines) : reject(new Error(`${command} exited ${code}: ${stderr.slice(-500)}`))));
  });
}

/** cqlsh from PyPI, pinned; the Cassandra sink row's peer (`cqlsh COPY FROM`). */
export const CQLSH_VERSION = '6.2.2';

/** cqlsh, installed with pip when missing (as the Spark peer installs PySpark); returns its version line. */
export function ensureCqlsh(log: (line: string) => void): string {
  const version = () => spawnSync('cqlsh', ['--version'], { encoding: 'utf8' });
  let found = version();
  if (found.status !== 0) {
    log(`installing cqlsh ${CQLSH_VERSION} with pip`);
    const pip = spawnSync('python3', ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `cqlsh==${CQLSH_VERSION}`], {
      stdio: 'inherit',
    });
    found = version();
    if (pip.status !== 0 || found.status !== 0)
      throw new Error(`cqlsh is missing and could not be installed with pip (cqlsh==${CQLSH_VERSION})`);
  }
  return found.stdout.trim();
}
