import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { producerInputSchema, type ProducerStatus } from '../shared/producers.js';
import { EventBus } from '../electron/engine/event-bus.js';
import { KafkaClients } from '../electron/engine/kafka/kafka-clients.js';
import { ProducersFeature } from '../electron/engine/producers/producers-feature.js';
import { KeyFileSecretBox } from '../electron/engine/secrets/key-file-secret-box.js';
import { ConnectionsRepo } from '../electron/engine/store/connections-repo.js';
import { openDatabase } from '../electron/engine/store/db.js';

/**
 * The app's embedded producer (the engine's producers feature, its SQLite store, status events and
 * batch sender) sending `n` copies of a 256-byte record as fast as possible, acks=1, no
 * compression, on the given client library. Batching matches the bare client loops: ~1,000 records (256 kB) per request.
 * Timed from the producer's "running" (connected) to "finished" (every record acknowledged).
 */
export async function embeddedProducerRate(bootstrap: string[], topic: string, n: number, record: string, tmpDir: string, client: 'kafkajs' | 'platformatic' = 'kafkajs'): Promise<{ rate: number; rssBefore: number; rssAfter: number }> {
  const dir = mkdtempSync(join(tmpDir, 'embedded-'));
  const db = openDatabase(join(dir, 'workbench.sqlite'));
  const connections = new ConnectionsRepo(db, new KeyFileSecretBox(join(dir, 'secret.key')));
  const kafka = new KafkaClients({ connection: (id) => connections.get(id), password: (id) => connections.password(id) });
  const events = new EventBus();
  const feature = new ProducersFeature({ dataDir: dir, db, connections, kafka, events, log: () => undefined }, { resume: false });
  try {
    const connection = connections.save({ name: 'bench', bootstrapServers: bootstrap });
    const handlers = feature.handlers();
    const view = await handlers['producers:save'](
      producerInputSchema.parse({
        name: 'bench',
        connectionId: connection.id,
        topic,
        source: { kind: 'manual', value: record },
        serializer: 'string',
        schedule: { trigger: { kind: 'continuous' }, perRun: 1000, maxMessages: n },
        config: { client, acks: '1', compression: 'none', lingerMs: 5, batchSize: 1000 * record.length, maxInFlight: 5 },
      }),
    );
    const id = view.definition.id;
    let started = 0;
    const rssBefore = process.memoryUsage().rss;
    const final = await new Promise<ProducerStatus>((resolve) => {
      events.on('producers:status', (status) => {
        if (status.id !== id) return;
        if (status.state === 'running' && started === 0) started = performance.now();
        if (status.state === 'finished' || status.state === 'failed') resolve(status);
      });
      handlers['producers:start']({ id });
    });
    const seconds = (performance.now() - started) / 1000;
    if (final.state !== 'finished' || final.sent !== n) throw new Error(`embedded producer ended ${final.state} with ${final.sent}/${n} sent: ${final.lastError ?? ''}`);
    return { rate: n / seconds, rssBefore, rssAfter: process.memoryUsage().rss };
  } finally {
    await feature.dispose();
    await kafka.dispose();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
