import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../shared/connection.js';
import type { ExportProgress } from '../../shared/exports.js';
import type { Engine } from '../../electron/engine/engine.js';
import { data, tempDir, testEngine, uniqueName } from '../helpers.js';
import { createTopic, produce } from '../kafka.js';
import { OwnCluster } from '../reliability/own-cluster.js';
import { duckdb } from './exports-readers.js';

// docs/GUARANTEES.md: an export whose broker goes away says so while it runs — "stalled", in words,
// with since when — instead of sitting at "running 33%", and goes on when the broker is back,
// writing each offset once. The broker is this file's own cluster (the suite's is never killed).
let cluster: OwnCluster;
const dir = tempDir('exports-outage');
let engine: Engine;
let connectionId: string;
const progress: ExportProgress[] = [];
const topic = uniqueName('exports-outage');
const TOTAL = 200_000;

beforeAll(async () => {
  cluster = await OwnCluster.start('exports-outage', 1);
  await createTopic(cluster.bootstrap, topic, 2);
  for (let from = 0; from < TOTAL; from += 50_000) {
    await produce(
      cluster.bootstrap,
      Array.from({ length: 50_000 }, (_, i) => ({
        topic,
        partition: (from + i) % 2,
        key: `k${from + i}`,
        value: `{"i":${from + i},"pad":"${'x'.repeat(80)}"}`,
      })),
    );
  }
  engine = testEngine(join(dir.path, 'data'));
  engine.events.on('exports:progress', (p) => progress.push(p));
  connectionId = data<Connection>(
    await engine.dispatch('connections:save', { name: 'own', bootstrapServers: cluster.bootstrap.split(',') }),
  ).id;
}, 240_000);
afterAll(async () => {
  await engine?.dispose();
  await cluster?.stop();
  dir.remove();
});

describe('an export while its broker is down', () => {
  it('shows "stalled" with the reason and since when within seconds, then finishes with every offset once', async () => {
    const folder = join(dir.path, 'out');
    mkdirSync(folder);
    const { jobId, location } = data<{ jobId: string; location: string }>(
      await engine.dispatch('exports:start', {
        source: { kind: 'topic', connectionId, topic },
        format: { kind: 'jsonl' },
        target: { kind: 'local', folder },
        name: 'outage',
      }),
    );
    const mine = () => progress.filter((p) => p.jobId === jobId);
    await expect.poll(() => mine().some((p) => p.rows > 0), { timeout: 30_000, interval: 20 }).toBe(true);
    expect(mine().at(-1)?.status, 'the export finished before the broker could be killed').toBe('running');
    await cluster.kill(1);
    const killed = Date.now();

    await expect
      .poll(() => mine().at(-1)?.stalled ?? '', { timeout: 20_000, interval: 100 })
      .toMatch(/\(since \d\d:\d\d:\d\d UTC\); retrying$/);
    const saidMs = Date.now() - killed;
    const stalled = mine().at(-1) as ExportProgress;
    expect(stalled.status).toBe('running');
    expect(stalled.percent ?? 0).toBeLessThan(100);
    const restartMs = await cluster.restart();

    await expect.poll(() => mine().at(-1)?.status, { timeout: 120_000, interval: 200 }).not.toBe('running');
    const final = mine().at(-1) as ExportProgress;
    expect(final).toMatchObject({ status: 'done', rows: TOTAL });
    expect(final.stalled).toBeUndefined();
    const [counts] = await duckdb(
      `SELECT count(*)::INT AS n, count(DISTINCT (partition, "offset"))::INT AS distinct_offsets FROM read_json('${location}', format = 'newline_delimited')`,
    );
    expect(counts).toEqual({ n: TOTAL, distinct_offsets: TOTAL });
    console.log(
      `[figure] export of ${TOTAL} records with its broker killed at ${stalled.rows} rows: "stalled" said ${saidMs} ms after the kill (${stalled.stalled}); broker back in ${restartMs} ms; done with ${final.rows} rows, ${String(counts?.distinct_offsets)} distinct offsets`,
    );
  }, 300_000);
});
