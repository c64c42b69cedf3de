import { createEngineContext } from '../engine/engine-context.js';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { WorkbenchError } from '../../shared/errors.js';
import { pipelineInputSchema, sensorsBatchReport, shownState, type Pipeline, type PipelineStatus } from '../../shared/pipelines.js';
import { fileLogger } from '../engine/logger.js';
import { resolveDataDir } from '../engine/paths.js';
import { PipelinesFeature } from '../engine/pipelines/pipelines-feature.js';
import { type ConnectionsRepo } from '../engine/store/connections-repo.js';
import { openDatabase } from '../engine/store/db.js';

const USAGE = `usage: npm run cli -- pipeline list [--data-dir D]
       npm run cli -- pipeline run <name|file.json> [--data-dir D] [--bootstrap host:port]
           runs until Ctrl+C or SIGTERM (clean stop after the batch in flight); resumes from its checkpoint;
           with "scaleOut": true, start it on several machines: workers with the same group id split the partitions
       npm run cli -- pipeline batch <name|file.json> [--report sensors] [--folder F --format csv,parquet,jsonl] [--data-dir D]`;

function line(s: PipelineStatus): string {
  const bad = Object.values(s.badRecords).reduce((a, b) => a + b, 0);
  const watermark = s.watermarkMs === null ? '-' : new Date(s.watermarkMs).toISOString();
  const lag = s.lag.reduce((n, l) => n + l.lag, 0);
  return `${new Date().toISOString()} ${shownState(s)} batches=${s.batches} in=${s.recordsIn} out=${s.rowsOut} rate=${s.recordsPerSecondIn.toFixed(1)}/s watermark=${watermark} open=${s.openWindows} late=${s.lateRows} droppedByWatermark=${s.droppedByWatermark} bad=${bad} lag=${lag}${s.error ? ` error: ${s.error}` : ''}`;
}

/**
 * A pipeline from a JSON file: saved into the store under an id derived from the file's absolute
 * path (unless the file names one), so a restart of the same file resumes the same checkpoint.
 * Without a `connectionId`, `--bootstrap` names the cluster; a connection is saved for it once.
 */
function fromFile(file: string, connections: ConnectionsRepo, bootstrap: string | undefined): unknown {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const id = typeof raw.id === 'string' ? raw.id : `file-${createHash('sha256').update(resolve(file)).digest('hex').slice(0, 32)}`;
  let connectionId = raw.connectionId;
  if (typeof connectionId !== 'string') {
    if (!bootstrap) throw new WorkbenchError('VALIDATION', `${file} has no connectionId: pass --bootstrap host:port`);
    const servers = bootstrap.split(',');
    const existing = connections.list().find((c) => c.bootstrapServers.join(',') === servers.join(','));
    connectionId = existing?.id ?? connections.save({ name: `cli ${bootstrap}`, bootstrapServers: servers }).id;
  }
  return { ...raw, id, connectionId };
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      bootstrap: { type: 'string' },
      report: { type: 'string' },
      folder: { type: 'string' },
      format: { type: 'string' },
    },
  });
  const [, verb, target] = positionals;
  if (verb !== 'list' && !((verb === 'run' || verb === 'batch') && target)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const dataDir = resolveDataDir(values['data-dir']);
  const fileLog = fileLogger(join(dataDir, 'logs', 'cli.log'));
  // A headless worker shows its pipeline's own messages (partitions held, restores, failures) on stdout too.
  const log: typeof fileLog = (level, message) => {
    fileLog(level, message);
    if (message.startsWith('pipeline ') && level !== 'error') process.stdout.write(`${new Date().toISOString()} ${level} ${message}\n`);
  };
  const db = openDatabase(join(dataDir, 'workbench.sqlite'));
  const context = createEngineContext({ dataDir, db, log });
  const { connections, kafka, events } = context;
  const feature = new PipelinesFeature(context, { resume: false });
  const h = feature.handlers();
  try {
    const list: Pipeline[] = await h['pipelines:list'](undefined);
    if (verb === 'list') {
      for (const p of list) process.stdout.write(`${p.name}\t${p.topics.join(',')}\t${p.groupId}\t${p.id}\n`);
      return 0;
    }
    const name = target ?? '';
    const pipeline: Pipeline | undefined = name.endsWith('.json')
      ? await h['pipelines:save'](pipelineInputSchema.parse(fromFile(name, connections, values.bootstrap)))
      : list.find((p) => p.name === name || p.id === name);
    if (!pipeline) {
      process.stderr.write(`pipeline: no pipeline named "${name}"; saved: ${list.map((p) => p.name).join(', ') || 'none'}\n`);
      return 1;
    }
    const id = pipeline.id;
    if (verb === 'batch') {
      const formats = (values.format ?? '')
        .split(',')
        .filter((f): f is 'csv' | 'parquet' | 'jsonl' => f === 'csv' || f === 'parquet' || f === 'jsonl');
      const report = await h['pipelines:runBatch']({
        id,
        ...(values.report === 'sensors' ? { aggregation: sensorsBatchReport } : {}),
        ...(values.folder ? { folder: resolve(values.folder) } : {}),
        formats,
      });
      process.stdout.write(`${report.columns.join('\t')}\n`);
      for (const row of report.rows) process.stdout.write(`${row.map((c) => String(c)).join('\t')}\n`);
      process.stdout.write(
        `done: ${report.recordsRead} records, table ${report.table}${report.files.length ? `, files ${report.files.join(', ')}` : ''}\n`,
      );
      return 0;
    }
    let stopping = false;
    const stopped = new Promise<void>((done) => {
      const stop = () => {
        if (stopping) return;
        stopping = true;
        process.stdout.write('stopping after the batch in flight…\n');
        done();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    events.on('pipelines:status', (s) => {
      if (s.pipelineId === id && !stopping) process.stdout.write(`${line(s)}\n`);
    });
    process.stdout.write(`starting pipeline "${pipeline.name}" (${id}) on ${pipeline.topics.join(', ')}, group ${pipeline.groupId}\n`);
    await h['pipelines:start']({ id });
    await stopped;
    const final = await h['pipelines:stop']({ id });
    process.stdout.write(`done: ${line(final)}\n`);
    return final.state === 'failed' ? 1 : 0;
  } finally {
    await feature.dispose();
    await kafka.dispose();
    db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`pipeline: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
