import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, inject, it } from 'vitest';
import type { Connection } from '../../shared/connection.js';
import type { Pipeline, PipelineInput, PipelineStatus } from '../../shared/pipelines.js';
import { data, tempDir, testEngine, uniqueName } from '../helpers.js';
import { readAll, watermarks, withAdmin } from '../kafka.js';
import { createTopic, inputProducer, produceInput, waitFor } from './pipelines-helpers.js';

const bootstrap = inject('kafkaBootstrap');
// `node --import tsx`, one process per worker, so that SIGKILL hits the worker itself.
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const MIN = 60_000;
const BASE = Date.UTC(2024, 4, 1, 12, 0, 0);

/** `npm run cli -- pipeline run <file> --data-dir D --bootstrap B`: a headless worker with its own store ("machine"). */
function worker(dataDir: string, file: string): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  mkdirSync(dataDir, { recursive: true });
  const args = [
    '--import',
    TSX_LOADER,
    resolve('electron/cli/cli.ts'),
    'pipeline',
    'run',
    file,
    '--data-dir',
    dataDir,
    '--bootstrap',
    bootstrap,
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

/** The partitions a worker said it holds last (`holds partitions [0,2]`). */
function held(output: string): number[] | null {
  const all = [...output.matchAll(/holds partitions \[([\d,]*)\]/g)];
  const last = all.at(-1)?.[1];
  return last === undefined ? null : last.split(',').filter(Boolean).map(Number);
}

/** Reads a topic to its end offsets (read_committed: aborted transactions are skipped): last value per key. */
async function lastValues(topic: string): Promise<Map<string, Record<string, unknown>>> {
  const latest = new Map<string, Record<string, unknown>>();
  for (const record of await readAll(bootstrap, topic, 'read_committed')) {
    if (record.key && record.value) latest.set(record.key.toString(), JSON.parse(record.value.toString()) as Record<string, unknown>);
  }
  return latest;
}

async function groupOffsets(groupId: string, topic: string): Promise<number> {
  const offsets = await withAdmin(bootstrap, (admin) => admin.committedOffsets(groupId, topic));
  return [...offsets.values()].reduce((n, offset) => n + Math.max(0, offset), 0);
}

function spec(topic: string, groupId: string, output: string, extra: Partial<PipelineInput> = {}): Omit<PipelineInput, 'connectionId'> {
  return {
    name: uniqueName('scale-out sensors'),
    topics: [topic],
    groupId,
    maxRecordsPerBatch: 40,
    triggerIntervalMs: 20,
    projection: [
      { column: 'ts', path: 'timestamp', type: 'timestamp', timestampFormat: 'iso' },
      { column: 'sensor_id', path: 'sensor_id', type: 'string' },
      { column: 'temperature', path: 'temperature', type: 'double' },
    ],
    // Event times span 100 minutes: a 3-hour delay makes no row late, so every record must be counted.
    aggregation: {
      groupBy: ['sensor_id'],
      window: { column: 'ts', durationMs: 5 * MIN },
      watermarkDelayMs: 180 * MIN,
      aggregates: [
        { fn: 'count', as: 'n' },
        { fn: 'avg', column: 'temperature', as: 'avg_temperature' },
        { fn: 'max', column: 'temperature', as: 'max_temperature' },
      ],
    },
    outputMode: 'update',
    sinks: [{ kind: 'kafka', topic: output, format: 'json' }],
    ...extra,
  };
}

const windowKey = (sensor: unknown, start: unknown) => `${String(sensor)}|${String(start)}`;

describe('pipelines scale-out: two headless workers, one killed mid-run', () => {
  it(
    "splits 3 partitions, moves the killed worker's partitions with their state, and the final aggregates equal a single-worker run",
    { timeout: 420_000 },
    async () => {
      const dir = tempDir('pipelines-scale-out');
      try {
        const topic = uniqueName('scale-out-input');
        const output = uniqueName('scale-out-output');
        await createTopic(bootstrap, topic, 3);
        await createTopic(bootstrap, output, 3);
        const groupId = uniqueName('scale-out-group');
        const file = join(dir.path, 'pipeline.json');
        writeFileSync(file, JSON.stringify({ ...spec(topic, groupId, output), scaleOut: true }));

        const total = 6000;
        const records = Array.from({ length: total }, (_, i) => ({
          timestamp: new Date(BASE + i * 1000).toISOString(),
          // sensor_6 … sensor_17: the default partitioner puts 2, 4 and 6 of them in partitions 0, 1, 2.
          sensor_id: `sensor_${(i % 12) + 6}`,
          temperature: 15 + ((i * 7) % 13),
        }));
        const producer = inputProducer(bootstrap);
        let produced = 0;
        const produceChunk = async (n: number) => {
          const chunk = records.slice(produced, produced + n);
          // Keyed by sensor id, as the sensors producer does: each sensor's records in one partition.
          await producer.send(chunk.map((r) => ({ topic, key: r.sensor_id, value: JSON.stringify(r) })));
          produced += chunk.length;
        };

        const a = worker(join(dir.path, 'worker-a'), file);
        const b = worker(join(dir.path, 'worker-b'), file);
        const split = () => {
          const ha = held(a.output());
          const hb = held(b.output());
          return ha !== null && hb !== null && ha.length > 0 && hb.length > 0 && [...ha, ...hb].sort().join(',') === '0,1,2';
        };
        await waitFor(split, 120_000, `both workers to hold partitions (a: ${a.output().slice(-400)} b: ${b.output().slice(-400)})`);

        // Records arrive while both run, while A is dead and B has not taken over yet, and after.
        const localBatches = (name: string) => {
          const store = new Database(join(dir.path, name, 'workbench.sqlite'), { readonly: true });
          try {
            return store.prepare<[], { batch: number }>('SELECT MAX(batch) AS batch FROM pipeline_progress').get()?.batch ?? 0;
          } finally {
            store.close();
          }
        };
        while (produced < 2500) await produceChunk(100);
        expect((await watermarks(bootstrap, topic)).map((o) => o.high > 0)).toEqual([true, true, true]);
        await waitFor(
          () => localBatches('worker-a') >= 5 && localBatches('worker-b') >= 5,
          120_000,
          `batches on both workers (a: ${a.output().slice(-1500)} b: ${b.output().slice(-1500)})`,
        );
        // What A holds when it dies (a rebalance since the split may have moved partitions).
        const partitionsOfA = held(a.output()) ?? [];
        expect(partitionsOfA.length).toBeGreaterThan(0);
        const saidBeforeKill = b.output().length;
        a.child.kill('SIGKILL');
        expect(await a.exited).toBeNull();
        const committedAtKill = await groupOffsets(groupId, topic);
        expect(committedAtKill).toBeLessThan(total);
        while (produced < 4500) await produceChunk(100);
        await waitFor(
          () => (held(b.output()) ?? []).length === 3,
          120_000,
          `worker B to take over every partition (${b.output().slice(-600)})`,
        );
        while (produced < total) await produceChunk(100);
        await producer.close();
        let consumed = 0;
        const until = Date.now() + 180_000;
        while ((consumed = await groupOffsets(groupId, topic)) < total && Date.now() < until) await new Promise((r) => setTimeout(r, 500));
        expect(consumed, `worker B said: ${b.output().slice(-800)}`).toBe(total);
        b.child.kill('SIGTERM');
        expect(await b.exited).toBe(0);
        // After the kill, B restored A's partitions with their open windows (not from empty state). A
        // rebalance on the way (eager protocol: every member gives up its partitions) may also have B
        // restore some of its own partitions from the changelog — correct too — so A's must be among
        // what B restored. (Restores before the kill are the start-up joins, from an empty changelog.)
        const restores = [
          ...b
            .output()
            .slice(saidBeforeKill)
            .matchAll(/restored partitions \[([\d,]+)\][^:]*: (\d+) open windows/g),
        ].map((m) => ({
          partitions: (m[1] ?? '').split(',').map(Number),
          windows: Number(m[2]),
        }));
        for (const partition of partitionsOfA) {
          const restore = restores.find((r) => r.partitions.includes(partition));
          expect(restore, `B restored A's partition ${partition} (B said: ${b.output().slice(-800)})`).toBeDefined();
          expect(restore?.windows).toBeGreaterThan(0);
        }

        // The reference: one worker (the app's engine, exactly-once into SQLite) over the same records.
        const engine = testEngine(join(dir.path, 'single'));
        const connectionId = data<Connection>(
          await engine.dispatch('connections:save', { name: 'suite', bootstrapServers: bootstrap.split(',') }),
        ).id;
        const single = data<Pipeline>(
          await engine.dispatch('pipelines:save', {
            ...spec(topic, uniqueName('single-group'), uniqueName('single-output')),
            sinks: [],
            connectionId,
          }),
        );
        data(await engine.dispatch('pipelines:start', { id: single.id }));
        const store = new Database(join(dir.path, 'single', 'workbench.sqlite'), { readonly: true });
        const singleConsumed = () =>
          Number(
            store
              .prepare<[string], { n: number | null }>(
                'SELECT SUM(CAST(next_offset AS INTEGER)) AS n FROM pipeline_offsets WHERE pipeline_id = ?',
              )
              .get(single.id)?.n ?? 0,
          );
        await waitFor(() => singleConsumed() === total, 120_000, 'the single worker to consume every record');
        data<PipelineStatus>(await engine.dispatch('pipelines:stop', { id: single.id }));
        const reference = new Map(
          store
            .prepare<[string], { sensor: string; start: number; values_json: string }>(
              `SELECT json_extract(group_json, '$[0]') AS sensor, window_start AS start, values_json FROM pipeline_results WHERE pipeline_id = ?`,
            )
            .all(single.id)
            .map((r) => [windowKey(r.sensor, r.start), JSON.parse(r.values_json) as Record<string, unknown>]),
        );
        store.close();
        await engine.dispose();

        // What the two workers wrote to the output topic: the last (committed) value per sensor + window.
        const outputRows = new Map(
          [...(await lastValues(output)).values()].map((v) => [windowKey(v.sensor_id, Date.parse(String(v.window_start))), v]),
        );
        let found = 0;
        let duplicated = 0;
        let lost = 0;
        for (const [key, ref] of reference) {
          const expected = Number(ref.n);
          const got = Number(outputRows.get(key)?.n ?? 0);
          found += got;
          duplicated += Math.max(0, got - expected);
          lost += Math.max(0, expected - got);
        }
        console.log(
          `scale-out: produced ${produced}, found ${found}, duplicated ${duplicated}, lost ${lost}; windows ${outputRows.size} (single worker ${reference.size}); A held [${partitionsOfA.join(',')}] and was killed after ${committedAtKill} committed offsets`,
        );
        expect([...reference.values()].reduce((n, v) => n + Number(v.n), 0)).toBe(total);
        expect({ found, duplicated, lost }).toEqual({ found: total, duplicated: 0, lost: 0 });
        expect(outputRows.size).toBe(reference.size);
        for (const [key, ref] of reference) {
          const got = outputRows.get(key);
          expect({ key, n: got?.n, avg: got?.avg_temperature, max: got?.max_temperature }).toEqual({
            key,
            n: ref.n,
            avg: ref.avg_temperature,
            max: ref.max_temperature,
          });
        }
      } finally {
        dir.remove();
      }
    },
  );

  it('fails with a clear error, not wrong numbers, when a group has records in two partitions', { timeout: 120_000 }, async () => {
    const dir = tempDir('pipelines-scale-out-violation');
    const engine = testEngine(dir.path);
    try {
      const topic = uniqueName('scale-out-mixed');
      await createTopic(bootstrap, topic, 2);
      // sensor_1 written to both partitions: its windows would be split between two partitions' state.
      await produceInput(
        bootstrap,
        [0, 1, 0, 1].map((partition, i) => ({
          topic,
          partition,
          value: JSON.stringify({ timestamp: new Date(BASE + i * 1000).toISOString(), sensor_id: 'sensor_1', temperature: 20 }),
        })),
      );
      const connectionId = data<Connection>(
        await engine.dispatch('connections:save', { name: 'suite', bootstrapServers: bootstrap.split(',') }),
      ).id;
      const pipeline = data<Pipeline>(
        await engine.dispatch('pipelines:save', {
          ...spec(topic, uniqueName('mixed-group'), uniqueName('mixed-output')),
          scaleOut: true,
          connectionId,
        }),
      );
      data(await engine.dispatch('pipelines:start', { id: pipeline.id }));
      let status: PipelineStatus | null = null;
      const until = Date.now() + 90_000;
      while (Date.now() < until) {
        status = data<PipelineStatus>(await engine.dispatch('pipelines:status', { id: pipeline.id }));
        if (status.state === 'failed') break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(status?.state).toBe('failed');
      expect(status?.error).toMatch(/co-partitioned groups.*\["sensor_1"\].*partitions [01] and [01]/);
      const multi = await engine.dispatch('pipelines:save', {
        ...spec(topic, 'g', 'o'),
        topics: [topic, 'other'],
        scaleOut: true,
        connectionId,
      });
      expect(multi.ok ? '' : multi.error.message).toMatch(/one source topic/);
    } finally {
      await engine.dispose();
      dir.remove();
    }
  });
});
