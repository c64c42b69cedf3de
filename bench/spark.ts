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
const EXPORT_SCRIPT = fileURLToPath(new URL('./spark-export.py', import.meta.url));

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
  /** Kills Python and its JVM (their process group). */
  kill: () => void;
}

function startPeer(
  script: string,
  job: object,
  onLine: (doc: unknown) => void,
  killAfterMs: number,
  log: (line: string) => void,
): PeerProcess {
  // Own process group: a timeout kills Python and the JVM it launched together.
  const child = spawn('python3', [script], { env: pysparkEnv(), stdio: ['pipe', 'pipe', 'pipe'], detached: true });
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
  const kill = () => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
  };
  const timer = setTimeout(() => {
    stderr += `\n[spark-peer] killed after ${killAfterMs} ms`;
    kill();
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
  return { send: (line) => child.stdin.write(line + '\n'), exited, kill };
}

const ranSchema = z.object({ ran: z.number().int() });

export interface SparkPipelineRun {
  /** Date.now() right before the run command was sent (the session already up). */
  sentAt: number;
  queries: SparkQueryResult[];
  /** VmHWM of the Spark JVM at the end of the run (start-up and every run so far), KiB. */
  vmHwmKiB: number | null;
}

export interface SparkPipelinePeer {
  /** Date.now() right before the Python process was spawned. */
  spawnedAt: number;
  /** Session up (epoch ms): `up - spawnedAt` is Spark's start-up, paid once per benchmark. */
  up: number;
  /**
   * Runs the queries in the peer's session, one after the other, each over the topic from earliest
   * until it read its `records` (its last batch committed), with its own checkpoint and SQLite table.
   */
  run(queries: Array<{ name: string; maxOffsetsPerTrigger?: number; records?: number }>): Promise<SparkPipelineRun>;
  /** Ends the session and the process. */
  stop(): Promise<void>;
  /** Kills the process at once (a benchmark that failed midway). */
  kill: () => void;
}

/**
 * One Spark process for all the runs of a benchmark: Python, the JVM and the SparkSession start
 * once (resolves when the session is up), then each `run` is a command on the process's stdin, so
 * the runs interleave with ours as the harness measures them and Spark's start-up is measured once.
 */
export async function startSparkPipeline(ctx: BenchContext, jars: string[], c: SparkCase, records: number): Promise<SparkPipelinePeer> {
  const spawnedAt = Date.now();
  let up: (at: number) => void = () => undefined;
  const isUp = new Promise<number>((resolve) => (up = resolve));
  let results: SparkQueryResult[] = [];
  let ran: (queries: SparkQueryResult[]) => void = () => undefined;
  const peer = startPeer(
    PEER_SCRIPT,
    { mode: 'pipeline', bootstrap: ctx.bootstrap.join(','), jars, sparkVersion: SPARK_VERSION, case: c, records, timeoutMs: 600_000 },
    (doc) => {
      const started = upSchema.safeParse(doc);
      if (started.success) return up(started.data.up);
      if (ranSchema.safeParse(doc).success) {
        ran(results);
        results = [];
        return;
      }
      results.push(querySchema.parse(doc));
    },
    // The whole benchmark's Spark side: start-up, warm-up and every run.
    3_600_000,
    ctx.log,
  );
  const exitedEarly = peer.exited.then(() => Promise.reject(new Error('Spark peer exited before it was stopped')));
  // Not left unhandled when nobody waits on it (after stop).
  exitedEarly.catch(() => undefined);
  const upAt = await Promise.race([isUp, exitedEarly]);
  return {
    spawnedAt,
    up: upAt,
    async run(queries) {
      const done = new Promise<SparkQueryResult[]>((resolve) => (ran = resolve));
      const sentAt = Date.now();
      peer.send(`run ${JSON.stringify({ queries })}`);
      const got = await Promise.race([done, exitedEarly]);
      if (got.length !== queries.length) throw new Error(`Spark peer reported ${got.length} of ${queries.length} queries`);
      return { sentAt, queries: got, vmHwmKiB: Math.max(...got.map((q) => q.vmHwmKiB ?? NaN)) };
    },
    async stop() {
      peer.send('stop');
      await peer.exited;
    },
    kill: () => peer.kill(),
  };
}

const exportUpSchema = z.object({ sparkVersion: z.string(), startMs: z.number() });
const exportRunSchema = z.object({ rows: z.number().int(), jobMs: z.number() });

export interface SparkExportPeer {
  /** Spawn → session up as the Node side saw it, ms: Spark's start-up, paid once per benchmark. */
  startMs: number;
  /** One export of the whole topic to `out` in the peer's session: the job's own time and the rows it reads back. */
  run(out: string): Promise<z.infer<typeof exportRunSchema>>;
  stop(): Promise<void>;
  kill: () => void;
}

/** bench/spark-export.py for all the runs of the export benchmark: one JVM, each run a command on its stdin. */
export async function startSparkExport(ctx: BenchContext, jars: string[], topic: string): Promise<SparkExportPeer> {
  const started = performance.now();
  const waiting: Array<(doc: unknown) => void> = [];
  const next = () => new Promise<unknown>((resolve) => waiting.push(resolve));
  const peer = startPeer(
    EXPORT_SCRIPT,
    { bootstrap: ctx.bootstrap.join(','), topic, jars },
    (doc) => waiting.shift()?.(doc),
    3_600_000,
    ctx.log,
  );
  const early = peer.exited.then(() => Promise.reject(new Error('Spark export peer exited before it was stopped')));
  early.catch(() => undefined);
  const up = exportUpSchema.parse(await Promise.race([next(), early]));
  if (up.sparkVersion !== SPARK_VERSION) throw new Error(`Spark ${up.sparkVersion} ran, expected ${SPARK_VERSION}`);
  const startMs = performance.now() - started;
  return {
    startMs,
    async run(out) {
      const result = next();
      peer.send(`run ${JSON.stringify({ out })}`);
      return exportRunSchema.parse(await Promise.race([result, early]));
    },
    async stop() {
      peer.send('stop');
      await peer.exited;
    },
    kill: () => peer.kill(),
  };
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
    PEER_SCRIPT,
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
