// Real PySpark as the oracle of the pipeline tests: runs test/spark/oracle.py (Spark Structured
// Streaming over the same Kafka topics the pipelines read) and returns, per case and micro-batch,
// Spark's progress figures and the rows its sink received.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ensureMavenJars } from '../../scripts/maven-jars.js';
import { resolveCacheDir } from '../../electron/engine/paths.js';

/**
 * The PyPI pyspark release .ci/run installs and the spark-sql-kafka-0-10 release test/spark/pom.xml
 * resolves: they must be the same. 3.5.7 is the newest 3.5 patch whose Kafka source is on the Maven
 * Central this suite reaches (3.5.8 and 3.5.9 are on PyPI, their spark-sql-kafka jars are not).
 */
export const SPARK_VERSION = '3.5.7';

const ORACLE_SCRIPT = fileURLToPath(new URL('./oracle.py', import.meta.url));
const SPARK_POM = fileURLToPath(new URL('./pom.xml', import.meta.url));
const INSTALL_HINT = `python3 -m pip install 'pyspark==${SPARK_VERSION}' (or run .ci/run)`;

const columnSchema = z.object({
  column: z.string().min(1),
  /** Dotted path into the record value's JSON ("reading.temp"). */
  path: z.string().min(1),
  /** `int` is Spark's bigint. */
  type: z.enum(['string', 'int', 'double', 'timestamp']),
  timestampFormat: z.enum(['epoch-ms', 'iso']).optional(),
});

const caseSchema = z.object({
  name: z.string().min(1),
  topic: z.string().min(1),
  maxOffsetsPerTrigger: z.number().int().positive().optional(),
  columns: z.array(columnSchema).min(1),
  window: z
    .object({ column: z.string(), durationMs: z.number().int().positive(), slideMs: z.number().int().positive().optional() })
    .optional(),
  watermarkDelayMs: z.number().int().nonnegative().optional(),
  groupBy: z.array(z.string()).optional(),
  aggregates: z
    .array(z.object({ fn: z.enum(['count', 'sum', 'avg', 'min', 'max']), column: z.string().optional(), as: z.string().min(1) }))
    .min(1),
  outputMode: z.enum(['update', 'append', 'complete']),
  /** spark.sql.streaming.statefulOperator.allowMultiple (Spark's default: true). */
  allowMultiple: z.boolean().optional(),
});
export type SparkCase = z.infer<typeof caseSchema>;

const windowBoundsSchema = z.object({ start: z.number(), end: z.number() });
export type SparkWindowBounds = z.infer<typeof windowBoundsSchema>;
/** One value of an emitted row: a window's bounds (epoch ms), a group key or an aggregate (timestamps as epoch ms). */
export type SparkCell = string | number | boolean | null | SparkWindowBounds;
const cellSchema: z.ZodType<SparkCell> = z.union([z.string(), z.number(), z.boolean(), z.null(), windowBoundsSchema]);
/** A row as the foreachBatch sink received it: `window` plus the group columns and aggregates by name. */
export interface SparkRow {
  readonly window?: SparkWindowBounds;
  readonly [column: string]: SparkCell | undefined;
}
const rowSchema = z.record(z.string(), cellSchema).transform((row): SparkRow => row);

/** {partition: offset} of the one subscribed topic. */
const offsetsSchema = z.record(z.string(), z.number()).nullable();

const batchSchema = z.object({
  batchId: z.number().int(),
  /** From the batch's progress; 0 for a no-data batch. */
  numInputRows: z.number().int(),
  /** eventTime.watermark of the progress in epoch ms (0 in batch 0); null when the query has no watermark. */
  watermarkMs: z.number().nullable(),
  /** The next four come from stateOperators[0] (0 when the batch reported no state operator). */
  numRowsDroppedByWatermark: z.number().int(),
  numRowsTotal: z.number().int(),
  numRowsUpdated: z.number().int(),
  numRowsRemoved: z.number().int(),
  /** Source offsets the batch read from and to; startOffsets is null in batch 0. */
  startOffsets: offsetsSchema,
  endOffsets: offsetsSchema,
  rows: z.array(rowSchema),
});
export type SparkBatch = z.infer<typeof batchSchema>;

const caseResultSchema = z.object({ name: z.string(), batches: z.array(batchSchema) });
export type SparkCaseResult = z.infer<typeof caseResultSchema>;

const outputSchema = z.object({ sparkVersion: z.string(), cases: z.array(caseResultSchema) });

export interface SparkOracleOptions {
  /** Kill the run after this long (default 10 min; Spark's start-up alone is 10–20 s on 2 busy cores). */
  timeoutMs?: number;
  /** A query stops once it read all offsets and ran no batch for this long (default 3 s). */
  idleMs?: number;
  /** Spark's stderr lines, as they come (default: kept for the error message only). */
  log?: (line: string) => void;
}

/**
 * Resolves spark-sql-kafka-0-10 and the runtime jars it adds to pyspark's own (kafka-clients,
 * commons-pool2, spark-token-provider-kafka) with mvn into `<cache>/spark-kafka-<version>/libs`, once,
 * with the local cluster's atomic download; returns the jar paths for spark.jars (Ivy's
 * spark.jars.packages does not work on the CI network; Maven does, through the registry).
 */
export async function ensureSparkKafkaJars(cacheDir = resolveCacheDir()): Promise<string[]> {
  let libs: string;
  try {
    libs = await ensureMavenJars(cacheDir, {
      pomFile: SPARK_POM,
      cacheName: `spark-kafka-${SPARK_VERSION}`,
      expectJar: `spark-sql-kafka-0-10_2.12-${SPARK_VERSION}.jar`,
      version: SPARK_VERSION,
    });
  } catch (error) {
    throw new Error(
      `Could not resolve Spark ${SPARK_VERSION}'s Kafka source jars with mvn (test/spark/pom.xml): ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  return readdirSync(libs)
    .filter((name) => name.endsWith('.jar'))
    .sort()
    .map((name) => join(libs, name));
}

/**
 * Runs every case as a Spark Structured Streaming query (one SparkSession, local[2], all queries at
 * once) over topics already written, and returns what Spark did per micro-batch, in case order.
 * Rejects with what to install when pyspark or the jars are missing.
 */
export async function runSparkOracle(
  bootstrap: string,
  cases: readonly SparkCase[],
  options: SparkOracleOptions = {},
): Promise<SparkCaseResult[]> {
  const parsedCases = z.array(caseSchema).min(1).parse(cases);
  const jars = await ensureSparkKafkaJars();
  const timeoutMs = options.timeoutMs ?? 600_000;
  const job = { bootstrap, jars, sparkVersion: SPARK_VERSION, idleMs: options.idleMs ?? 3000, timeoutMs, cases: parsedCases };
  const { code, stdout, stderr } = await runPython(JSON.stringify(job), timeoutMs + 30_000, options.log);
  if (code !== 0) {
    // The script's own diagnosis, when it gave one, says what to run.
    const said = stderr
      .split('\n')
      .filter((line) => line.startsWith('[spark-oracle]'))
      .at(-1);
    const hint = !said && /No module named/.test(stderr) ? ` (install: ${INSTALL_HINT})` : '';
    throw new Error(`PySpark oracle exited with ${code}${hint}: ${said ?? stderr.slice(-3000)}`);
  }
  const output = outputSchema.parse(JSON.parse(stdout));
  if (output.sparkVersion !== SPARK_VERSION)
    throw new Error(`PySpark oracle ran Spark ${output.sparkVersion}, expected ${SPARK_VERSION}: ${INSTALL_HINT}`);
  const byName = new Map(output.cases.map((c) => [c.name, c]));
  return parsedCases.map((c) => {
    const result = byName.get(c.name);
    if (!result) throw new Error(`PySpark oracle returned no result for case ${c.name}`);
    return result;
  });
}

/** The environment a PySpark script runs in: python3 on both sides, and no SPARK_HOME (it would make pyspark launch another Spark than the pinned wheel's). */
export function pysparkEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PYSPARK_PYTHON: 'python3', PYSPARK_DRIVER_PYTHON: 'python3' };
  delete env.SPARK_HOME;
  return env;
}

/**
 * Installs the pinned pyspark from PyPI with pip when python3 lacks it or has another release
 * (`.ci/run` through scripts/fetch-spark.ts, and `npm run bench`; pip builds the wheel once, ~1.5 min).
 */
export function ensurePySpark(log: (line: string) => void = () => undefined): void {
  const installed = spawnSync('python3', ['-c', 'import pyspark; print(pyspark.__version__)'], { encoding: 'utf8', env: pysparkEnv() });
  if (installed.error)
    throw new Error(`python3 is not on PATH; the Spark oracle and the bench's Spark peer need Python 3 with ${INSTALL_HINT}`);
  if (installed.status === 0 && installed.stdout.trim() === SPARK_VERSION) return;
  log(
    `installing pyspark ${SPARK_VERSION} with pip (${installed.status === 0 ? `${installed.stdout.trim()} is installed` : 'not installed'})`,
  );
  const pip = spawnSync('python3', ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `pyspark==${SPARK_VERSION}`], {
    // pip's output on stderr: the bench prints its table on stdout.
    stdio: ['ignore', 2, 2],
  });
  if (pip.status !== 0) throw new Error(`pip could not install pyspark ${SPARK_VERSION} (exit ${pip.status}); run: ${INSTALL_HINT}`);
}

interface PythonResult {
  code: number | string | null;
  stdout: string;
  stderr: string;
}

function runPython(input: string, killAfterMs: number, log: ((line: string) => void) | undefined): Promise<PythonResult> {
  return new Promise((resolvePromise, reject) => {
    // Own process group: a timeout kills Python and the JVM it launched together.
    const child = spawn('python3', [ORACLE_SCRIPT], {
      cwd: resolve('.'),
      env: pysparkEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      stderr = (stderr + text).slice(-64_000);
      if (!log) return;
      const lines = (pending + text).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) log(line);
    });
    const timer = setTimeout(() => {
      stderr += `\n[spark-oracle] killed after ${killAfterMs} ms`;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, killAfterMs);
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(error.code === 'ENOENT' ? new Error(`python3 is not on PATH; the Spark oracle needs Python 3 with ${INSTALL_HINT}`) : error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? signal, stdout, stderr });
    });
    child.stdin.end(input);
  });
}
