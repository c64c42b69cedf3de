// `npx tsx bench/producers-soak.ts [--minutes 10] [--rate 1000]`: runs one embedded producer (the
// engine's producers feature) at a fixed rate against a fresh local cluster and samples the
// process RSS, to show that a long-running producer keeps memory flat.
import { createEngineContext } from '../electron/engine/engine-context.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { producerInputSchema } from '../shared/producers.js';
import { LocalCluster } from '../electron/engine/cluster/local-cluster.js';
import { findFreePortBlock } from '../electron/engine/cluster/ports.js';
import { resolveCacheDir } from '../electron/engine/paths.js';
import { ProducersFeature } from '../electron/engine/producers/producers-feature.js';
import { openDatabase } from '../electron/engine/store/db.js';
import { createTopic, record256 } from './topics.js';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' }, rate: { type: 'string', default: '1000' } } });
const minutes = Number(values.minutes);
const rate = Number(values.rate);
const work = mkdtempSync(join(tmpdir(), 'kwb-soak-'));
const cluster = new LocalCluster({ dataDir: join(work, 'kafka'), cacheDir: resolveCacheDir() });
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
try {
  const status = await cluster.start({ brokers: 1, port: await findFreePortBlock(2, 31_000, 32_000) });
  const topic = `soak-${Date.now()}`;
  await createTopic(status.bootstrapServers, topic, 3);
  const db = openDatabase(join(work, 'workbench.sqlite'));
  const context = createEngineContext({ dataDir: work, db, log: () => undefined });
  const { connections, kafka, events } = context;
  let statusEvents = 0;
  events.on('producers:status', () => statusEvents++);
  const feature = new ProducersFeature(context, { resume: false });
  const handlers = feature.handlers();
  const connection = connections.save({ name: 'soak', bootstrapServers: status.bootstrapServers });
  const view = await handlers['producers:save'](
    producerInputSchema.parse({
      name: 'soak',
      connectionId: connection.id,
      topic,
      source: { kind: 'manual', value: record256(0) },
      serializer: 'string',
      schedule: { trigger: { kind: 'continuous' }, perRun: 100 },
      config: { acks: '1', rateLimit: rate },
    }),
  );
  handlers['producers:start']({ id: view.definition.id });
  const started = Date.now();
  const samples: { s: number; rss: number; sent: number }[] = [];
  while (Date.now() - started < minutes * 60_000) {
    await new Promise((r) => setTimeout(r, 30_000));
    global.gc?.();
    const list = handlers['producers:list']();
    const sent = list[0]?.status.sent ?? 0;
    samples.push({ s: Math.round((Date.now() - started) / 1000), rss: process.memoryUsage().rss, sent });
    console.log(`t=${samples.at(-1)?.s}s rss=${mib(process.memoryUsage().rss)} heap=${mib(process.memoryUsage().heapUsed)} sent=${sent}`);
  }
  const final = await handlers['producers:stop']({ id: view.definition.id });
  const first = samples[0];
  const last = samples.at(-1);
  console.log(
    `soak: ${minutes} min at ${rate} msg/s: sent ${final.sent}, errors ${final.errors}, status events ${statusEvents}; RSS after 30 s ${mib(first?.rss ?? 0)}, at the end ${mib(last?.rss ?? 0)}, max ${mib(Math.max(...samples.map((x) => x.rss)))}`,
  );
  await feature.dispose();
  await kafka.dispose();
  db.close();
} finally {
  await cluster.stop().catch(() => undefined);
  await cluster.dispose();
  rmSync(work, { recursive: true, force: true });
}
process.exit(0);
