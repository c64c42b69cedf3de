import { availableParallelism, loadavg } from 'node:os';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Connection } from '../../shared/connection.js';
import type { ScanProgress } from '../../shared/topic-browser.js';
import type { Engine } from '../../electron/engine/engine.js';
import { FILTER_MAX_MS } from '../../electron/engine/topics/filter-budget.js';
import { compileFilter, type RawRecord } from '../../electron/engine/topics/filter.js';
import { data, tempDir, testEngine, uniqueName } from '../helpers.js';
import { produce, readAll } from '../kafka.js';

// Hostile filters against hostile records, with the engine's ping measured throughout: every
// evaluation is metered (filter-budget.ts), so no filter freezes the engine or exhausts its memory.
// The records are the ones that froze or killed the engine before: a 400-character JSON key and
// header name under a backtracking pattern, a 30,000-character value split inside a loop.
const bootstrap = inject('kafkaBootstrap');
const dir = tempDir('topics-filter-fuzz');
let engine: Engine;
let connectionId: string;
const topic = uniqueName('topics-filter-fuzz');
const EXPRESSIONS = 10_000;
const PING_EVERY_MS = 10;
const PING_LIMIT_MS = 100;
/**
 * 100 ms of this process's share of the machine: where other work keeps more runnable processes
 * than cores (load average over core count), the engine gets that much less of a core, and every
 * wall-clock figure stretches by the same factor. Unloaded, the limit is 100 ms.
 */
const pingLimit = () => PING_LIMIT_MS * Math.max(1, (loadavg()[0] ?? 0) / availableParallelism());

const longKey = 'a'.repeat(400);
const hostileRecords = [
  { key: 'object-key', value: JSON.stringify({ [longKey]: 1, b: 'x' }) },
  { key: 'header-name', value: '{"b": 1}', headers: [[longKey, 'v'] as const] },
  { key: 'long-value', value: 'ab'.repeat(15_000) },
  { key: 'long-list', value: JSON.stringify(Array.from({ length: 20_000 }, (_, i) => i % 10)) },
  { key: 'deep', value: `${'['.repeat(3_000)}${']'.repeat(3_000)}` },
  { key: 'sensor', value: JSON.stringify({ temperature: 31.5, tags: ['a', 'b'], __proto__: 1 }) },
];

/** Round trips of a cheap engine method every 10 ms, from start() to stop(): the worst one is the engine's longest freeze. */
function pinger() {
  let worst = 0;
  let count = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      // Measured from when the ping was due: a blocked event loop delays the timer as well as the answer.
      const due = performance.now() + PING_EVERY_MS;
      await new Promise((done) => setTimeout(done, PING_EVERY_MS));
      data(await engine.dispatch('app:info', undefined));
      worst = Math.max(worst, performance.now() - due);
      count++;
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { worst, count };
    },
  };
}

async function finishedScan(expression: string): Promise<ScanProgress> {
  const { scanId } = data<{ scanId: string }>(
    await engine.dispatch('messages:scanStart', { connectionId, topic, from: { kind: 'oldest' }, expression }),
  );
  for (;;) {
    const { progress } = data<{ progress: ScanProgress }>(
      await engine.dispatch('messages:scanResults', { id: scanId, offset: 0, limit: 1 }),
    );
    if (progress.state !== 'running') return progress;
    await new Promise((done) => setTimeout(done, 20));
  }
}

// Well-formed CEL built from the shapes that cost: loops, split/join, concatenation, cel.bind
// doubling, backtracking patterns, over keys, header names and values.
const patterns = ['^a*a*a*a*a*c', '^(a+)+$', '(x+x+)+y', '^(a|aa)+$', '.*.*.*.*x', '[a-z]+[0-9]*$'];
const expressionArbitrary = fc.letrec<{ str: string; list: string; bool: string }>((tie) => ({
  str: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('string(key)', 'string(value)', '"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"', 'headers.b'),
    fc.tuple(tie('str'), tie('str')).map(([a, b]) => `(${a} + ${b})`),
    tie('list').map((l) => `${l}.join("")`),
    tie('str').map((s) => `cel.bind(d, ${s} + ${s}, cel.bind(e, d + d, e + e))`),
  ),
  list: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(
      'value',
      'headers.map(k, k)',
      '["a", "b"]',
      'string(value).split("")',
      'string(value).split("a")',
      'string(key).split("")',
    ),
    tie('str').map((s) => `${s}.split("")`),
    fc.tuple(tie('list'), tie('list')).map(([a, b]) => `${a}.map(x, ${b})`),
    fc.tuple(tie('list'), tie('bool')).map(([l, b]) => `${l}.filter(x, ${b})`),
    fc.tuple(tie('list'), tie('list')).map(([a, b]) => `(${a} + ${b})`),
  ),
  bool: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('true', 'has(value.b)', 'key == "sensor"'),
    fc.tuple(tie('str'), fc.constantFrom(...patterns)).map(([s, p]) => `${s}.matches("${p}")`),
    fc.tuple(tie('list'), fc.constantFrom(...patterns)).map(([l, p]) => `${l}.exists(x, string(x).matches("${p}"))`),
    fc.tuple(tie('list'), tie('bool')).map(([l, b]) => `${l}.all(x, ${b})`),
    fc.tuple(tie('list'), fc.nat(50)).map(([l, n]) => `size(${l}) > ${n}`),
    fc.tuple(tie('str'), tie('str')).map(([a, b]) => `${a}.contains(${b})`),
    fc.tuple(tie('bool'), tie('bool'), fc.constantFrom('&&', '||')).map(([a, b, op]) => `(${a}) ${op} (${b})`),
  ),
})).bool;

let records: RawRecord[] = [];

beforeAll(async () => {
  engine = testEngine(dir.path);
  connectionId = data<Connection>(await engine.dispatch('connections:save', { name: 'suite', bootstrapServers: bootstrap.split(',') })).id;
  data(await engine.dispatch('topics:create', { connectionId, topic, partitions: 1, replicationFactor: 1 }));
  await produce(
    bootstrap,
    hostileRecords.map((r) => ({ topic, partition: 0, key: r.key, value: r.value, ...(r.headers ? { headers: r.headers } : {}) })),
  );
  records = (await readAll(bootstrap, topic)).map((r) => ({
    partition: r.partition,
    offset: r.offset,
    timestamp: r.timestamp,
    key: r.key,
    value: r.value,
    headers: r.headers,
  }));
});
afterAll(async () => {
  await engine.dispose();
  dir.remove();
});

describe('hostile filters against hostile records', () => {
  it('scans with the filters that froze or killed the engine finish, counting the too costly records, while the engine answers', async () => {
    // A first scan opens the connection and loads the modules; the figures are for the three after it.
    await finishedScan('true');
    const ping = pinger();
    const started = performance.now();
    const keys = await finishedScan(`value.exists(k, k.matches("^a*a*a*a*a*c"))`);
    const headers = await finishedScan(`headers.exists(k, k.matches("^a*a*a*a*a*c"))`);
    const split = await finishedScan(`value.split("").map(x, value.split("")).size() > 0`);
    const ms = performance.now() - started;
    const { worst, count } = await ping.stop();
    console.log(
      `[figure] the three scans of the report: ${ms.toFixed(0)} ms in all; worst ping ${worst.toFixed(0)} ms over ${count} pings`,
    );
    for (const scan of [keys, headers, split]) expect(scan).toMatchObject({ state: 'done', scanned: hostileRecords.length });
    expect(keys.matched).toBe(0);
    expect(headers.matched).toBe(0);
    expect(split.tooCostly).toBeGreaterThanOrEqual(1);
    expect(worst).toBeLessThan(pingLimit());
  });

  it(`evaluates ${EXPRESSIONS.toLocaleString('en-US')} generated expressions within the budget, the engine answering every ${PING_EVERY_MS} ms`, async () => {
    const expressions = fc.sample(expressionArbitrary, { numRuns: EXPRESSIONS, seed: 20 });
    const ping = pinger();
    const rssBefore = process.memoryUsage().rss;
    let slowest = 0;
    let slowestCpu = 0;
    let slowestExpression = '';
    let refused = 0;
    const reasons = new Map<string, number>();
    let tooCostly = 0;
    let evaluations = 0;
    const started = performance.now();
    for (const [i, expression] of expressions.entries()) {
      let predicate: ((r: RawRecord) => boolean) | null = null;
      try {
        predicate = compileFilter(expression);
      } catch (error) {
        refused++;
        const reason = (error instanceof Error ? error.message : String(error)).slice(0, 60);
        reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      }
      if (predicate !== null) {
        // Each expression meets one of the records in turn (all of them would take too long).
        const record = records[i % records.length];
        const begun = performance.now();
        // This thread's CPU only: V8's GC helper threads and other processes are not the filter's time.
        const cpuBefore = process.threadCpuUsage();
        try {
          predicate(record);
        } catch (error) {
          if (error instanceof Error && error.name === 'FilterTooCostly') tooCostly++;
        }
        const cpu = process.threadCpuUsage(cpuBefore);
        const took = performance.now() - begun;
        evaluations++;
        slowestCpu = Math.max(slowestCpu, (cpu.user + cpu.system) / 1000);
        if (took > slowest) [slowest, slowestExpression] = [took, expression];
      }
      // As a scan does: other work gets its turn between records.
      await new Promise<void>((done) => setImmediate(done));
    }
    const ms = performance.now() - started;
    const { worst, count } = await ping.stop();
    const rssMb = (process.memoryUsage().rss - rssBefore) / 1e6;
    console.log(
      `[figure] ${expressions.length} expressions (${refused} refused at compile time), ${evaluations} evaluations, ${tooCostly} stopped as too costly, in ${(ms / 1000).toFixed(1)} s; ` +
        `slowest evaluation ${slowest.toFixed(1)} ms wall, ${slowestCpu.toFixed(1)} ms CPU (${slowestExpression.slice(0, 400)}); worst ping ${worst.toFixed(1)} ms over ${count} pings (limit ${pingLimit().toFixed(0)} ms at load ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores); RSS ${rssMb >= 0 ? '+' : ''}${rssMb.toFixed(0)} MB`,
    );
    console.log([...reasons].sort((a, b) => b[1] - a[1]).slice(0, 5));
    expect(expressions.length).toBeGreaterThanOrEqual(10_000);
    expect(evaluations).toBeGreaterThan(expressions.length / 2);
    expect(slowestCpu).toBeLessThan(FILTER_MAX_MS * 2);
    expect(worst).toBeLessThan(pingLimit());
  }, 600_000);
});
