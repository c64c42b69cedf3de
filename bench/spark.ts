// Spark Structured Streaming (PySpark, local[2]) as the peer of the pipeline benchmarks: runs
// bench/spark-peer.py, the benchmark pipeline's query as Spark runs it (the query builder, session
// and install checks of the Spark oracle in test/spark/oracle.py), with a foreachBatch sink that
// upserts each batch's update rows into a SQLite table, as the engine stores its results.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { PipelineInput } from '../shared/pipelines.js';
import { SPARK_VERSION, ensurePySpark, ensureSparkKafkaJars, pysparkEnv, type SparkCase } from '../test/spark/spark-oracle.js';
import type { BenchContext } from './context.js';

const PEER_SCRIPT = fileURLToPath(new URL('./spark-peer.py', import.meta.url));

/** PySpark and the Kafka source jars, installed when missing (the same pins as the Spark oracle); returns the jars. */
export async function ensureSpark(ctx: BenchContext): Promise<string[]> {
  ensurePySpark(ctx.log);
  const jars = await ensureSparkKafkaJars(ctx.cacheDir);
  ctx.versions.spark = `PySpark ${SPARK_VERSION}, local[2]`;
  return jars;
}

/** The pipeline's projection, window, watermark, groups and aggregates as the Spark query (test/spark/oracle.py) takes them. */
export function sparkCaseOf(pipeline: PipelineInput, topic: string): SparkCase {
  const a = pipeline.aggregation;
  if (!a?.window) throw new Error('the Spark peer runs windowed aggregations only');
  return {
    name: pipeline.name,
    topic,
    columns: (pipeline.projection ?? []).map((c) => ({
      column: c.column,
      path: c.path,
      type: z.enum(['string', 'int', 'double', 'timestamp']).parse(c.type),
      ...(c.timestampFormat === undefined ? {} : { timestampFormat: z.enum(['epoch-ms', 'iso']).parse(c.timestampFormat) }),
    })),
    window: { column: a.window.column, durationMs: a.window.durationMs },
    ...(a.watermarkDelayMs === undefined ? {} : { watermarkDelayMs: a.watermarkDelayMs }),
    groupBy: a.groupBy,
    aggregates: a.aggregates.map((g) => ({ fn: g.fn, as: g.as, ...(g.column === undefined ? {} : { column: g.column }) })),
    outputMode: z.enum(['update', 'append', 'complete']).parse(pipeline.outputMode ?? 'update'),
  };
}

const upSchema = z.object({ up: z.number(), jvmPid: z.number().int() });
const querySchema = z.object({
  query: z.string(),
  startedAt: z.number(),
  committedAt: z.number(),
  batches: z.number().int(),
  inputRows: z.number().int(),
  /** {partition: next offset} up to which the sink's table holds records (the last batch it wrote). */
  endOffsets: z.record(z.string(), z.number()),
  vmHwmKiB: z.number().nullable(),
  /** [window start ms, group JSON, values JSON] of the sink's table at the end. */
  final: z.array(z.tuple([z.number(), z.string(), z.string()])),
});
export type SparkQueryResult = z.infer<typeof querySchema>;
const rowsSchema = z.object({ rows: z.array(z.record(z.string(), z.unknown())) });
const stoppedSchema = z.object({ stopped: z.literal(true), batches: z.number().int(), vmHwmKiB: z.number().nullable() });

interface PeerProcess {
  /** Writes a line to the script's stdin. */
  send(line: string): void;
  /** Resolves when the script exited 0; rejects with its last stderr otherwise. */
  exited: Promise<void>;
}

function startPeer(job: object, onLine: (doc: unknown) => void, killAfterMs: number, log: (line: string) => void): PeerProcess {
  // Own process group: a timeout kills Python and the JVM it launched together.
  const child = spawn('python3', [PEER_SCRIPT], { env: pysparkEnv(), stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString('utf8')).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') onLine(JSON.parse(line));
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-16_000);
    for (const line of chunk.toString('utf8').split('\n')) if (line.startsWith('[spark-')) log(line);
  });
  const timer = setTimeout(() => {
    stderr += `\n[spark-peer] killed after ${killAfterMs} ms`;
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  }, killAfterMs);
  const exited = new Promise<void>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new Error('python3 is not on PATH; the Spark peer needs Python 3 with pyspark') : error),
    );
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else {
        const said = stderr
          .split('\n')
          .filter((line) => line.startsWith('[spark-oracle]') || line.startsWith('[spark-peer]'))
          .at(-1);
        reject(new Error(`Spark peer exited with ${code ?? signal}: ${said ?? stderr.slice(-3000)}`));
      }
    });
  });
  child.stdin.write(JSON.stringify(job) + '\n');
  return { send: (line) => child.stdin.write(line + '\n'), exited };
}

export interface SparkPipelineRun {
  /** Date.now() right before the Python process was spawned. */
  spawnedAt: number;
  /** Session up (epoch ms). */
  up: number;
  queries: SparkQueryResult[];
  /** VmHWM of the Spark JVM at the end, KiB. */
  vmHwmKiB: number | null;
}

/**
 * One Spark process: session start-up, then each query over the topic from earliest, one after the
 * other, each until it read `records` rows (its last batch committed), with its own checkpoint and SQLite table.
 */
export async function runSparkPipeline(
  ctx: BenchContext,
  jars: string[],
  c: SparkCase,
  records: number,
  queries: Array<{ name: string; maxOffsetsPerTrigger?: number; records?: number }>,
): Promise<SparkPipelineRun> {
  const spawnedAt = Date.now();
  let up = NaN;
  const results: SparkQueryResult[] = [];
  const peer = startPeer(
    {
      mode: 'pipeline',
      bootstrap: ctx.bootstrap.join(','),
      jars,
      sparkVersion: SPARK_VERSION,
      case: c,
      records,
      queries,
      timeoutMs: 600_000,
    },
    (doc) => {
      const started = upSchema.safeParse(doc);
      if (started.success) up = started.data.up;
      else results.push(querySchema.parse(doc));
    },
    660_000,
    ctx.log,
  );
  await peer.exited;
  if (results.length !== queries.length) throw new Error(`Spark peer reported ${results.length} of ${queries.length} queries`);
  return { spawnedAt, up, queries: results, vmHwmKiB: Math.max(...results.map((q) => q.vmHwmKiB ?? NaN)) };
}

export interface SparkTail {
  /** Stops the query; resolves with its batch count and the JVM's peak RSS. */
  stop(): Promise<{ batches: number; vmHwmKiB: number | null }>;
}

/**
 * A Spark query reading the topic from its latest offsets with Trigger.ProcessingTime(0); `onRows`
 * gets each batch's rows right after the sink wrote them. Resolves once the first batch committed.
 */
export async function startSparkTail(
  ctx: BenchContext,
  jars: string[],
  c: SparkCase,
  onRows: (rows: Array<Record<string, unknown>>, at: number) => void,
): Promise<SparkTail> {
  let ready: () => void = () => undefined;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  let stopped: z.infer<typeof stoppedSchema> | null = null;
  const peer = startPeer(
    { mode: 'latency', bootstrap: ctx.bootstrap.join(','), jars, sparkVersion: SPARK_VERSION, case: c, timeoutMs: 600_000 },
    (doc) => {
      const at = performance.now();
      const rows = rowsSchema.safeParse(doc);
      if (rows.success) return onRows(rows.data.rows, at);
      if (typeof doc === 'object' && doc !== null && 'ready' in doc) return ready();
      const end = stoppedSchema.safeParse(doc);
      if (end.success) stopped = end.data;
    },
    900_000,
    ctx.log,
  );
  await Promise.race([isReady, peer.exited.then(() => Promise.reject(new Error('Spark peer exited before its query was ready')))]);
  return {
    async stop() {
      peer.send('stop');
      await peer.exited;
      const end = stopped;
      if (!end) throw new Error('Spark peer stopped without its final figures');
      return { batches: end.batches, vmHwmKiB: end.vmHwmKiB };
    },
  };
}

/** Forgets the process's peak RSS (Linux: the next VmHWM counts from now); see proc(5), /proc/pid/clear_refs. */
export function resetPeakRss(): void {
  writeFileSync('/proc/self/clear_refs', '5');
}

/** VmHWM of a process (peak RSS), KiB; see proc(5), /proc/pid/status. */
export function peakRssKiB(pid: number | 'self' = 'self'): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(match[1]);
}

/** readings per "window start ms|group JSON" from Spark's final table. */
export function sparkCounts(q: SparkQueryResult, column: string): Map<string, number> {
  return new Map(
    q.final.map(([start, group, values]) => [
      `${start}|${canonical(group)}`,
      Number((JSON.parse(values) as Record<string, unknown>)[column]),
    ]),
  );
}

/** The same key for a group however its JSON was spaced. */
export function canonical(groupJson: string): string {
  return JSON.stringify(JSON.parse(groupJson));
}
