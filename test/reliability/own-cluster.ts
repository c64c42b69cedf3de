import { mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LocalClusterStatus } from '../../shared/local-cluster.js';
import { selectKafkaVersion } from '../../electron/engine/cluster/kafka-jars.js';
import { LocalCluster } from '../../electron/engine/cluster/local-cluster.js';
import { findFreePortBlock } from '../../electron/engine/cluster/ports.js';
import { isPidAlive } from '../../electron/engine/cluster/processes.js';
import { resolveCacheDir } from '../../electron/engine/paths.js';
import { readAll as readTopic } from '../kafka.js';

/**
 * A local cluster of the test's own, on a free port block away from the suite's shared broker
 * (39000–49000), so a test may kill its JVMs. `stop()` is the safety net: no JVM is left behind.
 * The block lies below Linux's ephemeral range (32768–60999): no outgoing connection of the busy
 * suite can take a node's port between the free check and the bind, or while a killed node is down.
 */
export class OwnCluster {
  private constructor(
    readonly cluster: LocalCluster,
    readonly dataDir: string,
    readonly brokers: 1 | 3,
    readonly port: number,
    public status: LocalClusterStatus,
  ) {}

  /**
   * Starts on a free port block; on a busy machine (the whole suite beside it) a start may fail, as
   * when another process takes one of the ports between the check and the bind: then once more
   * on a fresh block. A failed start leaves no JVM (LocalCluster stops what it started) nor folder.
   */
  static async start(name: string, brokers: 1 | 3): Promise<OwnCluster> {
    const dataDir = resolve('.test-output', `${name}-${process.pid}`);
    for (let attempt = 1; ; attempt++) {
      rmSync(dataDir, { recursive: true, force: true });
      mkdirSync(dataDir, { recursive: true });
      const port = await findFreePortBlock(brokers * 2, 23_000, 25_000);
      // The suite's release: 3.9.2 under `npm run test:compat` (KWB_KAFKA_VERSION).
      const cluster = new LocalCluster({ dataDir, cacheDir: resolveCacheDir(), kafkaVersion: selectKafkaVersion() });
      try {
        const status = await cluster.start({ brokers, port });
        return new OwnCluster(cluster, dataDir, brokers, port, status);
      } catch (error) {
        await cluster.stop().catch(() => undefined);
        await cluster.dispose();
        rmSync(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
        if (attempt >= 2) throw error;
        process.stdout.write(
          `[own-cluster] ${name}: start on port ${port} failed, trying another block: ${error instanceof Error ? error.message : String(error)}\n`,
        );
      }
    }
  }

  get bootstrap(): string {
    return this.status.bootstrapServers.join(',');
  }

  /** `kill -9` of one node's JVM; resolves once the process is gone. */
  async kill(nodeId: number): Promise<void> {
    const pid = this.status.nodes.find((n) => n.nodeId === nodeId)?.pid;
    if (pid == null) throw new Error(`node ${nodeId} has no pid`);
    process.kill(pid, 'SIGKILL');
    const until = Date.now() + 10_000;
    while (isPidAlive(pid)) {
      if (Date.now() > until) throw new Error(`pid ${pid} survived SIGKILL`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** SIGSTOP of one node's JVM: its sockets stay open but nothing is answered (a hung broker). */
  freeze(nodeId: number): void {
    const pid = this.status.nodes.find((n) => n.nodeId === nodeId)?.pid;
    if (pid == null) throw new Error(`node ${nodeId} has no pid`);
    process.kill(pid, 'SIGSTOP');
  }

  /** Starts the dead nodes again (LocalCluster.start restarts only those); returns the time it took. */
  async restart(): Promise<number> {
    const started = Date.now();
    this.status = await this.cluster.start({ brokers: this.brokers, port: this.port });
    return Date.now() - started;
  }

  async stop(): Promise<void> {
    try {
      await this.cluster.stop();
      await this.cluster.dispose();
    } finally {
      // A JVM may still be writing its last files as it exits.
      rmSync(this.dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    }
  }
}

export interface ReadRecord {
  partition: number;
  offset: number;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/**
 * Every record of a topic up to its current high watermarks, read group-less with the engine's
 * PartitionReader (test/kafka.ts), per partition in offset order.
 */
export async function readAll(bootstrap: string, topic: string): Promise<ReadRecord[]> {
  return (await readTopic(bootstrap, topic)).map((r) => ({
    partition: r.partition,
    offset: r.offset,
    key: r.key?.toString() ?? null,
    value: r.value,
    headers: Object.fromEntries(r.headers.map((h) => [h.key, h.value?.toString() ?? ''])),
  }));
}
