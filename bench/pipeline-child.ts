// Our side of the pipeline benchmark in a process of its own (bench/pipeline.bench.ts forks it once):
// the engine alone, as the app runs it, without the harness, the bare-client peers and the preloaded
// data of the bench process, so its peak RSS (VmHWM, proc(5)) is the engine's. Messages over Node's
// IPC channel: init → ready, run → ran (or failed), exit.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Pipeline, PipelineInput, PipelineStatus, ResultsPage } from '../shared/pipelines.js';
import type { Engine } from '../electron/engine/engine.js';
import type { BenchContext } from './context.js';
import { benchEngine, data, timedRun } from './engine.js';
import { peakRssKiB, resetPeakRss } from './spark.js';

type ToChild =
  | { kind: 'init'; bootstrap: string[]; cacheDir: string; tmpDir: string }
  | { kind: 'run'; pipeline: PipelineInput; target: number }
  | { kind: 'exit' };
type FromChild = { kind: 'ready' } | { kind: 'ran'; result: EngineRun } | { kind: 'failed'; message: string };

export interface EngineRun {
  /** `pipelines:start` → the micro-batch that committed the target's last record. */
  seconds: number;
  /** VmHWM of the engine's process over the run (reset before `pipelines:start`), KiB. */
  vmHwmKiB: number;
  /** The pipeline's status after `pipelines:stop`. */
  status: PipelineStatus;
  /** `readings` of every result row by "window start ms|group as JSON" (the key sparkCounts gives Spark's rows). */
  readings: Array<[string, number]>;
}

/** `column` of every result row by "window start ms|group as JSON". */
async function resultsByWindow(engine: Engine, id: string, groupBy: string[], column: string): Promise<Array<[string, number]>> {
  const out: Array<[string, number]> = [];
  for (let offset = 0; ; offset += 1000) {
    const page = data<ResultsPage>(await engine.dispatch('pipelines:results', { id, offset, limit: 1000 }));
    const at = (name: string) => page.columns.indexOf(name);
    for (const row of page.rows) {
      const group = Object.fromEntries(groupBy.map((g) => [g, row[at(g)]]));
      out.push([`${Date.parse(String(row[at('window_start')]))}|${JSON.stringify(group)}`, Number(row[at(column)])]);
    }
    if (offset + 1000 >= page.total) return out;
  }
}

/** One run in this process's engine: save, timed run to `target` records, stop, results read back and checked, remove. */
async function runOnce(engine: Engine, connectionId: string, input: PipelineInput, target: number): Promise<EngineRun> {
  const saved = data<Pipeline>(await engine.dispatch('pipelines:save', { ...input, connectionId }));
  resetPeakRss();
  const seconds = await timedRun(engine, saved.id, target);
  const vmHwmKiB = peakRssKiB();
  const status = data<PipelineStatus>(await engine.dispatch('pipelines:stop', { id: saved.id }));
  // Not timed: the results must account for every record read (a fast but wrong pipeline fails here).
  const readings = await resultsByWindow(engine, saved.id, input.aggregation?.groupBy ?? [], 'readings');
  const counted = readings.reduce((sum, [, n]) => sum + n, 0);
  const bad = Object.values(status.badRecords).reduce((a, b) => a + b, 0);
  if (counted !== status.recordsIn - status.lateRows - bad)
    throw new Error(`results count ${counted} readings, expected ${status.recordsIn} read − ${status.lateRows} late − ${bad} bad`);
  data(await engine.dispatch('pipelines:remove', { id: saved.id }));
  return { seconds, vmHwmKiB, status, readings };
}

function serve(): void {
  let ready: Promise<{ engine: Engine; connectionId: string }> | null = null;
  const reply = (message: FromChild) => process.send?.(message);
  process.on('message', (message: ToChild) => {
    if (message.kind === 'exit') {
      void (ready ?? Promise.resolve(null)).then((r) => r?.engine.dispose()).finally(() => process.exit(0));
      return;
    }
    const work =
      message.kind === 'init'
        ? (ready = benchEngine(
            { ...message, options: { smoke: false, runs: 0, warmups: 0 }, log: () => undefined, versions: {} },
            'pipeline',
          )).then((): FromChild => ({ kind: 'ready' }))
        : (ready ?? Promise.reject(new Error('run before init'))).then(async ({ engine, connectionId }): Promise<FromChild> => ({
            kind: 'ran',
            result: await runOnce(engine, connectionId, message.pipeline, message.target),
          }));
    void work.then(reply, (error: unknown) => reply({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }));
  });
}

export interface EngineChild {
  pid: number;
  run(pipeline: PipelineInput, target: number): Promise<EngineRun>;
  /** Disposes the engine and ends the process. */
  stop(): Promise<void>;
}

/** Forks this module with the bench's cluster: one engine process for all our runs of the benchmark. */
export async function startEngineChild(ctx: BenchContext): Promise<EngineChild> {
  const child = fork(fileURLToPath(import.meta.url), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) => reject(new Error(`the engine child exited with ${code ?? signal}`))),
  );
  exited.catch(() => undefined);
  const ask = async (message: ToChild): Promise<FromChild> => {
    const answer = new Promise<FromChild>((resolve) => child.once('message', (m: FromChild) => resolve(m)));
    child.send(message);
    const got = await Promise.race([answer, exited]);
    if (got.kind === 'failed') throw new Error(got.message);
    return got;
  };
  await ask({ kind: 'init', bootstrap: ctx.bootstrap, cacheDir: ctx.cacheDir, tmpDir: ctx.tmpDir });
  return {
    pid: child.pid ?? NaN,
    async run(pipeline, target) {
      const got = await ask({ kind: 'run', pipeline, target });
      if (got.kind !== 'ran') throw new Error(`the engine child answered ${got.kind}`);
      return got.result;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send({ kind: 'exit' } satisfies ToChild);
      await gone;
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) serve();
