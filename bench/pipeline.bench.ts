import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { PipelineInput, PipelineStatus } from '../shared/pipelines.js';
import { startEngineChild } from './pipeline-child.js';
import type { BenchContext, Benchmark } from './context.js';
import { measureEach, median, ratioFields, type BenchRow, type Measurement } from './harness.js';
import { countLines, ensureKcat, pipeFileTo } from './peers.js';
import { rawFetchLoop, rawGroupConsume } from '../electron/engine/kafka/bench-loops.js';
import { benchOptions, createTopic, topicWatermarks } from './topics.js';
import {
  ensureSpark,
  startSparkPipeline,
  sparkCaseOf,
  sparkCounts,
  type SparkPipelinePeer,
  type SparkPipelineRun,
  type SparkQueryResult,
} from './spark.js';

const MIN = 60_000;
/** Event time of record 0; record i is 50 ms later than record i − 1 (1,000,000 records ≈ 14 h, 167 windows). */
const BASE = Date.UTC(2024, 4, 1, 12, 0, 0);
const STEP_MS = 50;
/** The pipeline's default maxRecordsPerBatch (shared/pipelines.ts): Spark's maxOffsetsPerTrigger in the same-batches run. */
const OUR_BATCH = 5000;
/** Records Spark reads at our batch size per run (20 triggers). */
const SPARK_SAME_BATCH_RECORDS = 100_000;

function rate(q: SparkQueryResult | undefined): number {
  return q ? q.inputRows / ((q.committedAt - q.startedAt) / 1000) : NaN;
}

/** An S3-style sensor reading, ~150 bytes of JSON; 10 sensors. */
export function sensorRecord(i: number, eventTime = BASE + i * STEP_MS): string {
  const t = (i * 7919) % 1000;
  return `{"sensor_id":"sensor_${(i % 10) + 1}","timestamp":"${new Date(eventTime).toISOString()}","seq":${i},"temperature":${(15 + t / 50).toFixed(2)},"humidity":${(30 + t / 20).toFixed(1)},"pressure":${(990 + t / 25).toFixed(1)}}`;
}

/**
 * Preloads `n` readings with kcat -P: record i goes to partition i % 3 (as if every partition had
 * its own steady producer), so every partition moves through event time at the same pace and a
 * reader that takes the partitions in turn sees no late records (kcat's sticky partitioner would
 * otherwise put long runs of consecutive readings in one partition, and the others would be late).
 */
export async function preloadSensors(ctx: BenchContext, topic: string, n: number): Promise<void> {
  const before = Date.now();
  for (let p = 0; p < 3; p++) {
    const file = join(ctx.tmpDir, `pipeline-${n}-p${p}.txt`);
    const out = createWriteStream(file);
    for (let i = p; i < n; i += 3) out.write(sensorRecord(i) + '\n');
    out.end();
    await finished(out);
    await pipeFileTo('kcat', ['-P', '-b', ctx.bootstrap.join(','), '-t', topic, '-p', String(p)], file);
  }
  ctx.log(`pipeline: preloaded ${n} sensor records in ${Date.now() - before} ms`);
}

/**
 * The measured pipeline: JSON decode, projection (ISO timestamp, string, int, 3 doubles), 5-minute
 * tumbling windows on event time, 10 groups (sensor_id), 10-minute watermark, update mode, results in
 * the app's SQLite store. `max_seq` lets the latency benchmark tell which records a result includes.
 */
export function sensorPipeline(connectionId: string, topic: string, groupId: string, extra: Partial<PipelineInput> = {}): PipelineInput {
  return {
    name: groupId,
    connectionId,
    topics: [topic],
    groupId,
    startingOffsets: { kind: 'earliest' },
    projection: [
      { column: 'timestamp', path: 'timestamp', type: 'timestamp', timestampFormat: 'iso' },
      { column: 'sensor_id', path: 'sensor_id', type: 'string' },
      { column: 'seq', path: 'seq', type: 'int' },
      { column: 'temperature', path: 'temperature', type: 'double' },
      { column: 'humidity', path: 'humidity', type: 'double' },
      { column: 'pressure', path: 'pressure', type: 'double' },
    ],
    aggregation: {
      groupBy: ['sensor_id'],
      window: { column: 'timestamp', durationMs: 5 * MIN },
      watermarkDelayMs: 10 * MIN,
      aggregates: [
        { fn: 'count', as: 'readings' },
        { fn: 'avg', column: 'temperature', as: 'avg_temperature' },
        { fn: 'max', column: 'humidity', as: 'max_humidity' },
        { fn: 'min', column: 'pressure', as: 'min_pressure' },
        { fn: 'max', column: 'seq', as: 'max_seq' },
      ],
    },
    outputMode: 'update',
    sinks: [],
    ...extra,
  };
}

/** Readings per window × sensor of the preloaded records up to each partition's `endOffsets` (record i sits in partition i % 3 at offset ⌊i / 3⌋). */
function expectedReadings(endOffsets: Record<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [partition, end] of Object.entries(endOffsets)) {
    for (let offset = 0; offset < end; offset++) {
      const i = Number(partition) + 3 * offset;
      const start = Math.floor((BASE + i * STEP_MS) / (5 * MIN)) * 5 * MIN;
      const key = `${start}|${JSON.stringify({ sensor_id: `sensor_${(i % 10) + 1}` })}`;
      out.set(key, (out.get(key) ?? 0) + 1);
    }
  }
  return out;
}

/** The first difference between two window × group tables, or null when they are equal. */
function tableDifference(a: Map<string, number>, b: Map<string, number>): string | null {
  if (a.size !== b.size) return `${a.size} window × group rows vs ${b.size}`;
  for (const [key, value] of a) if (b.get(key) !== value) return `${key}: ${value} vs ${b.get(key) ?? 'missing'}`;
  return null;
}

/**
 * Pipeline throughput: a preloaded 3-partition topic of JSON sensor readings, read from earliest to
 * the end by a fresh pipeline per run (new id, new group, empty checkpoint), timed from
 * `pipelines:start` to the last record committed. Peers on the same topic: the bare @platformatic/kafka
 * group consumer (client defaults, counts records, no decode; timed from the consume call, group join
 * included) and `kcat -C`.
 */
export const pipelineBench: Benchmark = {
  name: 'pipeline',
  summary:
    'pipeline throughput: JSON decode + 5-minute windows + 10 groups + watermark vs raw client consume, kcat -C and Spark Structured Streaming',
  async run(ctx) {
    const n = ctx.options.smoke ? 3_000 : 1_000_000;
    // Warm-ups (JIT, connections, the broker's page cache) read the first 200,000 only: 4 full passes per side would cost ~1 min more.
    const upTo = (run: number) => (run < 0 ? Math.min(n, 200_000) : n);
    ctx.log(
      `pipeline: ${n.toLocaleString('en-US')} records, ${ctx.options.warmups} warm-up(s) of ${upTo(-1).toLocaleString('en-US')}, ${ctx.options.runs} run(s) per side`,
    );
    ctx.versions.kcat = ensureKcat();
    const topic = `bench-pipeline-${Date.now()}`;
    await createTopic(ctx.bootstrap, topic, 3);
    await preloadSensors(ctx, topic, n);

    const jars = await ensureSpark(ctx);
    // Our side runs in a process of its own (bench/pipeline-child.ts), so its VmHWM is the engine's alone.
    const engine = await startEngineChild(ctx);
    let seq = 0;
    let last: PipelineStatus | null = null;
    let lastReadings = new Map<string, number>();
    const oursRss: number[] = [];
    // Spark's figures of each measured run, in run order like the harness's (one Spark process for all runs).
    const sparkRuns: SparkPipelineRun[] = [];
    const sparkCase = sparkCaseOf(sensorPipeline('spark', topic, 'bench-pipeline-spark'), topic);
    // Spark at our batch size is ~100× slower than a single batch: 5 runs over all 1,000,000 would take ~20 min on 2 cores.
    const sparkPrefix = Math.min(n, SPARK_SAME_BATCH_RECORDS);
    let sparkPeer: SparkPipelinePeer | null = null;
    try {
      // One JVM and SparkSession for the warm-up and every run: its start-up is measured once, here.
      const peer = (sparkPeer = await startSparkPipeline(ctx, jars, sparkCase, n));
      const sparkStartMs = peer.up - peer.spawnedAt;
      ctx.log(`pipeline: Spark up in ${(sparkStartMs / 1000).toFixed(1)} s (python3 spawned → SparkSession up, once)`);
      // The raw consume the target is against: the same Fetch requests the pipeline's reader sends
      // (group-less, 4 MiB per partition), records only counted, the whole topic every run; the
      // client's own group consumer (MessagesStream) for reference; kcat -C. All four interleaved.
      const marks = await topicWatermarks(ctx.bootstrap, topic);
      const from = new Map(marks.map((m) => [m.partition, m.low]));
      const to = new Map(marks.map((m) => [m.partition, m.high]));
      const { ours, raw, group, kcat, spark } = await measureEach(
        ctx.options,
        {
          ours: {
            unit: 'msg/s',
            once: async (run) => {
              const target = upTo(run);
              const groupId = `bench-pipeline-${Date.now()}-${seq++}`;
              // The child checks that the results account for every record read (not timed).
              const r = await engine.run(sensorPipeline('engine', topic, groupId), target);
              if (run >= 0) {
                oursRss.push(r.vmHwmKiB / 1024);
                ctx.log(
                  `pipeline: ours run ${run}: ${Math.round(target / r.seconds)} msg/s, engine VmHWM ${oursRss.at(-1)?.toFixed(0)} MiB`,
                );
              }
              last = r.status;
              lastReadings = new Map(r.readings);
              return target / r.seconds;
            },
          },
          raw: { unit: 'msg/s', once: () => rawFetchLoop(benchOptions(ctx.bootstrap), topic, from, to, 4 * 1024 * 1024) },
          group: {
            unit: 'msg/s',
            once: (run) => rawGroupConsume(benchOptions(ctx.bootstrap), [topic], `bench-pipeline-raw-${Date.now()}-${seq++}`, upTo(run)),
          },
          kcat: {
            unit: 'msg/s',
            once: async (run) => {
              const target = upTo(run);
              const started = performance.now();
              const lines = await countLines('kcat', [
                '-C',
                '-b',
                ctx.bootstrap.join(','),
                '-t',
                topic,
                '-o',
                'beginning',
                '-e',
                '-q',
                '-c',
                String(target),
              ]);
              if (lines < target) throw new Error(`kcat read ${lines} of ${target} records`);
              return target / ((performance.now() - started) / 1000);
            },
          },
          spark: {
            unit: 'msg/s',
            once: async (run) => {
              // The warm-up compiles the query's code in the JVM like ours warms the engine: a fifth of the
              // same-batches prefix and one batch of the warm-up size (not checked, not counted).
              if (run < 0) {
                await peer.run([
                  { name: 'warm-up-same-batches', maxOffsetsPerTrigger: OUR_BATCH, records: Math.min(sparkPrefix, 4 * OUR_BATCH) },
                  { name: 'warm-up-one-batch', maxOffsetsPerTrigger: upTo(run), records: upTo(run) },
                ]);
                return NaN;
              }
              const r = await peer.run([
                { name: 'same-batches', maxOffsetsPerTrigger: OUR_BATCH, records: sparkPrefix },
                { name: 'one-batch' },
              ]);
              const [same, one] = r.queries;
              if (!same || !one) throw new Error('Spark peer returned no figures');
              // Not timed: Spark's final tables must hold what it read (a misconfigured peer fails here, not looks slow).
              const wrong =
                tableDifference(sparkCounts(same, 'readings'), expectedReadings(same.endOffsets)) ??
                (one.inputRows === n ? null : `one batch read ${one.inputRows} of ${n}`) ??
                tableDifference(sparkCounts(one, 'readings'), expectedReadings(one.endOffsets));
              if (wrong) throw new Error(`Spark's results differ from the records it read: ${wrong}`);
              sparkRuns.push(r);
              ctx.log(
                `pipeline: Spark run ${run}: ${same.inputRows} records in ${same.batches} batches ${((same.committedAt - same.startedAt) / 1000).toFixed(1)} s; ${one.inputRows} in one batch ${((one.committedAt - one.startedAt) / 1000).toFixed(1)} s; JVM VmHWM ${((r.vmHwmKiB ?? NaN) / 1024).toFixed(0)} MiB`,
              );
              // Start-up once + this run: what one run costs a user who starts Spark for it.
              return same.inputRows / ((sparkStartMs + same.committedAt - r.sentAt) / 1000);
            },
          },
        },
        (line) => ctx.log(`pipeline: ${line}`),
      );
      await peer.stop();
      // Our last run read the same 1,000,000 records as Spark's single batch: the same counts per window × sensor.
      const lastOne = sparkRuns.at(-1)?.queries[1];
      const differs = lastOne ? tableDifference(lastReadings, sparkCounts(lastOne, 'readings')) : 'no Spark run';
      if (differs) throw new Error(`our results and Spark's differ: ${differs}`);
      const fromSpark = (unit: string, f: (r: SparkPipelineRun) => number): Measurement => {
        const runs = sparkRuns.map(f);
        return { value: median(runs), unit, runs };
      };
      const sparkNoStart = fromSpark('msg/s', (r) => rate(r.queries[0]));
      const sparkOne = fromSpark('msg/s', (r) => rate(r.queries[1]));
      const sparkRss = fromSpark('MiB', (r) => (r.vmHwmKiB ?? NaN) / 1024);
      const oursRssM: Measurement = { value: median(oursRss), unit: 'MiB', runs: oursRss };
      const final = last as PipelineStatus | null;
      const sameLabel = `Spark local[2], maxOffsetsPerTrigger ${OUR_BATCH.toLocaleString('en-US')}, first ${sparkPrefix.toLocaleString('en-US')} records`;
      const vsSpark = ratioFields(ours, spark);
      const vsSparkOne = ratioFields(ours, sparkOne);
      const vsRss = ratioFields(oursRssM, sparkRss, true);
      ctx.log(`pipeline: last run ${final?.batches} batches, late ${final?.lateRows}, bad ${JSON.stringify(final?.badRecords)}`);

      const label = `pipeline ${n.toLocaleString('en-US')} JSON sensor records, 3 partitions: decode + 5-min windows × 10 groups + watermark, update, SQLite`;
      const vsRaw = ratioFields(ours, raw);
      const rows: BenchRow[] = [
        {
          benchmark: label,
          ours: { label: 'pipeline (engine)', m: ours },
          peer: { label: 'bare @platformatic/kafka Fetch loop, same requests', m: raw },
          ...vsRaw,
          target: '≥ 0.8× raw consume',
          pass: vsRaw.ratio === null ? null : vsRaw.ratio >= 0.8,
          note: `default maxRecordsPerBatch 5000; last run ${final?.batches ?? '?'} micro-batches, ${final?.lateRows ?? '?'} late rows`,
        },
        {
          benchmark: label,
          ours: { label: 'pipeline (engine)', m: ours },
          peer: { label: 'bare @platformatic/kafka group consumer', m: group },
          ...ratioFields(ours, group),
          target: 'report',
          pass: null,
        },
        {
          benchmark: label,
          ours: { label: 'pipeline (engine)', m: ours },
          peer: { label: 'kcat -C', m: kcat },
          ...ratioFields(ours, kcat),
          target: 'report',
          pass: null,
        },
        {
          benchmark: label,
          ours: { label: 'pipeline (engine)', m: ours },
          peer: {
            label: `${sameLabel}, start-up (once: ${(sparkStartMs / 1000).toFixed(1)} s) + run command → last batch committed`,
            m: spark,
          },
          ...vsSpark,
          target: '≥ 10× Spark',
          pass: vsSpark.ratio === null ? null : vsSpark.ratio >= 10,
          note: `Spark: the same query (JSON parse, 5-min window, 10-min watermark, update), foreachBatch upserting into SQLite; one JVM for all runs, its start-up (python3 spawned → SparkSession up) ${(sparkStartMs / 1000).toFixed(1)} s measured once and added to each run`,
        },
        {
          benchmark: label,
          ours: { label: 'pipeline (engine)', m: ours },
          peer: { label: `${sameLabel}, query start → last batch committed (no start-up)`, m: sparkNoStart },
          ...ratioFields(ours, sparkNoStart),
          target: 'report',
          pass: null,
        },
        {
          benchmark: label,
          ours: { label: 'pipeline (engine)', m: ours },
          peer: {
            label: `Spark local[2], all ${n.toLocaleString('en-US')} in one batch, query start → batch committed (no start-up)`,
            m: sparkOne,
          },
          ...vsSparkOne,
          target: '≥ 3× Spark',
          pass: vsSparkOne.ratio === null ? null : vsSparkOne.ratio >= 3,
        },
        {
          benchmark: `${label}: peak RSS`,
          ours: { label: 'engine process (bench/pipeline-child.ts), VmHWM over one run', m: oursRssM },
          peer: { label: 'Spark driver JVM VmHWM (start-up + warm-up + runs so far)', m: sparkRss },
          ...vsRss,
          target: '≤ 0.5× Spark (ratio = Spark / ours ≥ 2)',
          pass: vsRss.ratio === null ? null : vsRss.ratio >= 2,
        },
      ];
      return rows;
    } finally {
      sparkPeer?.kill();
      await engine.stop();
    }
  },
};
