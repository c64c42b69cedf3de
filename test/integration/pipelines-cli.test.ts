import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, inject, it } from 'vitest';
import type { Connection } from '../../shared/connection.js';
import type { Pipeline } from '../../shared/pipelines.js';
import { data, tempDir, testEngine, uniqueName } from '../helpers.js';
import { createTopic, inputProducer, pipelineWorker, waitFor } from './pipelines-helpers.js';

const bootstrap = inject('kafkaBootstrap');
const MIN = 60_000;
const BASE = Date.UTC(2024, 4, 1, 12, 0, 0);

describe('npm run cli -- pipeline run', () => {
  it(
    'survives kill -9 mid-run: after a restart the final counts equal the records produced, none lost or counted twice',
    { timeout: 240_000 },
    async () => {
      const dir = tempDir('pipelines-cli');
      try {
        const topic = uniqueName('cli-input');
        await createTopic(bootstrap, topic, 3);
        const engine = testEngine(dir.path);
        const connectionId = data<Connection>(
          await engine.dispatch('connections:save', { name: 'suite', bootstrapServers: bootstrap.split(',') }),
        ).id;
        const name = uniqueName('cli sensors');
        const pipeline = data<Pipeline>(
          await engine.dispatch('pipelines:save', {
            name,
            connectionId,
            topics: [topic],
            groupId: uniqueName('cli-group'),
            maxRecordsPerBatch: 40,
            triggerIntervalMs: 20,
            projection: [
              { column: 'ts', path: 'timestamp', type: 'timestamp', timestampFormat: 'iso' },
              { column: 'sensor_id', path: 'sensor_id', type: 'string' },
            ],
            // Event times span ~67 minutes: a 2-hour watermark delay makes no row late, so every record must be counted.
            aggregation: {
              groupBy: ['sensor_id'],
              window: { column: 'ts', durationMs: 5 * MIN },
              watermarkDelayMs: 120 * MIN,
              aggregates: [{ fn: 'count', as: 'n' }],
            },
            outputMode: 'update',
          }),
        );
        await engine.dispose();

        const total = 4000;
        const records = Array.from({ length: total }, (_, i) => ({
          timestamp: new Date(BASE + i * 1000).toISOString(),
          sensor_id: `sensor_${(i % 10) + 1}`,
        }));
        const producer = inputProducer(bootstrap);
        let produced = 0;
        const produceChunk = async (n: number) => {
          const chunk = records.slice(produced, produced + n);
          await producer.send(chunk.map((r) => ({ topic, key: r.sensor_id, value: JSON.stringify(r) })));
          produced += chunk.length;
        };
        await produceChunk(1500);

        const store = new Database(join(dir.path, 'workbench.sqlite'), { readonly: true });
        const consumed = () =>
          Number(
            store
              .prepare<[string], { n: number | null }>(
                'SELECT SUM(CAST(next_offset AS INTEGER)) AS n FROM pipeline_offsets WHERE pipeline_id = ?',
              )
              .get(pipeline.id)?.n ?? 0,
          );
        const batches = () =>
          store.prepare<[string], { batch: number }>('SELECT batch FROM pipeline_progress WHERE pipeline_id = ?').get(pipeline.id)?.batch ??
          0;

        const first = pipelineWorker(dir.path, name);
        await waitFor(() => batches() >= 8, 60_000, 'eight batches before the kill');
        first.child.kill('SIGKILL');
        expect(await first.exited).toBeNull();
        const atKill = consumed();
        expect(atKill).toBeGreaterThan(0);
        expect(atKill).toBeLessThan(total);
        // Records keep arriving while the worker is down, and after it comes back.
        await produceChunk(1000);
        const second = pipelineWorker(dir.path, name);
        await produceChunk(1500);
        await producer.close();
        expect(produced).toBe(total);
        await waitFor(
          () => consumed() === total,
          150_000,
          `all ${total} records consumed (now ${consumed()}; worker said: ${second.output().slice(-500)})`,
        );
        second.child.kill('SIGTERM');
        expect(await second.exited).toBe(0);
        expect(second.output()).toContain('done:');

        const counted = store
          .prepare<[string], { n: number }>(`SELECT SUM(json_extract(values_json, '$.n')) AS n FROM pipeline_results WHERE pipeline_id = ?`)
          .get(pipeline.id);
        expect(counted?.n).toBe(total);
        const perWindow = new Map<string, number>();
        for (const r of records) {
          const ts = Date.parse(r.timestamp);
          const key = `${r.sensor_id}|${ts - (ts % (5 * MIN))}`;
          perWindow.set(key, (perWindow.get(key) ?? 0) + 1);
        }
        const actual = store
          .prepare<[string], { sensor: string; start: number; n: number }>(
            `SELECT json_extract(group_json, '$[0]') AS sensor, window_start AS start, json_extract(values_json, '$.n') AS n FROM pipeline_results WHERE pipeline_id = ?`,
          )
          .all(pipeline.id);
        const got = new Map(actual.map((a) => [`${a.sensor}|${a.start}`, a.n]));
        const figures = { found: 0, duplicated: 0, lost: 0 };
        for (const [key, n] of perWindow) {
          const counted = got.get(key) ?? 0;
          figures.found += counted;
          figures.duplicated += Math.max(0, counted - n);
          figures.lost += Math.max(0, n - counted);
        }
        console.log(
          `engine kill -9 mid-pipeline: produced ${total}, found ${figures.found}, duplicated ${figures.duplicated}, lost ${figures.lost}; killed after ${atKill} records were checkpointed`,
        );
        expect(got).toEqual(perWindow);
        expect(
          store.prepare<[string], { late_rows: number }>('SELECT late_rows FROM pipeline_progress WHERE pipeline_id = ?').get(pipeline.id)
            ?.late_rows,
        ).toBe(0);
        store.close();
      } finally {
        dir.remove();
      }
    },
  );
});
