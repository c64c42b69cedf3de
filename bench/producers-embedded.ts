import type { ProducerStatus, ProducerView } from '../shared/producers.js';
import type { BenchContext } from './context.js';
import { benchEngine, data } from './engine.js';

/**
 * The app's embedded producer (the whole engine: producers feature, its SQLite store, status events
 * and batch sender) sending `n` copies of a 256-byte record as fast as possible, acks=1, no
 * compression. Batching matches the bare client loop: ~1,000 records (256 kB) per request, 5 in flight.
 * Timed from the producer's "running" (connected) to "finished" (every record acknowledged).
 * Driven through engine.dispatch, the contract's methods, so it does not depend on the feature's internals.
 */
export async function embeddedProducerRate(
  ctx: BenchContext,
  topic: string,
  n: number,
  record: string,
  name = 'embedded',
): Promise<{ rate: number; rssBefore: number; rssAfter: number }> {
  const { engine, connectionId } = await benchEngine(ctx, `${name}-${Date.now()}`);
  try {
    const view = data<ProducerView>(
      await engine.dispatch('producers:save', {
        name: 'bench',
        connectionId,
        topic,
        source: { kind: 'manual', value: record },
        serializer: 'string',
        schedule: { trigger: { kind: 'continuous' }, perRun: 1000, maxMessages: n },
        // `client` picks @platformatic/kafka while the setting exists (it goes away with kafkajs; an unknown key is dropped by the schema).
        config: { client: 'platformatic', acks: '1', compression: 'none', lingerMs: 5, batchSize: 1000 * record.length, maxInFlight: 5 },
      }),
    );
    const id = view.definition.id;
    let started = 0;
    const rssBefore = process.memoryUsage().rss;
    let off = () => undefined as void;
    const final = await new Promise<ProducerStatus>((resolve, reject) => {
      off = engine.events.on('producers:status', (status) => {
        if (status.id !== id) return;
        if (status.state === 'running' && started === 0) started = performance.now();
        if (status.state === 'finished' || status.state === 'failed') resolve(status);
      });
      engine.dispatch('producers:start', { id }).then((envelope) => {
        if (!envelope.ok) reject(new Error(`${envelope.error.code}: ${envelope.error.message}`));
      }, reject);
    });
    off();
    const seconds = (performance.now() - started) / 1000;
    if (final.state !== 'finished' || final.sent !== n)
      throw new Error(`embedded producer ended ${final.state} with ${final.sent}/${n} sent: ${final.lastError ?? ''}`);
    return { rate: n / seconds, rssBefore, rssAfter: process.memoryUsage().rss };
  } finally {
    await engine.dispose();
  }
}
