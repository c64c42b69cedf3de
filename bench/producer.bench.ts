import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { rawProduceLoop } from '../electron/engine/kafka/bench-loops.js';
import type { Benchmark } from './context.js';
import { measureEach, ratioFields, type BenchRow } from './harness.js';
import { ensureKcat, ensurePerfTools, pipeFileTo, runKafkaTool } from './peers.js';
import { embeddedProducerRate } from './producers-embedded.js';
import { benchOptions, createTopic, record256 } from './topics.js';

/** Producer throughput: 256-byte records, acks=1, no compression, 3 partitions, as fast as possible. */
export const producerBench: Benchmark = {
  name: 'producer',
  summary: 'producer throughput, 256-byte records, acks=1, 3 partitions',
  async run(ctx) {
    const n = ctx.options.smoke ? 2_000 : 300_000;
    const file = join(ctx.tmpDir, `records-${n}.txt`);
    const out = createWriteStream(file);
    for (let i = 0; i < n; i++) out.write(record256(i) + '\n');
    out.end();
    await finished(out);
    ctx.versions.kcat = ensureKcat();
    const tools = await ensurePerfTools(ctx.cacheDir);
    let seq = 0;
    const topic = async (side: string) => {
      const name = `bench-producer-${side}-${Date.now()}-${seq++}`;
      await createTopic(ctx.bootstrap, name, 3);
      return name;
    };

    // Four sides, interleaved run by run (measureEach). The bare client: @platformatic/kafka's
    // producer, 4 concurrent sends of 1,000 records, acks=1 — the batching the embedded producer is
    // configured with; then the embedded producer, kcat -P and Kafka's ProducerPerformance.
    const { clientLoop, embedded, kcat, perfTest } = await measureEach(
      ctx.options,
      {
        clientLoop: {
          unit: 'msg/s',
          once: async () =>
            rawProduceLoop(benchOptions(ctx.bootstrap), await topic('client'), n, record256, { acks: 1, batch: 1_000, inFlight: 4 }),
        },
        embedded: { unit: 'msg/s', once: async () => (await embeddedProducerRate(ctx, await topic('embedded'), n, record256(0))).rate },
        kcat: {
          unit: 'msg/s',
          once: async () => {
            const t = await topic('kcat');
            const started = performance.now();
            await pipeFileTo('kcat', ['-P', '-b', ctx.bootstrap.join(','), '-t', t, '-X', 'acks=1', '-z', 'none'], file);
            return n / ((performance.now() - started) / 1000);
          },
        },
        perfTest: {
          unit: 'msg/s',
          once: async () => {
            const t = await topic('perf');
            const stdout = await runKafkaTool(tools, 'org.apache.kafka.tools.ProducerPerformance', [
              '--topic',
              t,
              '--num-records',
              String(n),
              '--record-size',
              '256',
              '--throughput',
              '-1',
              '--producer-props',
              `bootstrap.servers=${ctx.bootstrap.join(',')}`,
              'acks=1',
              'compression.type=none',
            ]);
            const rate = /records sent, ([\d.]+) records\/sec/.exec(stdout.trim().split('\n').at(-1) ?? '')?.[1];
            if (!rate) throw new Error(`unexpected ProducerPerformance output: ${stdout.slice(-300)}`);
            return Number(rate);
          },
        },
      },
      ctx.log,
    );

    const label = `producer ${n.toLocaleString('en-US')} × 256 B`;
    const embeddedVsKcat = ratioFields(embedded, kcat);
    const embeddedVsLoop = ratioFields(embedded, clientLoop);
    const rows: BenchRow[] = [
      {
        benchmark: label,
        ours: { label: 'embedded producer', m: embedded },
        peer: { label: 'kcat -P', m: kcat },
        ...embeddedVsKcat,
        target: '≥ 0.5× kcat',
        pass: embeddedVsKcat.ratio === null ? null : embeddedVsKcat.ratio >= 0.5,
      },
      {
        benchmark: label,
        ours: { label: 'embedded producer', m: embedded },
        peer: { label: '@platformatic/kafka loop, same batching', m: clientLoop },
        ...embeddedVsLoop,
        target: 'overhead ≤ 10% (≥ 0.9×)',
        pass: embeddedVsLoop.ratio === null ? null : embeddedVsLoop.ratio >= 0.9,
      },
      {
        benchmark: label,
        ours: { label: '@platformatic/kafka loop', m: clientLoop },
        peer: { label: 'kcat -P', m: kcat },
        ...ratioFields(clientLoop, kcat),
        target: "report (the client's own ceiling)",
        pass: null,
        note: 'the bare client the embedded producer is built on',
      },
      {
        benchmark: label,
        ours: { label: '@platformatic/kafka loop', m: clientLoop },
        peer: { label: 'kafka-producer-perf-test', m: perfTest },
        ...ratioFields(clientLoop, perfTest),
        target: 'report',
        pass: null,
      },
    ];
    return rows;
  },
};
