import { WorkbenchError } from '../../../shared/errors.js';
import type { ProducerStatus, ProducerView } from '../../../shared/producers.js';
import { producerInputSchema } from '../../../shared/producers.js';
import type { EngineContext, EngineFeature } from '../context.js';
import type { AvroResolver } from '../schema-registry/avro-resolver.js';
import { checkRegistryProducer, resolveProducerSchema } from './registry-schema.js';
import { KafkaSendEngine } from '../kafka/send-engine.js';
import { describeKafkaError } from '../kafka/errors.js';
import { ProducerRunner, type Counts } from './producer-runner.js';
import { splitSecrets } from './producer-secrets.js';
import { ProducersRepo, type StoredProducer } from '../store/producers-repo.js';
import { recipePlan } from './recipes.js';
import { checkCron } from './schedule-timing.js';
import { parseTle } from './sources/iss.js';
import { StatusThrottle } from './status-throttle.js';

type ProducerMethod =
  | 'producers:list'
  | 'producers:save'
  | 'producers:remove'
  | 'producers:start'
  | 'producers:pause'
  | 'producers:stop'
  | 'producers:command'
  | 'producers:resetCounts'
  | 'producers:ensureTopic'
  | 'producers:recipe';

/** How often the counters of a running producer are written to SQLite. */
const PERSIST_EVERY_MS = 2000;

/**
 * The registry of producers: one runner per saved producer, created on demand. The wanted state
 * (running/paused/stopped) is stored, so producers that were running start again with the engine.
 */
export class ProducersFeature implements EngineFeature<ProducerMethod> {
  private readonly context: EngineContext;
  private readonly repo: ProducersRepo;
  private readonly runners = new Map<string, ProducerRunner>();
  private readonly throttle: StatusThrottle;
  private readonly persistTimer: NodeJS.Timeout;
  /** Registry clients of the registry serializers (schemas cached per connection). */
  private readonly avro: AvroResolver;
  private disposed = false;

  /** `resume: false` leaves saved running producers alone (the headless `producer start` runner). */
  constructor(context: EngineContext, options: { resume?: boolean } = {}) {
    this.context = context;
    this.repo = new ProducersRepo(context.db, context.secrets);
    this.avro = context.registry;
    this.throttle = new StatusThrottle((status) => {
      if (!this.disposed) context.events.emit('producers:status', status);
    });
    this.persistTimer = setInterval(() => this.persistCounts(), PERSIST_EVERY_MS);
    this.persistTimer.unref();
    if (options.resume !== false) this.resume();
  }

  handlers() {
    return {
      'producers:list': () => this.repo.list().map((stored) => this.view(stored)),
      'producers:save': async (input) => {
        if (input.schedule.trigger.kind === 'cron') checkCron(input.schedule.trigger.expression);
        if (input.source.kind === 'iss' && input.source.tle.trim() !== '') parseTle(input.source.tle);
        this.context.connections.get(input.connectionId);
        checkRegistryProducer(input, this.avro);
        const runner = input.id ? this.runners.get(input.id) : undefined;
        const wasRunning = runner?.running ?? false;
        if (runner) {
          await runner.stop();
          this.runners.delete(runner.definition.id);
        }
        const definition = this.repo.save(input);
        if (wasRunning) this.runner(definition.id).start();
        return this.view(this.repo.get(definition.id));
      },
      'producers:remove': async ({ id }) => {
        const runner = this.runners.get(id);
        if (runner) await runner.stop();
        this.runners.delete(id);
        return { removed: this.repo.remove(id) };
      },
      'producers:start': ({ id }) => {
        const runner = this.runner(id);
        // The connection may have lost its registry URL since the producer was saved.
        if (!runner.running) checkRegistryProducer(runner.definition, this.avro);
        runner.start();
        this.repo.setDesired(id, 'running');
        return runner.snapshot();
      },
      'producers:pause': ({ id }) => {
        const runner = this.runner(id);
        runner.pause();
        if (runner.running) this.repo.setDesired(id, 'paused');
        return runner.snapshot();
      },
      'producers:command': (command) => this.applyCommand(command),
      'producers:stop': async ({ id }) => {
        const runner = this.runner(id);
        this.repo.setDesired(id, 'stopped');
        await runner.stop();
        return runner.snapshot();
      },
      'producers:resetCounts': ({ id }) => {
        const runner = this.runner(id);
        if (!runner.running) runner.resetCounts();
        return runner.snapshot();
      },
      'producers:ensureTopic': async ({ connectionId, topic, partitions }) => {
        const created = await this.context.kafka.admin(connectionId, async (admin) => {
          const existing = await admin.listTopics();
          if (existing.includes(topic)) return false;
          return admin.createTopicsAndWait([{ topic, numPartitions: partitions }]);
        });
        return { created };
      },
      'producers:recipe': async ({ connectionId, recipe, start }) => {
        const plan = recipePlan(recipe);
        await this.context.kafka.admin(connectionId, async (admin) => {
          const existing = new Set(await admin.listTopics());
          const missing = plan.topics.filter((t) => !existing.has(t.name));
          if (missing.length > 0) await admin.createTopicsAndWait(missing.map((t) => ({ topic: t.name, numPartitions: t.partitions })));
        });
        const previous = this.repo.findByName(plan.producer.name);
        const input = producerInputSchema.parse({ ...plan.producer, connectionId, ...(previous ? { id: previous.definition.id } : {}) });
        if (previous) {
          await this.runners.get(previous.definition.id)?.stop();
          this.runners.delete(previous.definition.id);
        }
        const definition = this.repo.save(input);
        if (start) {
          this.runner(definition.id).start();
          this.repo.setDesired(definition.id, 'running');
        }
        return this.view(this.repo.get(definition.id));
      },
    } satisfies ReturnType<EngineFeature<ProducerMethod>['handlers']>;
  }

  /**
   * A CLI command, applied through the handlers the UI calls. Verbs that would do nothing say so in
   * the message; ones that make no sense in the current state fail with a message the CLI prints.
   */
  private async applyCommand(command: { id: string; verb: 'start' | 'stop' | 'pause' | 'resume' }): Promise<{
    message: string | null;
    status: ProducerStatus;
  }> {
    const { definition } = this.repo.get(command.id);
    const handlers = this.handlers();
    const before = this.runners.get(definition.id)?.snapshot().state ?? 'stopped';
    const active = this.runners.get(definition.id)?.running ?? false;
    const id = { id: definition.id };
    switch (command.verb) {
      case 'start':
      case 'resume':
        if (before === 'paused') return { message: 'resumed', status: await this.settled(handlers['producers:start'](id)) };
        if (active) return { message: `already ${before}`, status: handlers['producers:start'](id) };
        if (command.verb === 'resume') {
          throw new WorkbenchError('CONFLICT', `Producer "${definition.name}" is ${before}, not paused; use \`producer start\``);
        }
        return { message: null, status: await this.settled(handlers['producers:start'](id)) };
      case 'pause':
        if (!active)
          throw new WorkbenchError('CONFLICT', `Producer "${definition.name}" is ${before}; only a running producer can be paused`);
        return { message: before === 'paused' ? 'already paused' : null, status: handlers['producers:pause'](id) };
      case 'stop':
        return { message: active ? null : `already ${before}`, status: await handlers['producers:stop'](id) };
    }
  }

  /** Waits (bounded) until a start has connected or failed, so the CLI prints the state it led to. */
  private async settled(status: ProducerStatus): Promise<ProducerStatus> {
    const deadline = Date.now() + 15_000;
    let current = status;
    while (current.state === 'starting' && Date.now() < deadline && !this.disposed) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      current = this.runners.get(status.id)?.snapshot() ?? current;
    }
    return current;
  }

  /** Starts the producers that were running (or paused) when the engine last stopped. */
  private resume(): void {
    for (const stored of this.repo.list()) {
      if (stored.desired === 'stopped') continue;
      try {
        const runner = this.runner(stored.definition.id);
        runner.start({ resume: true });
        if (stored.desired === 'paused') runner.pause();
      } catch (error) {
        this.context.log('error', `resuming producer ${stored.definition.name}: ${String(error)}`);
      }
    }
  }

  private runner(id: string): ProducerRunner {
    let runner = this.runners.get(id);
    if (runner) return runner;
    const stored = this.repo.get(id);
    const { definition } = stored;
    runner = new ProducerRunner(
      definition,
      stored.counts,
      {
        engine: () =>
          new KafkaSendEngine(
            this.context.connections.get(definition.connectionId),
            this.context.connections.password(definition.connectionId),
            definition.topic,
            definition.config,
          ),
        describe: (error) => describeKafkaError(error, this.context.connections.get(definition.connectionId).bootstrapServers),
        checkTopic: async () => {
          const topics = await this.context.kafka.admin(definition.connectionId, (admin) => admin.listTopics());
          if (!topics.includes(definition.topic)) {
            throw new WorkbenchError(
              'NOT_FOUND',
              `Topic ${definition.topic} does not exist; create it (Producers → Edit, or the Topics page) and start again`,
            );
          }
        },
        resolveSchema: () => resolveProducerSchema(definition, this.avro),
        onStatus: (status, urgent) => this.throttle.push(status, urgent),
        onCounts: (counts) => this.saveCounts(id, counts),
        onSessionSent: (sent, counts) => {
          if (!this.disposed) this.repo.setProgress(id, sent, counts);
        },
        onFinished: () => this.repo.setDesired(id, 'stopped'),
        log: (level, message) => this.context.log(level, message),
      },
      stored.sessionSent,
    );
    this.runners.set(id, runner);
    return runner;
  }

  private saveCounts(id: string, counts: Counts): void {
    if (this.disposed) return;
    if (this.repo.find(id)) this.repo.setCounts(id, counts);
  }

  private persistCounts(): void {
    for (const [id, runner] of this.runners) {
      if (runner.running) {
        const { sent, bytes, errors } = runner.snapshot();
        this.saveCounts(id, { sent, bytes, errors });
      }
    }
  }

  private view(stored: StoredProducer): ProducerView {
    const runner = this.runners.get(stored.definition.id);
    const status: ProducerStatus = runner
      ? runner.snapshot()
      : {
          id: stored.definition.id,
          state: 'stopped',
          ...stored.counts,
          rate: 0,
          lastError: null,
          lastRecord: null,
          deliveryErrors: [],
          updatedAt: Date.now(),
        };
    // Listed without credentials: secret header values and URL user info are shown sealed.
    return { definition: splitSecrets(stored.definition).stored, status };
  }

  async dispose(): Promise<void> {
    clearInterval(this.persistTimer);
    // Stop without touching the wanted state: a producer running at quit runs again at the next start.
    await Promise.all([...this.runners.values()].map((runner) => runner.stop()));
    this.disposed = true;
    this.throttle.dispose();
  }
}
