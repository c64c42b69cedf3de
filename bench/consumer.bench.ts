import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { Benchmark } from './context.js';
import { measureEach, ratioFields } from './harness.js';
import { countLines, ensureKcat, ensurePerfTools, pipeFileTo, runKafkaTool } from './peers.js';
import { rawFetchLoop, rawGroupConsume } from '../electron/engine/kafka/bench-loops.js';
import { PartitionReader } from '../electron/engine/kafka/partition-reader.js';
import { benchOptions, createTopic, record256, topicWatermarks } from './topics.js';

/**
 * Reads every partition from `from` to `to` with the engine's PartitionReader, as the topic browser
 * and scans do (default fetch sizes). Returns records per second.
 */
export async function readerRate(
  bootstrap: string[],
  topic: string,
  from: ReadonlyMap<number, number>,
  to: ReadonlyMap<number, number>,
): Promise<number> {
  const reader = new PartitionReader(benchOptions(bootstrap));
  try {
    const positions = new Map([...from].filter(([p, offset]) => offset < (to.get(p) ?? 0)));
    let records = 0;
    const started = performance.now();
    while (positions.size > 0) {
      for (const fetched of await reader.fetch(topic, positions)) {
        const end = to.get(fetched.partition) ?? 0;
        for (const r of fetched.records) if (r.offset < end) records++;
        if (fetched.nextOffset >= end) positions.delete(fetched.partition);
        else positions.set(fetched.partition, fetched.nextOffset);
      }
    }
    return records / ((performance.now() - started) / 1000);
  } finally {
    await reader.close();
  }
}

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

    // Five sides, interleaved run by run. The bare client's group consumer (fresh group, earliest,
    // no decode, no commits): the raw rate. The engine's own read path (topic browser, scans):
    // PartitionReader, group-less Fetch at offsets, records built for the engine; against the same
    // Fetch requests with the records only counted. kcat -C and Kafka's ConsumerPerformance.
    const marks = await topicWatermarks(ctx.bootstrap, topic);
    const from = new Map(marks.map((m) => [m.partition, m.low]));
    const to = new Map(marks.map((m) => [m.partition, m.high]));
    const { groupConsume, reader, fetchLoop, kcat, perfTest } = await measureEach(
      ctx.options,
      {
        groupConsume: {
          unit: 'msg/s',
          once: () => rawGroupConsume(benchOptions(ctx.bootstrap), [topic], `bench-${Date.now()}-${seq++}`, n),
        },
        reader: { unit: 'msg/s', once: () => readerRate(ctx.bootstrap, topic, from, to) },
        fetchLoop: { unit: 'msg/s', once: () => rawFetchLoop(benchOptions(ctx.bootstrap), topic, from, to) },
        kcat: {
          unit: 'msg/s',
          once: async () => {
            const started = performance.now();
            const lines = await countLines('kcat', ['-C', '-b', ctx.bootstrap.join(','), '-t', topic, '-o', 'beginning', '-e', '-q']);
            if (lines < n) throw new Error(`kcat read ${lines} of ${n} records`);
            return n / ((performance.now() - started) / 1000);
          },
        },
        perfTest: {
          unit: 'msg/s',
          once: async () => {
            const stdout = await runKafkaTool(tools, 'org.apache.kafka.tools.ConsumerPerformance', [
              '--bootstrap-server',
              ctx.bootstrap.join(','),
              '--topic',
              topic,
              '--messages',
              String(n),
              '--group',
              `bench-perf-${Date.now()}-${seq++}`,
            ]);
            // CSV: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, …
            const fields =
              stdout
                .trim()
                .split('\n')
                .at(-1)
                ?.split(',')
                .map((f) => f.trim()) ?? [];
            const rate = Number(fields[5]);
            if (!Number.isFinite(rate) || rate <= 0) throw new Error(`unexpected ConsumerPerformance output: ${stdout.slice(-300)}`);
            return rate;
          },
        },
      },
      ctx.log,
    );

    const label = `consumer ${n.toLocaleString('en-US')} × 256 B`;
    const readerVsLoop = ratioFields(reader, fetchLoop);
    return [
      {
        benchmark: label,
        ours: { label: '@platformatic/kafka group consumer', m: groupConsume },
        peer: { label: 'kcat -C', m: kcat },
        ...ratioFields(groupConsume, kcat),
        target: 'report (raw rate of the client)',
        pass: null,
      },
      {
        benchmark: label,
        ours: { label: '@platformatic/kafka group consumer', m: groupConsume },
        peer: { label: 'kafka-consumer-perf-test', m: perfTest },
        ...ratioFields(groupConsume, perfTest),
        target: 'report',
        pass: null,
      },
      {
        benchmark: label,
        ours: { label: 'PartitionReader (engine, no group)', m: reader },
        peer: { label: 'bare client Fetch loop, same requests', m: fetchLoop },
        ...readerVsLoop,
        target: 'overhead ≤ 10% (≥ 0.9×)',
        pass: readerVsLoop.ratio === null ? null : readerVsLoop.ratio >= 0.9,
      },
      {
        benchmark: label,
        ours: { label: 'PartitionReader (engine, no group)', m: reader },
        peer: { label: 'kcat -C', m: kcat },
        ...ratioFields(reader, kcat),
        target: 'report',
        pass: null,
      },
    ];
  },
};
