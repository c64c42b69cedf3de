// `npm run bench [-- <name>…] [--smoke] [--bootstrap host:port] [--ports 30000-31000]`: starts the local cluster (or, with
// --bootstrap, uses a broker already running: a quick smoke on a shared machine; not for figures), runs each benchmark (ours, then
// the peers interleaved run by run after a warm-up, median and min–max of 5), writes bench/results/latest.json and latest.md.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { selectKafkaVersion } from '../electron/engine/cluster/kafka-jars.js';
import { clientVersion } from '../electron/engine/kafka/bench-loops.js';
import { LocalCluster } from '../electron/engine/cluster/local-cluster.js';
import { findFreePortBlock } from '../electron/engine/cluster/ports.js';
import { resolveCacheDir } from '../electron/engine/paths.js';
import type { BenchContext } from './context.js';
import { machine, markdownTable, type BenchRow } from './harness.js';
import { longBench } from './long.js';
import { PERF_TOOLS_VERSION } from './peers.js';
import { benchmarks } from './suite.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    smoke: { type: 'boolean', default: false },
    long: { type: 'boolean', default: false },
    bootstrap: { type: 'string' },
    // The local cluster's ports are picked in this range (a machine shared by several runs gives each its own).
    ports: { type: 'string', default: '30000-31000' },
  },
});
// --long adds the 10-minute engine RSS run (bench/long.ts), which the default run leaves out to stay under 10 minutes.
const known = values.long ? [...benchmarks, longBench] : benchmarks;
const selected = positionals.length > 0 ? known.filter((b) => positionals.includes(b.name)) : known;
if (selected.length === 0) {
  console.error(`bench: no benchmark named ${positionals.join(', ')}; known: ${known.map((b) => b.name).join(', ')} (long needs --long)`);
  process.exit(1);
}

const [portMin, portMax] = values.ports.split('-').map(Number);
if (portMin === undefined || portMax === undefined || !(portMin > 0 && portMax > portMin + 2)) {
  console.error(`bench: --ports takes a range like 30000-31000, not ${values.ports}`);
  process.exit(1);
}
const started = Date.now();
const work = mkdtempSync(join(tmpdir(), 'kwb-bench-'));
const kafkaVersion = selectKafkaVersion();
const cluster = new LocalCluster({
  dataDir: join(work, 'data'),
  cacheDir: resolveCacheDir(),
  kafkaVersion,
  log: (line) => console.error(`[local-kafka] ${line}`),
});
try {
  const bootstrap = values.bootstrap
    ? values.bootstrap.split(',')
    : (await cluster.start({ brokers: 1, port: await findFreePortBlock(2, portMin, portMax) })).bootstrapServers;
  const ctx: BenchContext = {
    bootstrap,
    cacheDir: resolveCacheDir(),
    tmpDir: work,
    // Five interleaved runs per side after a warm-up (harness.ts measureEach); the smoke run does two, so the interleaving runs too.
    options: { smoke: values.smoke, runs: values.smoke ? 2 : 5, warmups: values.smoke ? 0 : 1 },
    log: (line) => console.error(`  ${line}`),
    versions: {
      kafka: values.bootstrap ? `the broker at ${values.bootstrap}` : kafkaVersion,
      kafkaClient: `@platformatic/kafka ${clientVersion()}`,
      kafkaPerfTools: PERF_TOOLS_VERSION,
    },
  };
  const rows: BenchRow[] = [];
  /** Seconds each benchmark took, set-up and peers included: where the suite's time goes. */
  const timings: Record<string, number> = {};
  for (const bench of selected) {
    console.error(`▶ ${bench.name}: ${bench.summary}`);
    const begun = Date.now();
    rows.push(...(await bench.run(ctx)));
    timings[bench.name] = Math.round((Date.now() - begun) / 1000);
    console.error(`■ ${bench.name}: ${timings[bench.name]} s`);
  }
  const result = {
    date: new Date().toISOString(),
    machine: machine(),
    versions: ctx.versions,
    smoke: values.smoke,
    seconds: Math.round((Date.now() - started) / 1000),
    timings,
    rows,
  };
  const table = markdownTable(rows);
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), JSON.stringify(result, null, 2) + '\n');
  writeFileSync(
    join(dir, 'latest.md'),
    `Run ${result.date} on ${JSON.stringify(result.machine)}; versions ${JSON.stringify(ctx.versions)}\n\n${table}\n`,
  );
  console.log(table);
  console.log(
    `\nbench: ${Object.entries(timings)
      .map(([name, seconds]) => `${name} ${seconds} s`)
      .join(', ')}`,
  );
  console.log(`bench: ${rows.length} rows in ${result.seconds} s; written to bench/results/latest.json and latest.md`);
} finally {
  await cluster.stop().catch(() => undefined);
  await cluster.dispose();
  rmSync(work, { recursive: true, force: true });
}
process.exit(0);
