import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { MessagePage, ScanProgress } from '../shared/topic-browser.js';
import type { Benchmark } from './context.js';
import { measureEach, ratioFields, type BenchRow } from './harness.js';
import { countLines, ensureKcat, pipeFileTo } from './peers.js';
import { createTopic, record256 } from './topics.js';
import { benchEngine, data } from './engine.js';

/** 1% of the records: sensor_3 readings whose i ends in 02 (10,000 of 1,000,000). */
const FILTER = 'value.sensor_id == "sensor_3" && int(value.i) % 100 == 2';

/** The target for a click in the browser: at most 1.2 × kcat's time for the same rows (ratio = kcat / ours ≥ 0.83). */
const WITHIN_KCAT = 'within 1.2× kcat time (ratio ≥ 0.83)';

/**
 * The topic browser on a 1,000,000-record topic over 3 partitions (preloaded with kcat -P): newest
 * 100 and a seek to a timestamp (engine call = click to rows, minus React's render), and a filtered
 * scan of the whole topic against `kcat -C -e -o beginning` on the same topic in the same run.
 */
export const topicBrowserBench: Benchmark = {
  name: 'topic-browser',
  summary: 'topic browser: newest 100, seek by timestamp, filtered scan vs kcat -C',
  async run(ctx) {
    const n = ctx.options.smoke ? 3_000 : 1_000_000;
    ctx.versions.kcat = ensureKcat();
    const bootstrap = ctx.bootstrap.join(',');
    const topic = `bench-browser-${Date.now()}`;
    await createTopic(ctx.bootstrap, topic, 3);
    const file = join(ctx.tmpDir, `browser-${n}.txt`);
    const out = createWriteStream(file);
    for (let i = 0; i < n; i++) out.write(record256(i) + '\n');
    out.end();
    await finished(out);
    const before = Date.now();
    await pipeFileTo('kcat', ['-P', '-b', bootstrap, '-t', topic], file);
    ctx.log(`preloaded ${n} records in ${Date.now() - before} ms`);

    const { engine, connectionId } = await benchEngine(ctx, 'topic-browser');
    try {
      const read = async (start: unknown) => {
        const started = performance.now();
        const page = data<MessagePage>(await engine.dispatch('messages:read', { connectionId, topic, partition: null, start, limit: 100 }));
        const ms = performance.now() - started;
        if (page.messages.length !== 100)
          throw new Error(`read ${page.messages.length} of 100 messages (watermarks ${JSON.stringify(page.watermarks)})`);
        return ms;
      };
      // Seek target: the timestamp of the record in the middle of partition 0 (kcat stamps CreateTime).
      const marks = data<MessagePage>(
        await engine.dispatch('messages:read', { connectionId, topic, partition: 0, start: { kind: 'newest' }, limit: 1 }),
      ).watermarks;
      const middle = Math.floor((marks[0]?.high ?? 0) / 2);
      const probe = data<MessagePage>(
        await engine.dispatch('messages:read', { connectionId, topic, partition: 0, start: { kind: 'offset', offset: middle }, limit: 1 }),
      );
      const seekTo = probe.messages[0]?.timestamp ?? before;
      // Each of ours interleaved with its kcat peer, run by run.
      const kcatMs = async (args: string[]) => {
        const started = performance.now();
        const lines = await countLines('kcat', ['-C', '-b', bootstrap, '-t', topic, ...args, '-e', '-q']);
        if (lines !== 100) throw new Error(`kcat read ${lines} of 100`);
        return performance.now() - started;
      };
      const { newest, kcatLast } = await measureEach(
        ctx.options,
        {
          newest: { unit: 'ms', once: () => read({ kind: 'newest' }) },
          kcatLast: { unit: 'ms', once: () => kcatMs(['-o', '-100', '-c', '100']) },
        },
        (line) => ctx.log(`newest 100: ${line}`),
      );
      const { seek, kcatSeek } = await measureEach(
        ctx.options,
        {
          seek: { unit: 'ms', once: () => read({ kind: 'timestamp', timestamp: seekTo }) },
          kcatSeek: { unit: 'ms', once: () => kcatMs(['-o', `s@${seekTo}`, '-c', '100']) },
        },
        (line) => ctx.log(`seek to timestamp: ${line}`),
      );

      let matched = 0;
      const { scan, kcat } = await measureEach(
        ctx.options,
        {
          scan: {
            unit: 'msg/s',
            once: async () => {
              const started = performance.now();
              const { scanId } = data<{ scanId: string }>(
                await engine.dispatch('messages:scanStart', {
                  connectionId,
                  topic,
                  from: { kind: 'oldest' },
                  expression: FILTER,
                  maxMatches: 100_000,
                }),
              );
              for (;;) {
                const { progress } = data<{ progress: ScanProgress }>(
                  await engine.dispatch('messages:scanResults', { id: scanId, offset: 0, limit: 1 }),
                );
                if (progress.state !== 'running') {
                  if (progress.state !== 'done' || progress.scanned !== n)
                    throw new Error(`scan ${progress.state} after ${progress.scanned} of ${n}: ${progress.error ?? ''}`);
                  matched = progress.matched;
                  return n / ((performance.now() - started) / 1000);
                }
                await new Promise((done) => setTimeout(done, 20));
              }
            },
          },
          kcat: {
            unit: 'msg/s',
            once: async () => {
              const started = performance.now();
              const lines = await countLines('kcat', ['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', '-e', '-q']);
              if (lines < n) throw new Error(`kcat read ${lines} of ${n} records`);
              return n / ((performance.now() - started) / 1000);
            },
          },
        },
        (line) => ctx.log(`filtered scan: ${line}`),
      );

      const label = `topic browser, ${n.toLocaleString('en-US')} records × 256 B, 3 partitions`;
      const scanRatio = ratioFields(scan, kcat);
      const newestRatio = ratioFields(newest, kcatLast, true);
      const seekRatio = ratioFields(seek, kcatSeek, true);
      const rows: BenchRow[] = [
        {
          benchmark: `${label}: newest 100`,
          ours: { label: 'messages:read newest', m: newest },
          peer: { label: 'kcat -C -o -100 -c 100 -e', m: kcatLast },
          ...newestRatio,
          target: WITHIN_KCAT,
          pass: newestRatio.ratio !== null && newestRatio.ratio >= 1 / 1.2,
        },
        {
          benchmark: `${label}: seek to a timestamp, 100 rows`,
          ours: { label: 'messages:read timestamp', m: seek },
          peer: { label: 'kcat -C -o s@<ts> -c 100 -e', m: kcatSeek },
          ...seekRatio,
          target: WITHIN_KCAT,
          pass: seekRatio.ratio !== null && seekRatio.ratio >= 1 / 1.2,
        },
        {
          benchmark: `${label}: filtered scan of the whole topic (${matched} matches)`,
          ours: { label: 'messages:scanStart (CEL filter)', m: scan },
          peer: { label: 'kcat -C -e -o beginning', m: kcat },
          ...scanRatio,
          target: '≥ 0.5× kcat',
          pass: scanRatio.ratio === null ? null : scanRatio.ratio >= 0.5,
          note: `filter: ${FILTER}`,
        },
      ];
      return rows;
    } finally {
      await engine.dispose();
    }
  },
};
