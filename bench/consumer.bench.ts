import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { Benchmark } from './context.js';
import { measure, rateRatio } from './harness.js';
import { countLines, ensureKcat, ensurePerfTools, pipeFileTo, runKafkaTool } from './peers.js';
import { benchKafka, createTopic, readUntil, record256 } from './topics.js';

/** Consumer throughput from a preloaded 3-partition topic, from the beginning to the end. */
export const consumerBench: Benchmark = {
  name: 'consumer',
  summary: 'consumer throughput from a preloaded 3-partition topic',
  async run(ctx) {
    const n = ctx.options.smoke ? 2_000 : 500_000;
    ctx.versions.kcat = ensureKcat();
    const tools = await ensurePerfTools(ctx.cacheDir);
    const topic = `bench-consumer-${Date.now()}`;
    await createTopic(ctx.bootstrap, topic, 3);
    const file = join(ctx.tmpDir, `consume-${n}.txt`);
    const out = createWriteStream(file);
    for (let i = 0; i < n; i++) out.write(record256(i) + '\n');
    out.end();
    await finished(out);
    await pipeFileTo('kcat', ['-P', '-b', ctx.bootstrap.join(','), '-t', topic], file);
    let seq = 0;

    const kafkajsConsume = await measure(ctx.options, 'msg/s', async () => {
      const consumer = benchKafka(ctx.bootstrap).consumer({ groupId: `bench-${Date.now()}-${seq++}`, maxBytes: 10 * 1024 * 1024 });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const started = performance.now();
      await readUntil(consumer, n);
      const seconds = (performance.now() - started) / 1000;
      await consumer.disconnect();
      return n / seconds;
    });
    ctx.log(`kafkajs consume: ${Math.round(kafkajsConsume.value)} msg/s`);

    const kcat = await measure(ctx.options, 'msg/s', async () => {
      const started = performance.now();
      const lines = await countLines('kcat', ['-C', '-b', ctx.bootstrap.join(','), '-t', topic, '-o', 'beginning', '-e', '-q']);
      if (lines < n) throw new Error(`kcat read ${lines} of ${n} records`);
      return n / ((performance.now() - started) / 1000);
    });
    ctx.log(`kcat -C: ${Math.round(kcat.value)} msg/s`);

    const perfTest = await measure(ctx.options, 'msg/s', async () => {
      const stdout = await runKafkaTool(tools, 'org.apache.kafka.tools.ConsumerPerformance', [
        '--bootstrap-server', ctx.bootstrap.join(','), '--topic', topic, '--messages', String(n), '--group', `bench-perf-${Date.now()}-${seq++}`,
      ]);
      // CSV: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, …
      const fields = stdout.trim().split('\n').at(-1)?.split(',').map((f) => f.trim()) ?? [];
      const rate = Number(fields[5]);
      if (!Number.isFinite(rate) || rate <= 0) throw new Error(`unexpected ConsumerPerformance output: ${stdout.slice(-300)}`);
      return rate;
    });
    ctx.log(`kafka-consumer-perf-test: ${Math.round(perfTest.value)} msg/s`);

    const label = `consumer ${n.toLocaleString('en-US')} × 256 B`;
    return [
      { benchmark: label, ours: { label: 'kafkajs consumer', m: kafkajsConsume }, peer: { label: 'kcat -C', m: kcat }, ratio: rateRatio(kafkajsConsume, kcat), target: 'report (raw rate the pipeline target is measured against)', pass: null },
      { benchmark: label, ours: { label: 'kafkajs consumer', m: kafkajsConsume }, peer: { label: 'kafka-consumer-perf-test', m: perfTest }, ratio: rateRatio(kafkajsConsume, perfTest), target: 'report', pass: null },
    ];
  },
};
