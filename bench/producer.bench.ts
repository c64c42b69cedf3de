import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { Producer as PlatformaticProducer } from '@platformatic/kafka';
import type { Benchmark } from './context.js';
import { measure, rateRatio, type BenchRow } from './harness.js';
import { ensureKcat, ensurePerfTools, pipeFileTo, runKafkaTool } from './peers.js';
import { embeddedProducerRate } from './producers-embedded.js';
import { benchKafka, createTopic, record256 } from './topics.js';

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

    const kafkajsLoop = await measure(ctx.options, 'msg/s', async () => {
      const t = await topic('kafkajs');
      const producer = benchKafka(ctx.bootstrap).producer({ allowAutoTopicCreation: false });
      await producer.connect();
      const batch = 1_000;
      const inFlight = 4;
      const started = performance.now();
      let next = 0;
      const worker = async () => {
        while (next < n) {
          const from = next;
          next = Math.min(n, next + batch);
          const messages = [];
          for (let i = from; i < next; i++) messages.push({ value: record256(i) });
          await producer.send({ topic: t, acks: 1, messages });
        }
      };
      await Promise.all(Array.from({ length: inFlight }, worker));
      const seconds = (performance.now() - started) / 1000;
      await producer.disconnect();
      return n / seconds;
    });
    ctx.log(`kafkajs loop: ${Math.round(kafkajsLoop.value)} msg/s`);

    const embedded = await measure(ctx.options, 'msg/s', async () => (await embeddedProducerRate(ctx.bootstrap, await topic('embedded'), n, record256(0), ctx.tmpDir)).rate);
    ctx.log(`embedded producer: ${Math.round(embedded.value)} msg/s`);

    // The same loop on @platformatic/kafka (the second client behind the engine's SendEngine).
    const platformaticLoop = await measure(ctx.options, 'msg/s', async () => {
      const t = await topic('platformatic');
      const producer = new PlatformaticProducer({ clientId: 'bench', bootstrapBrokers: ctx.bootstrap, acks: 1, maxInflights: 5, autocreateTopics: false });
      await producer.metadata({ topics: [t] });
      const batch = 1_000;
      const inFlight = 4;
      const started = performance.now();
      let next = 0;
      const worker = async () => {
        while (next < n) {
          const from = next;
          next = Math.min(n, next + batch);
          const messages = [];
          for (let i = from; i < next; i++) messages.push({ topic: t, value: Buffer.from(record256(i)) });
          await producer.send({ messages });
        }
      };
      await Promise.all(Array.from({ length: inFlight }, worker));
      const seconds = (performance.now() - started) / 1000;
      await producer.close();
      return n / seconds;
    });
    ctx.log(`platformatic loop: ${Math.round(platformaticLoop.value)} msg/s`);

    const embeddedPlatformatic = await measure(ctx.options, 'msg/s', async () => (await embeddedProducerRate(ctx.bootstrap, await topic('embedded-plt'), n, record256(0), ctx.tmpDir, 'platformatic')).rate);
    ctx.log(`embedded producer (platformatic): ${Math.round(embeddedPlatformatic.value)} msg/s`);

    const kcat = await measure(ctx.options, 'msg/s', async () => {
      const t = await topic('kcat');
      const started = performance.now();
      await pipeFileTo('kcat', ['-P', '-b', ctx.bootstrap.join(','), '-t', t, '-X', 'acks=1', '-z', 'none'], file);
      return n / ((performance.now() - started) / 1000);
    });
    ctx.log(`kcat -P: ${Math.round(kcat.value)} msg/s`);

    const perfTest = await measure(ctx.options, 'msg/s', async () => {
      const t = await topic('perf');
      const stdout = await runKafkaTool(tools, 'org.apache.kafka.tools.ProducerPerformance', [
        '--topic', t, '--num-records', String(n), '--record-size', '256', '--throughput', '-1',
        '--producer-props', `bootstrap.servers=${ctx.bootstrap.join(',')}`, 'acks=1', 'compression.type=none',
      ]);
      const rate = /records sent, ([\d.]+) records\/sec/.exec(stdout.trim().split('\n').at(-1) ?? '')?.[1];
      if (!rate) throw new Error(`unexpected ProducerPerformance output: ${stdout.slice(-300)}`);
      return Number(rate);
    });
    ctx.log(`kafka-producer-perf-test: ${Math.round(perfTest.value)} msg/s`);

    const vsKcat = rateRatio(kafkajsLoop, kcat);
    const embeddedVsKcat = rateRatio(embedded, kcat);
    const embeddedVsLoop = rateRatio(embedded, kafkajsLoop);
    const rows: BenchRow[] = [
      {
        benchmark: `producer ${n.toLocaleString('en-US')} × 256 B`,
        ours: { label: 'embedded producer', m: embedded },
        peer: { label: 'kcat -P', m: kcat },
        ratio: embeddedVsKcat,
        target: '≥ 0.5× kcat',
        pass: embeddedVsKcat === null ? null : embeddedVsKcat >= 0.5,
      },
      {
        benchmark: `producer ${n.toLocaleString('en-US')} × 256 B`,
        ours: { label: 'embedded producer', m: embedded },
        peer: { label: 'kafkajs loop, same batching', m: kafkajsLoop },
        ratio: embeddedVsLoop,
        target: 'overhead ≤ 10% (≥ 0.9×)',
        pass: embeddedVsLoop === null ? null : embeddedVsLoop >= 0.9,
      },
      {
        benchmark: `producer ${n.toLocaleString('en-US')} × 256 B`,
        ours: { label: 'embedded producer, platformatic client', m: embeddedPlatformatic },
        peer: { label: 'kcat -P', m: kcat },
        ratio: rateRatio(embeddedPlatformatic, kcat),
        target: '≥ 0.5× kcat',
        pass: (rateRatio(embeddedPlatformatic, kcat) ?? 0) >= 0.5,
      },
      {
        benchmark: `producer ${n.toLocaleString('en-US')} × 256 B`,
        ours: { label: 'embedded producer, platformatic client', m: embeddedPlatformatic },
        peer: { label: 'platformatic loop, same batching', m: platformaticLoop },
        ratio: rateRatio(embeddedPlatformatic, platformaticLoop),
        target: 'overhead ≤ 10% (≥ 0.9×)',
        pass: (rateRatio(embeddedPlatformatic, platformaticLoop) ?? 0) >= 0.9,
      },
      {
        benchmark: `producer ${n.toLocaleString('en-US')} × 256 B`,
        ours: { label: 'platformatic loop', m: platformaticLoop },
        peer: { label: 'kcat -P', m: kcat },
        ratio: rateRatio(platformaticLoop, kcat),
        target: '≥ 0.5× kcat',
        pass: (rateRatio(platformaticLoop, kcat) ?? 0) >= 0.5,
        note: 'the bare @platformatic/kafka client behind the second SendEngine',
      },
      {
        benchmark: `producer ${n.toLocaleString('en-US')} × 256 B`,
        ours: { label: 'platformatic loop', m: platformaticLoop },
        peer: { label: 'kafka-producer-perf-test', m: perfTest },
        ratio: rateRatio(platformaticLoop, perfTest),
        target: 'report',
        pass: null,
      },
      {
        benchmark: `producer ${n.toLocaleString('en-US')} × 256 B`,
        ours: { label: 'kafkajs loop', m: kafkajsLoop },
        peer: { label: 'kcat -P', m: kcat },
        ratio: vsKcat,
        target: '≥ 0.5× kcat',
        pass: vsKcat === null ? null : vsKcat >= 0.5,
        note: 'the bare kafkajs client the engine producer is built on',
      },
      {
        benchmark: `producer ${n.toLocaleString('en-US')} × 256 B`,
        ours: { label: 'kafkajs loop', m: kafkajsLoop },
        peer: { label: 'kafka-producer-perf-test', m: perfTest },
        ratio: rateRatio(kafkajsLoop, perfTest),
        target: 'report',
        pass: null,
      },
    ];
    return rows;
  },
};
