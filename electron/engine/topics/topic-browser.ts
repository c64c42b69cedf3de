import { WorkbenchError } from '../../../shared/errors.js';
import type { EngineContext, EngineFeature } from '../context.js';
import { followGroupReset, groupPipelines } from '../pipelines/group-pipelines.js';
import { brokerConfigs } from './broker-configs.js';
import { checkFilter } from './filter.js';
import { ConsumerGroups } from './groups.js';
import { readPage } from './message-browser.js';
import { PageReaders } from './page-readers.js';
import { MessageProducer } from './produce.js';
import { ScanRegistry } from './scan.js';
import { exportScan } from './scan-export.js';
import { TailRegistry } from './tail.js';
import { TopicAdmin } from './topic-admin.js';
import type { AvroResolver } from '../schema-registry/avro-resolver.js';
import { topicStats } from './topic-stats.js';
import { diskUsage } from './disk-usage.js';
import { kafkaVersion } from './kafka-version.js';
import type { topicBrowserMethods } from '../../../shared/topic-browser.js';

type TopicBrowserMethod = keyof typeof topicBrowserMethods;

/** The topic browser: topic admin, message pages, scans, tails, produce, consumer groups. */
export class TopicBrowser implements EngineFeature<TopicBrowserMethod> {
  private readonly context: EngineContext;
  private readonly topics: TopicAdmin;
  private readonly groups: ConsumerGroups;
  private readonly producer: MessageProducer;
  private readonly scans: ScanRegistry;
  private readonly tails: TailRegistry;
  /** Avro via the connection's schema registry: decodes pages, tails and scan results; encodes produce. */
  private readonly avro: AvroResolver;
  private readonly scanConnections = new Map<string, string>();
  private readonly pageReaders: PageReaders;

  constructor(context: EngineContext) {
    this.context = context;
    this.avro = context.registry;
    this.topics = new TopicAdmin(context.kafka);
    this.groups = new ConsumerGroups(context.kafka);
    this.producer = new MessageProducer(context.kafka, this.avro);
    this.scans = new ScanRegistry(context.kafka, context.events);
    this.pageReaders = new PageReaders(context.kafka);
    this.tails = new TailRegistry(context.kafka, context.events, (connectionId, messages) => this.avro.annotate(connectionId, messages));
  }

  handlers(): EngineFeature<TopicBrowserMethod>['handlers'] extends () => infer H ? H : never {
    return {
      'topics:stats': ({ connectionId, includeInternal }) => topicStats(this.context.kafka, connectionId, includeInternal),
      'brokers:configs': ({ connectionId, nodeId }) => brokerConfigs(this.context.kafka, connectionId, nodeId),
      'cluster:diskUsage': ({ connectionId, topics }) => diskUsage(this.context.kafka, connectionId, topics),
      'cluster:kafkaVersion': ({ connectionId }) => kafkaVersion(this.context.kafka, connectionId),
      'topics:describe': ({ connectionId, topic }) => this.topics.describe(connectionId, topic),
      'topics:create': ({ connectionId, ...input }) => this.topics.create(connectionId, input),
      'topics:delete': ({ connectionId, topic }) => this.topics.delete(connectionId, topic),
      'topics:addPartitions': ({ connectionId, topic, count }) => this.topics.addPartitions(connectionId, topic, count),
      'topics:alterConfig': ({ connectionId, topic, name, value }) => this.topics.alterConfig(connectionId, topic, name, value),

      'messages:read': async ({ connectionId, ...request }) => {
        const page = await readPage(this.context.kafka, connectionId, request, this.pageReaders.get(connectionId));
        return { ...page, messages: await this.avro.annotate(connectionId, page.messages) };
      },
      'messages:produce': (request) => this.producer.produce(request),
      'messages:checkFilter': ({ expression }) => {
        const error = checkFilter(expression);
        return error === null ? { ok: true } : { ok: false, error };
      },
      'messages:scanStart': async (request) => {
        const scanId = await this.scans.start(request);
        this.scanConnections.set(scanId, request.connectionId);
        // Only recent scans are paged; forget the oldest so the map cannot grow without bound.
        if (this.scanConnections.size > 200) this.scanConnections.delete(this.scanConnections.keys().next().value ?? '');
        return { scanId };
      },
      'messages:scanCancel': ({ id }) => ({ cancelled: this.scans.cancel(id) }),
      'messages:scanResults': async ({ id, offset, limit }) => {
        const results = this.scans.results(id, offset, limit);
        const connectionId = this.scanConnections.get(id);
        return connectionId === undefined ? results : { ...results, messages: await this.avro.annotate(connectionId, results.messages) };
      },
      'messages:scanExport': async ({ id, format, folder, fileName }) => {
        const { progress } = this.scans.results(id, 0, 0);
        if (progress.state === 'running')
          throw new WorkbenchError('CONFLICT', 'The scan is still running; wait for it to finish or cancel it, then export');
        const total = progress.matched;
        return exportScan({
          format,
          folder,
          fileName,
          total,
          page: (offset, limit) => this.scans.results(id, offset, limit).messages,
          onProgress: (written) => {
            this.context.events.emit('messages:exportProgress', { scanId: id, written, total });
          },
        });
      },
      'messages:tailStart': async ({ connectionId, topic, partition, isolation, tailId }) => ({
        tailId: await this.tails.start(connectionId, topic, partition, isolation, tailId),
      }),
      'messages:tailStop': async ({ id }) => ({ stopped: await this.tails.stop(id) }),

      'groups:list': ({ connectionId, topic }) => this.groups.list(connectionId, topic),
      'groups:describe': async ({ connectionId, groupId }) => ({
        ...(await this.groups.describe(connectionId, groupId)),
        pipelines: groupPipelines(this.context.db, connectionId, groupId),
      }),
      'groups:resetOffsets': async ({ connectionId, groupId, topic, to }) => {
        const pipelines = groupPipelines(this.context.db, connectionId, groupId);
        let offsets: { partition: number; offset: number }[];
        try {
          offsets = await this.groups.resetOffsets(connectionId, groupId, topic, to);
        } catch (error) {
          // A running pipeline is a member of its group: name it rather than "its consumers".
          if (error instanceof WorkbenchError && error.code === 'CONFLICT' && pipelines.length > 0) {
            throw new WorkbenchError(
              'CONFLICT',
              `Consumer group ${groupId} is read by the pipeline ${pipelines.map((p) => `"${p.name}"`).join(', ')}: stop it on the Pipelines page before resetting offsets`,
            );
          }
          throw error;
        }
        return { partitions: offsets.length, pipelines: followGroupReset(this.context.db, connectionId, groupId, topic, offsets) };
      },
      'groups:delete': ({ connectionId, groupId }) => this.groups.delete(connectionId, groupId),
    };
  }

  async dispose(): Promise<void> {
    this.scans.dispose();
    await this.tails.dispose();
    await this.pageReaders.dispose();
    await this.producer.dispose();
  }
}
