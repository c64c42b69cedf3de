import { createEngineContext } from './engine-context.js';
import { serveControl, type ControlServer } from './control/control-socket.js';
import { join } from 'node:path';
import type { AppInfo } from '../../shared/app.js';
import type { ConnectionState } from '../../shared/connection.js';
import { WorkbenchError } from '../../shared/errors.js';
import {
  localClusterSettingsSchema,
  localOptionsOf,
  type LocalClusterOptions,
  type LocalClusterSettings,
  type LocalClusterStatus,
} from '../../shared/local-cluster.js';
import { createDispatcher, type Dispatch, type Handlers } from './dispatch.js';
import { type EventBus } from './event-bus.js';
import type { CoreMethodName } from '../../shared/contract.js';
import type { EngineContext, EngineFeature } from './context.js';
import { describeKafkaError } from './kafka/errors.js';
import { ClusterService } from './kafka/cluster-service.js';
import { type KafkaClients } from './kafka/kafka-clients.js';
import { GeoFeature } from './geo/geo-feature.js';
import { MetricsFeature } from './metrics/metrics-feature.js';
import type { Logger } from './logger.js';
import { ProducersFeature } from './producers/producers-feature.js';
import { ExportsFeature } from './exports/exports-feature.js';
import { TopicBrowser } from './topics/topic-browser.js';
import { PipelinesFeature } from './pipelines/pipelines-feature.js';
import { DatabasesFeature } from './sinks/databases-feature.js';
import { RegistryFeature } from './schema-registry/registry-feature.js';
import type { SecretBox } from './secrets/secret-box.js';
import { type ConnectionsRepo } from './store/connections-repo.js';
import { openDatabase, type Db } from './store/db.js';
import { SettingsRepo } from './store/settings-repo.js';

/** What the engine needs of the managed local cluster (electron/engine/cluster/local-cluster.ts). */
export interface LocalClusterControl {
  start(options: LocalClusterOptions): Promise<LocalClusterStatus>;
  stop(): Promise<LocalClusterStatus>;
  status(): Promise<LocalClusterStatus>;
  logs(lines: number): Promise<{ file: string | null; text: string }> | { file: string | null; text: string };
  installJava(): Promise<{ path: string; major: number; versionLine: string }>;
  dispose(): Promise<void> | void;
}

export interface EngineDeps {
  dataDir: string;
  secrets: SecretBox;
  transport: AppInfo['transport'];
  version: string;
  log: Logger;
  localCluster: LocalClusterControl;
  javaAvailable: () => boolean;
  /** How often the active connection is re-checked, ms; 0 disables the timer (tests). */
  healthIntervalMs?: number;
}

/**
 * Feature modules, wired here by hand. Each answers its own slice of the contract; together with
 * the core methods below they must cover the whole method table (the type checks it).
 */
function createFeatures(context: EngineContext): { features: EngineFeature<never>[]; handlers: Omit<Handlers, CoreMethodName> } {
  void context;
  // <never>: a feature answers only its own slice; here only dispose() is used.
  const features: EngineFeature<never>[] = [];
  // feature: topic browser
  const topicBrowser = new TopicBrowser(context);
  features.push(topicBrowser);
  // feature: producers
  const producers = new ProducersFeature(context);
  features.push(producers);
  // feature: exports
  const exportsFeature = new ExportsFeature(context);
  features.push(exportsFeature);
  // feature: pipelines
  const pipelines = new PipelinesFeature(context);
  features.push(pipelines);
  // feature: database connections of pipeline sinks
  const databases = new DatabasesFeature(context);
  features.push(databases);
  const geo = new GeoFeature(context); // feature: live views
  features.push(geo);
  const metrics = new MetricsFeature(context);
  features.push(metrics);
  const registry = new RegistryFeature(context); // feature: schema registry browser
  features.push(registry);
  return {
    features,
    handlers: {
      // handlers: topic browser
      ...topicBrowser.handlers(),
      // handlers: producers
      ...producers.handlers(),
      // handlers: exports
      ...exportsFeature.handlers(),
      // handlers: pipelines
      ...pipelines.handlers(),
      ...databases.handlers(),
      ...geo.handlers(),
      ...metrics.handlers(),
      ...registry.handlers(),
    },
  };
}

const ACTIVE_KEY = 'activeConnectionId';
const LOCAL_SETTINGS_KEY = 'localCluster';
const LOCAL_NAME = 'Local cluster';

/**
 * The Electron-free core: owns the store, the Kafka clients and the local cluster, and answers the
 * contract's methods. Both transports call `dispatch`; both forward `events`.
 */
export class Engine {
  readonly events: EventBus;
  readonly dispatch: Dispatch;
  private readonly db: Db;
  private readonly settings: SettingsRepo;
  private readonly connections: ConnectionsRepo;
  private readonly clusters: ClusterService;
  private readonly kafka: KafkaClients;
  private readonly features: EngineFeature<never>[];
  private readonly states = new Map<string, ConnectionState>();
  private readonly deps: EngineDeps;
  private healthTimer: NodeJS.Timeout | undefined;
  /** The CLI's control socket, once listening (null: not served). */
  private readonly control: Promise<ControlServer | null>;
  private disposed = false;
  /** True when this engine started the local cluster; it then stops it on dispose (no orphan JVMs). */
  private ownsLocalCluster = false;

  constructor(deps: EngineDeps) {
    this.deps = deps;
    this.db = openDatabase(join(deps.dataDir, 'workbench.sqlite'));
    this.settings = new SettingsRepo(this.db);
    const context = createEngineContext({ dataDir: deps.dataDir, db: this.db, secrets: deps.secrets, log: deps.log });
    this.events = context.events;
    this.connections = context.connections;
    this.kafka = context.kafka;
    this.clusters = new ClusterService(this.kafka);
    const { features, handlers } = createFeatures(context);
    this.features = features;
    this.dispatch = createDispatcher({ ...this.handlers(), ...handlers }, (method, error) =>
      deps.log('error', `${method} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
    );
    // The CLI's way into this app (`npm run cli -- producer stop …`): the same dispatcher on a local socket.
    this.control = serveControl(deps.dataDir, this.dispatch, deps.log).catch((error: unknown) => {
      deps.log('warn', `the CLI control socket is not served: ${String(error)}`);
      return null;
    });
    const interval = deps.healthIntervalMs ?? 15_000;
    if (interval > 0) {
      this.healthTimer = setInterval(() => void this.checkActive(), interval);
      this.healthTimer.unref();
    }
  }

  /** Forwarded by whoever owns the local cluster's status callback. */
  onLocalStatus(status: LocalClusterStatus): void {
    if (this.disposed) return;
    if (status.state === 'running') this.upsertLocalConnection(status);
    this.events.emit('local:status', status);
  }

  /**
   * The embedded default, at every start of the app or `serve`: with no saved connection, start the
   * local cluster and connect to it, so a new user lands on a live cluster; when the active
   * connection is this app's own local cluster, start it again on the ports it had (as at the first
   * start), so a second start does not land on "connection refused". Any other saved connection is
   * used as it is. `message` says which happened, for the terminal.
   */
  async startDefault(options: LocalClusterOptions = { brokers: 1, port: 9092 }): Promise<{ connectionId: string | null; message: string }> {
    if (this.connections.list().length === 0) {
      const status = await this.deps.localCluster.start(options);
      this.ownsLocalCluster = true;
      const connection = this.upsertLocalConnection(status);
      await this.activate(connection.id);
      return {
        connectionId: connection.id,
        message: `Started the local cluster on ${status.bootstrapServers.join(',')} and connected to it.`,
      };
    }
    const activeId = this.activeConnectionId();
    if (activeId === null) return { connectionId: null, message: 'No active connection: choose one on the Connections page.' };
    const active = this.connections.get(activeId);
    if (!active.local) {
      return { connectionId: activeId, message: `Using the saved connection "${active.name}" (${active.bootstrapServers.join(',')}).` };
    }
    const before = await this.deps.localCluster.status();
    if (before.state === 'running') {
      await this.activate(activeId);
      return {
        connectionId: activeId,
        message: `The local cluster is already running on ${before.bootstrapServers.join(',')}; connected to it.`,
      };
    }
    const status = await this.deps.localCluster.start(localOptionsOf(active.bootstrapServers));
    this.ownsLocalCluster = true;
    this.onLocalStatus(status);
    await this.activate(activeId);
    return {
      connectionId: activeId,
      message: `Started the local cluster again on ${status.bootstrapServers.join(',')} (the active connection is this app's own cluster).`,
    };
  }

  /** Settings → Local cluster; unreadable or absent values fall back to the defaults. */
  localSettings(): LocalClusterSettings {
    let stored: unknown = {};
    try {
      stored = JSON.parse(this.settings.get(LOCAL_SETTINGS_KEY) ?? '{}');
    } catch {
      // A damaged value is replaced by the defaults rather than blocking the cluster.
    }
    const parsed = localClusterSettingsSchema.safeParse(stored);
    return parsed.success ? parsed.data : localClusterSettingsSchema.parse({});
  }

  /**
   * Stops a local cluster this engine started (the app quitting) unless "keep the local cluster
   * running" is set; a cluster someone else started (the CLI, a test run) is not ours to stop.
   */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    clearInterval(this.healthTimer);
    // First, so no CLI call starts work while the features stop.
    await (await this.control)?.close();
    this.events.clear();
    for (const feature of this.features.reverse()) {
      await Promise.resolve(feature.dispose()).catch((error: unknown) => this.deps.log('error', `dispose: ${String(error)}`));
    }
    await this.kafka.dispose();
    if (this.ownsLocalCluster && !this.localSettings().keepRunning) {
      await this.deps.localCluster.stop().catch((error: unknown) => this.deps.log('error', `stopping the local cluster: ${String(error)}`));
    }
    await this.deps.localCluster.dispose();
    this.db.close();
  }

  private handlers(): Pick<Handlers, CoreMethodName> {
    return {
      'app:info': () => ({
        version: this.deps.version,
        transport: this.deps.transport,
        dataDir: this.deps.dataDir,
        activeConnectionId: this.activeConnectionId(),
        secretStorage: this.deps.secrets.info,
        javaAvailable: this.deps.javaAvailable(),
        pid: process.pid,
      }),
      'connections:list': () => this.connections.list(),
      'connections:save': async (input) => {
        const saved = this.connections.save(input);
        await this.kafka.forget(saved.id);
        this.states.delete(saved.id);
        return saved;
      },
      'connections:remove': async ({ id }) => {
        await this.kafka.forget(id);
        this.states.delete(id);
        if (this.activeConnectionId() === id) this.settings.set(ACTIVE_KEY, null);
        return { removed: this.connections.remove(id) };
      },
      'connections:test': async (input) => {
        const started = Date.now();
        const { connection, password } =
          'id' in input
            ? { connection: this.connections.get(input.id), password: this.connections.password(input.id) }
            : { connection: { ...input.connection, clientId: input.connection.clientId }, password: input.connection.password ?? null };
        try {
          const result = await ClusterService.probe(connection, password);
          return { ok: true, latencyMs: Date.now() - started, ...result };
        } catch (error) {
          const described = describeKafkaError(error, connection.bootstrapServers);
          return { ok: false, latencyMs: Date.now() - started, error: described.message };
        }
      },
      'connections:activate': ({ id }) => this.activate(id),
      'connections:state': ({ connectionId }) => this.states.get(connectionId) ?? this.check(connectionId),
      'cluster:overview': ({ connectionId }) => this.tracked(connectionId, () => this.clusters.overview(connectionId)),
      'topics:list': ({ connectionId, includeInternal }) =>
        this.tracked(connectionId, () => this.clusters.topics(connectionId, includeInternal)),
      'local:status': () => this.deps.localCluster.status(),
      'local:start': async (options) => {
        if (!this.deps.javaAvailable()) {
          throw new WorkbenchError(
            'LOCAL_CLUSTER',
            'Java 17 or newer is needed to run the local Kafka cluster and none was found: download a Java runtime (Settings → Local cluster), install a JDK, or add a connection to your own cluster',
          );
        }
        const before = await this.deps.localCluster.status();
        const status = await this.deps.localCluster.start({ brokers: options.brokers ?? 1, port: options.port ?? 9092 });
        if (before.state !== 'running') this.ownsLocalCluster = true;
        this.onLocalStatus(status);
        // The active connection's indicator (and every page's "unreachable") clears now, not at the next health check.
        const activeId = this.activeConnectionId();
        if (activeId !== null && this.connections.get(activeId).local) await this.check(activeId);
        return status;
      },
      'local:stop': async () => {
        const status = await this.deps.localCluster.stop();
        this.ownsLocalCluster = false;
        this.events.emit('local:status', status);
        return status;
      },
      'local:logs': ({ lines }) => this.deps.localCluster.logs(lines),
      'local:settings': () => this.localSettings(),
      'local:installJava': () => this.deps.localCluster.installJava(),
      'local:saveSettings': (settings) => {
        this.settings.set(LOCAL_SETTINGS_KEY, JSON.stringify(settings));
        return this.localSettings();
      },
    };
  }

  private activeConnectionId(): string | null {
    const id = this.settings.get(ACTIVE_KEY);
    return id !== null && this.connections.find(id) ? id : null;
  }

  private async activate(id: string): Promise<ConnectionState> {
    this.connections.get(id); // NOT_FOUND for an unknown id
    this.settings.set(ACTIVE_KEY, id);
    this.setState({ connectionId: id, state: 'connecting', checkedAt: Date.now() });
    return this.check(id);
  }

  private async checkActive(): Promise<void> {
    const id = this.activeConnectionId();
    if (id) await this.check(id);
  }

  private async check(connectionId: string): Promise<ConnectionState> {
    try {
      await this.clusters.overview(connectionId);
      return this.setState({ connectionId, state: 'connected', checkedAt: Date.now() });
    } catch (error) {
      if (error instanceof WorkbenchError && error.code === 'NOT_FOUND') throw error;
      const message = error instanceof Error ? error.message : String(error);
      return this.setState({ connectionId, state: 'unreachable', error: message, checkedAt: Date.now() });
    }
  }

  /** Runs a Kafka call and keeps the connection indicator truthful about its outcome. */
  private async tracked<T>(connectionId: string, run: () => Promise<T>): Promise<T> {
    try {
      const result = await run();
      if (this.states.get(connectionId)?.state !== 'connected') {
        this.setState({ connectionId, state: 'connected', checkedAt: Date.now() });
      }
      return result;
    } catch (error) {
      if (error instanceof WorkbenchError && (error.code === 'BROKER_UNREACHABLE' || error.code === 'AUTH_FAILED')) {
        this.setState({ connectionId, state: 'unreachable', error: error.message, checkedAt: Date.now() });
      }
      throw error;
    }
  }

  private setState(state: ConnectionState): ConnectionState {
    if (this.disposed) return state;
    const previous = this.states.get(state.connectionId);
    this.states.set(state.connectionId, state);
    if (previous?.state !== state.state || previous.error !== state.error) this.events.emit('connection:state', state);
    return state;
  }

  private upsertLocalConnection(status: LocalClusterStatus) {
    const existing = this.connections.list().find((c) => c.local);
    const fields = {
      name: LOCAL_NAME,
      bootstrapServers: status.bootstrapServers,
      clientId: 'kafka-workbench',
      ssl: { enabled: false, rejectUnauthorized: true },
    };
    if (existing && existing.bootstrapServers.join(',') === status.bootstrapServers.join(',')) return existing;
    return existing ? this.connections.save({ ...fields, id: existing.id }) : this.connections.save(fields, { local: true });
  }
}
