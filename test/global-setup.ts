import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { selectKafkaVersion } from '../electron/engine/cluster/kafka-jars.js';
import { LocalCluster } from '../electron/engine/cluster/local-cluster.js';
import { findFreePortBlock } from '../electron/engine/cluster/ports.js';
import { resolveCacheDir } from '../electron/engine/paths.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBootstrap: string;
  }
}

/**
 * Starts the project's own local Kafka cluster (the same code as `npm run kafka`) once per run;
 * every integration and e2e test talks to it. Stopped at the end, leaving no JVM behind.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // A developer's shortcut: KWB_TEST_BOOTSTRAP=host:port runs the suite against a broker already
  // running (e.g. `npm run kafka -- start`) instead of starting one. CI never sets it.
  const given = process.env.KWB_TEST_BOOTSTRAP;
  if (given) {
    process.stdout.write(`[global-setup] using the running broker at ${given} (KWB_TEST_BOOTSTRAP)\n`);
    project.provide('kafkaBootstrap', given);
    return () => Promise.resolve();
  }
  // The integration and perf projects each name this setup; they share one broker (a second one
  // would also share the first one's data directory).
  const shared = ((globalThis as SharedCluster).__kwbTestCluster ??= { users: 0, started: startCluster() });
  shared.users++;
  project.provide('kafkaBootstrap', (await shared.started).bootstrap);
  return async () => {
    if (--shared.users > 0) return;
    delete (globalThis as SharedCluster).__kwbTestCluster;
    const { cluster } = await shared.started;
    const stopped = await cluster.stop();
    process.stdout.write(`[global-setup] local Kafka ${stopped.state}\n`);
    await cluster.dispose();
  };
}

type SharedCluster = typeof globalThis & {
  __kwbTestCluster?: { users: number; started: Promise<{ cluster: LocalCluster; bootstrap: string }> };
};

async function startCluster(): Promise<{ cluster: LocalCluster; bootstrap: string }> {
  const dataDir = resolve('.test-output', `kafka-${process.pid}`);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const port = await findFreePortBlock(2, 20_000, 22_000);
  const cluster = new LocalCluster({
    dataDir,
    cacheDir: resolveCacheDir(),
    // KWB_KAFKA_VERSION=3.9.2 (`npm run test:compat`) runs the suite against an older pinned release.
    kafkaVersion: selectKafkaVersion(),
    log: (line) => process.stdout.write(`[local-kafka] ${line}\n`),
  });
  const started = Date.now();
  const status = await cluster.start({ brokers: 1, port });
  const bootstrap = status.bootstrapServers.join(',');
  process.stdout.write(
    `[global-setup] Apache Kafka ${status.kafkaVersion} started by the suite at ${bootstrap} ` +
      `(pid ${status.nodes.map((n) => n.pid).join(',')}) in ${Date.now() - started} ms; log ${status.logFile ?? join(dataDir, 'local-kafka')}\n`,
  );
  return { cluster, bootstrap };
}
