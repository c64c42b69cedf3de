import { mkdtempSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { LocalCluster } from '../../electron/engine/cluster/local-cluster.js';
import { findFreePortBlock } from '../../electron/engine/cluster/ports.js';
import { resolveCacheDir } from '../../electron/engine/paths.js';
import { preloadSensors, benchEngine, data, sensorPipeline, sensorRecord } from '../../bench/pipeline.bench.js';
import { pipeFileTo } from '../../bench/peers.js';
import { createTopic } from '../../bench/topics.js';
import type { Pipeline, PipelineStatus } from '../../shared/pipelines.js';

const n = Number(process.env.N ?? 200000);
const extra = JSON.parse(process.env.EXTRA ?? '{}');
const work = mkdtempSync(join(tmpdir(), 'kwb-explore-'));
const cluster = new LocalCluster({ dataDir: join(work, 'data'), cacheDir: resolveCacheDir() });
const status = await cluster.start({ brokers: 1, port: await findFreePortBlock(2, 40_000, 50_000) });
const ctx = { bootstrap: status.bootstrapServers, cacheDir: resolveCacheDir(), tmpDir: work, options: { smoke: false, runs: 1, warmups: 0 }, log: console.log, versions: {} };
const topic = 't' + Date.now();
await createTopic(ctx.bootstrap, topic, 3);
await preloadSensors(ctx as never, topic, n);
const { engine, connectionId } = await benchEngine(ctx as never, 'x');
for (let run = 0; run < 2; run++) {
  const saved = data<Pipeline>(await engine.dispatch('pipelines:save', sensorPipeline(connectionId, topic, 'g' + Date.now() + run, extra)));
  const session = new Session(); if (run === 1 && process.env.PROF) { session.connect(); await session.post('Profiler.enable'); await session.post('Profiler.start'); }
  const t0 = performance.now();
  data(await engine.dispatch('pipelines:start', { id: saved.id }));
  const t1 = performance.now();
  let first = 0; let s: PipelineStatus;
  for (;;) {
    s = data<PipelineStatus>(await engine.dispatch('pipelines:status', { id: saved.id }));
    if (s.recordsIn > 0 && !first) first = performance.now();
    if (s.recordsIn >= n) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const t2 = performance.now();
  console.log(`start ${Math.round(t1 - t0)} ms, first batch +${Math.round(first - t1)} ms, rest ${Math.round(t2 - first)} ms → steady ${Math.round(n / ((t2 - first) / 1000))}/s, total ${Math.round(n / ((t2 - t0) / 1000))}/s; batches ${s.batches} late ${s.lateRows} open ${s.openWindows} lastBatchMs ${s.lastBatchMs}`);
  if (run === 1 && process.env.PROF) { const { profile } = await session.post('Profiler.stop'); writeFileSync(process.env.PROF, JSON.stringify(profile)); }
  await engine.dispatch('pipelines:stop', { id: saved.id });
}
await engine.dispose();
await cluster.stop(); await cluster.dispose();
process.exit(0);
