import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Connection } from '../../shared/connection.js';
import type { ClusterOverview } from '../../shared/cluster.js';
import type { DiskUsage, KafkaVersion } from '../../shared/topic-browser.js';
import type { Engine } from '../../electron/engine/engine.js';
import { selectKafkaVersion } from '../../electron/engine/cluster/kafka-jars.js';
import { data, tempDir, testEngine, uniqueName } from '../helpers.js';
import { produce } from '../kafka.js';

const bootstrap = inject('kafkaBootstrap');
const dir = tempDir('topics-disk-usage');
const topic = uniqueName('topics-disk');
const RECORDS = 400;
const VALUE_BYTES = 1_000;
let engine: Engine;
let connectionId: string;

const usage = async (topics?: string[]) =>
  data<DiskUsage>(await engine.dispatch('cluster:diskUsage', { connectionId, ...(topics ? { topics } : {}) }));

beforeAll(async () => {
  engine = testEngine(dir.path);
  connectionId = data<Connection>(await engine.dispatch('connections:save', { name: 'suite', bootstrapServers: bootstrap.split(',') })).id;
  data(await engine.dispatch('topics:create', { connectionId, topic, partitions: 2, replicationFactor: 1, configs: [] }));
  // Partition 0 gets all records (uncompressed, so the log holds at least their bytes); partition 1 stays empty.
  await produce(
    bootstrap,
    Array.from({ length: RECORDS }, (_, i) => ({
      topic,
      partition: 0,
      value: `${String(i).padStart(8, '0')}${'v'.repeat(VALUE_BYTES - 8)}`,
    })),
  );
});
afterAll(async () => {
  await engine.dispose();
  dir.remove();
});

describe('size on disk (DescribeLogDirs)', () => {
  it('reports the bytes of each partition, the topic, and every broker log dir', async () => {
    const payload = RECORDS * VALUE_BYTES;
    let all = await usage();
    await expect
      .poll(async () => (all = await usage()).topics.find((t) => t.topic === topic)?.sizeBytes ?? 0, { timeout: 30_000 })
      .toBeGreaterThanOrEqual(payload);
    const mine = all.topics.find((t) => t.topic === topic);
    console.log(
      `[figure] DescribeLogDirs for ${all.topics.length} topics on ${all.brokers.length} broker(s): ${all.tookMs} ms; ${topic}: ${mine?.sizeBytes} bytes for ${payload} payload bytes`,
    );
    expect(mine?.partitions.map((p) => p.partition)).toEqual([0, 1]);
    const [p0, p1] = mine?.partitions ?? [];
    // Record batches add headers, not much more: within 10% of the payload.
    expect(p0?.sizeBytes).toBeGreaterThanOrEqual(payload);
    expect(p0?.sizeBytes).toBeLessThan(payload * 1.1);
    expect(p1?.sizeBytes).toBe(0);
    expect(p0?.replicas).toBe(1);
    expect(mine?.allReplicasBytes).toBe(mine?.sizeBytes);

    const overview = data<ClusterOverview>(await engine.dispatch('cluster:overview', { connectionId }));
    expect(all.brokers.map((b) => b.nodeId).sort()).toEqual(overview.brokers.map((b) => b.nodeId).sort());
    const total = all.brokers.reduce((sum, b) => sum + b.sizeBytes, 0);
    const everyTopic = all.topics.reduce((sum, t) => sum + t.allReplicasBytes, 0);
    expect(total).toBe(everyTopic);
    for (const broker of all.brokers) {
      expect(broker.logDirs.length).toBeGreaterThan(0);
      for (const logDir of broker.logDirs) {
        expect(logDir.path).toMatch(/\//);
        // Kafka 3.3+ (DescribeLogDirs v4) also reports the volume.
        expect(logDir.totalBytes).toBeGreaterThan(0);
        expect(logDir.usableBytes).toBeLessThanOrEqual(logDir.totalBytes ?? 0);
      }
    }
  });

  it('narrows to the topics asked for', async () => {
    const one = await usage([topic]);
    expect(one.topics.map((t) => t.topic)).toEqual([topic]);
  });

  it('says which topic does not exist instead of failing obscurely', async () => {
    const envelope = await engine.dispatch('cluster:diskUsage', { connectionId, topics: ['no-such-topic-' + topic] });
    if (envelope.ok) expect((envelope.data as DiskUsage).topics).toEqual([]);
    else expect(envelope.error.message.length).toBeGreaterThan(0);
  });
});

describe('Kafka version', () => {
  it('infers a lower bound from ApiVersions that the local cluster release satisfies, and says it is inferred', async () => {
    const version = data<KafkaVersion>(await engine.dispatch('cluster:kafkaVersion', { connectionId }));
    // The release the suite runs (KWB_KAFKA_VERSION picks 3.9.2 in `npm run test:compat`).
    const release = selectKafkaVersion();
    console.log(`[figure] local Kafka ${release}: inferred "${version.version}" — ${version.basis}`);
    expect(version.basis).toMatch(/^Inferred from ApiVersions/);
    const bound = /^(\d+)\.(\d+) or newer$/.exec(version.version ?? '');
    expect(bound).not.toBeNull();
    const [major, minor] = release.split('.').map(Number);
    const lower = [Number(bound?.[1]), Number(bound?.[2])] as const;
    // The bound is at or below the real release, and recent enough to be useful (same major release).
    expect(lower[0] < (major ?? 0) || (lower[0] === major && lower[1] <= (minor ?? 0))).toBe(true);
    expect(lower[0]).toBe(major);
  });
});
