import type { Pipeline, PipelineStatus } from '../shared/pipelines.js';
import type { ProducerView } from '../shared/producers.js';
import type { Benchmark } from './context.js';
import type { BenchRow, Measurement } from './harness.js';
import { benchEngine, data } from './engine.js';
import { sensorPipeline } from './pipeline.bench.js';
import { createTopic } from './topics.js';

const RATE = 1_000;
const MIB = 2 ** 20;

/**
 * `npm run bench -- --long`: the engine's RSS over a 10-minute run at 1,000 msg/s: an embedded S3
 * sensors producer (as bench/producers-soak.ts runs it: continuous, 100 per run, rate limit) into a
 * 3-partition topic that a running pipeline (the throughput benchmark's windows and watermark)
 * reads at the same time. The peer is the same engine's RSS after the first sample, so the ratio
 * says whether memory stays flat once warm.
 */
export const longBench: Benchmark = {
  name: 'long',
  summary: 'engine RSS over 10 minutes at 1,000 msg/s (embedded producer + running pipeline)',
  async run(ctx) {
    const seconds = ctx.options.smoke ? 12 : 600;
    const sampleMs = ctx.options.smoke ? 3_000 : 30_000;
    ctx.log(`long: ${seconds} s at ${RATE} msg/s, RSS sampled every ${sampleMs / 1000} s`);
    const topic = `bench-long-${Date.now()}`;
    await createTopic(ctx.bootstrap, topic, 3);
    const { engine, connectionId } = await benchEngine(ctx, 'long');
    try {
      const base = sensorPipeline(connectionId, topic, `bench-long-${Date.now()}`);
      // The producer's S3 readings carry no `seq`: the same pipeline without it.
      const pipeline = data<Pipeline>(
        await engine.dispatch('pipelines:save', {
          ...base,
          projection: (base.projection ?? []).filter((c) => c.column !== 'seq'),
          ...(base.aggregation
            ? { aggregation: { ...base.aggregation, aggregates: base.aggregation.aggregates.filter((a) => a.column !== 'seq') } }
            : {}),
        }),
      );
      const producer = data<ProducerView>(
        await engine.dispatch('producers:save', {
          name: 'long',
          connectionId,
          topic,
          source: { kind: 'sensors' },
          key: { kind: 'field', path: 'sensor_id' },
          serializer: 'json',
          schedule: { trigger: { kind: 'continuous' }, perRun: 100 },
          config: { acks: '1', rateLimit: RATE },
        }),
      );
      data(await engine.dispatch('pipelines:start', { id: pipeline.id }));
      data(await engine.dispatch('producers:start', { id: producer.definition.id }));
      const started = Date.now();
      const samples: number[] = [];
      let maxRss = 0;
      while (Date.now() - started < seconds * 1000) {
        await new Promise((done) => setTimeout(done, sampleMs));
        const { rss, heapUsed } = process.memoryUsage();
        samples.push(rss / MIB);
        maxRss = Math.max(maxRss, rss);
        const status = data<PipelineStatus>(await engine.dispatch('pipelines:status', { id: pipeline.id }));
        const sent =
          data<ProducerView[]>(await engine.dispatch('producers:list', undefined)).find((p) => p.definition.id === producer.definition.id)
            ?.status.sent ?? 0;
        ctx.log(
          `long: t=${Math.round((Date.now() - started) / 1000)} s rss=${(rss / MIB).toFixed(1)} MiB heap=${(heapUsed / MIB).toFixed(1)} MiB sent=${sent} pipeline in=${status.recordsIn} late=${status.lateRows}`,
        );
      }
      const final = data<{ sent: number; errors: number }>(await engine.dispatch('producers:stop', { id: producer.definition.id }));
      const deadline = Date.now() + 30_000;
      let status = data<PipelineStatus>(await engine.dispatch('pipelines:status', { id: pipeline.id }));
      while (status.recordsIn < final.sent && Date.now() < deadline) {
        await new Promise((done) => setTimeout(done, 100));
        status = data<PipelineStatus>(await engine.dispatch('pipelines:status', { id: pipeline.id }));
      }
      data(await engine.dispatch('pipelines:stop', { id: pipeline.id }));
      const rate = final.sent / seconds;
      if (final.errors > 0 || rate < RATE * 0.9)
        throw new Error(`long run: ${final.sent} sent (${rate.toFixed(0)} msg/s), ${final.errors} errors`);
      if (status.recordsIn !== final.sent) throw new Error(`long run: the pipeline read ${status.recordsIn} of ${final.sent} records`);
      const first = samples[0] ?? NaN;
      const last = samples.at(-1) ?? NaN;
      const end: Measurement = { value: last, unit: 'MiB', runs: samples };
      const warm: Measurement = { value: first, unit: 'MiB', runs: [first] };
      const ratio = first > 0 ? last / first : null;
      const row: BenchRow = {
        benchmark: `engine RSS, producer + pipeline at ${RATE.toLocaleString('en-US')} msg/s for ${seconds >= 60 ? `${Math.round(seconds / 60)} min` : `${seconds} s`}`,
        ours: { label: 'RSS at the end', m: end },
        peer: { label: `same engine after ${sampleMs / 1000} s`, m: warm },
        ratio,
        target: '≤ 1.2× (flat once warm)',
        pass: ratio === null ? null : ratio <= 1.2,
        note: `max ${(maxRss / MIB).toFixed(1)} MiB; ${final.sent} sent, ${status.recordsIn} read by the pipeline, ${status.lateRows} late`,
      };
      return [row];
    } finally {
      await engine.dispose();
    }
  },
};
