import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { Pipeline, PipelineInput, PipelineStatus, ResultsPage } from '../shared/pipelines.js';
import { benchEngine, data, timedRun } from './engine.js';
import type { Engine } from '../electron/engine/engine.js';
import type { BenchContext, Benchmark } from './context.js';
import { measureEach, ratioFields, type BenchRow } from './harness.js';
import { countLines, ensureKcat, pipeFileTo } from './peers.js';
import { rawFetchLoop, rawGroupConsume } from '../electron/engine/kafka/bench-loops.js';
import { benchOptions, createTopic, topicWatermarks } from './topics.js';

const MIN = 60_000;
/** Event time of record 0; record i is 50 ms later than record i − 1 (1,000,000 records ≈ 14 h, 167 windows). */
const BASE = Date.UTC(2024, 4, 1, 12, 0, 0);
const STEP_MS = 50;

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

async function sumColumn(engine: Engine, id: string, column: string): Promise<number> {
  let sum = 0;
  for (let offset = 0; ; offset += 1000) {
    const page = data<ResultsPage>(await engine.dispatch('pipelines:results', { id, offset, limit: 1000 }));
    const at = page.columns.indexOf(column);
    for (const row of page.rows) sum += Number(row[at]);
    if (offset + 1000 >= page.total) return sum;
  }
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
  summary: 'pipeline throughput: JSON decode + 5-minute windows + 10 groups + watermark vs raw client consume and kcat -C',
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

    const { engine, connectionId } = await benchEngine(ctx, 'pipeline');
    let seq = 0;
    let last: PipelineStatus | null = null;
    try {
      // The raw consume the target is against: the same Fetch requests the pipeline's reader sends
      // (group-less, 4 MiB per partition), records only counted, the whole topic every run; the
      // client's own group consumer (MessagesStream) for reference; kcat -C. All four interleaved.
      const marks = await topicWatermarks(ctx.bootstrap, topic);
      const from = new Map(marks.map((m) => [m.partition, m.low]));
      const to = new Map(marks.map((m) => [m.partition, m.high]));
      const { ours, raw, group, kcat } = await measureEach(
        ctx.options,
        {
          ours: {
            unit: 'msg/s',
            once: async (run) => {
              const target = upTo(run);
              const groupId = `bench-pipeline-${Date.now()}-${seq++}`;
              const saved = data<Pipeline>(await engine.dispatch('pipelines:save', sensorPipeline(connectionId, topic, groupId)));
              const seconds = await timedRun(engine, saved.id, target);
              last = data<PipelineStatus>(await engine.dispatch('pipelines:stop', { id: saved.id }));
              // Not timed: the results must account for every record read (a fast but wrong pipeline fails here).
              const counted = await sumColumn(engine, saved.id, 'readings');
              const bad = Object.values(last.badRecords).reduce((a, b) => a + b, 0);
              if (counted !== last.recordsIn - last.lateRows - bad)
                throw new Error(`results count ${counted} readings, expected ${last.recordsIn} read − ${last.lateRows} late − ${bad} bad`);
              data(await engine.dispatch('pipelines:remove', { id: saved.id }));
              return target / seconds;
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
        },
        (line) => ctx.log(`pipeline: ${line}`),
      );
      const final = last as PipelineStatus | null;
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
      ];
      return rows;
    } finally {
      await engine.dispose();
    }
  },
};
