import { createEngineContext } from '../engine-context.js';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AppInfo } from '../../../shared/app.js';
import type { ProducerStatus, ProducerView } from '../../../shared/producers.js';
import { callRunningApp } from '../control/control-socket.js';
import { fileLogger } from '../logger.js';
import { resolveDataDir } from '../paths.js';
import { openDatabase, type Db } from '../store/db.js';
import { isProducerVerb, printList, printOutcome, statusLine as line, type CliOutput } from './cli-remote.js';
import { ProducersFeature } from './producers-feature.js';
import { ProducersRepo, type StoredProducer } from '../store/producers-repo.js';

const USAGE = `usage: npm run cli -- producer list [--data-dir D]
       npm run cli -- producer start|stop|pause|resume <name> [--data-dir D] [--timeout S]
  With the app (desktop or \`npm run serve\`) running on the data folder, the verb is sent to it
  over its local control socket and the CLI waits up to --timeout seconds (default 30) for the
  outcome. Without one, \`start\` runs the producer here until it finishes or Ctrl+C (which flushes
  and stops).`;

const io: CliOutput = { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'data-dir': { type: 'string' }, timeout: { type: 'string' } },
  });
  const [domain, verb, name] = positionals;
  const timeoutMs = Number(values.timeout ?? '30') * 1000;
  if (domain !== 'producer' || (verb !== 'list' && !isProducerVerb(verb)) || (verb !== 'list' && !name) || !(timeoutMs > 0)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const dataDir = resolveDataDir(values['data-dir']);
  const call = async <T>(method: string, input?: unknown): Promise<T | null> => {
    const answer = await callRunningApp(dataDir, method, input, timeoutMs);
    if (answer === null) return null;
    if (!answer.ok) throw new Error(answer.error.message);
    return answer.data as T;
  };
  // Whether an app answers on this data folder, and its pid.
  const app = await call<AppInfo>('app:info');
  const db = openDatabase(join(dataDir, 'workbench.sqlite'));
  let headless = false;
  try {
    const saved = new ProducersRepo(db).list();
    if (verb === 'list') {
      const views = app ? await call<ProducerView[]>('producers:list') : null;
      printList(saved, app && views ? { app, views } : null, dataDir, io);
      return 0;
    }
    const producer = saved.find((p) => p.definition.name === name);
    if (!producer) {
      io.err(`producer: no producer named "${name}"; saved: ${saved.map((p) => p.definition.name).join(', ') || 'none'}\n`);
      return 1;
    }
    if (app) {
      const answer = await callRunningApp(dataDir, 'producers:command', { id: producer.definition.id, verb }, timeoutMs).catch(
        (error: unknown) => {
          const hint = verb === 'stop' ? ' (a stop flushes every accepted record first)' : '';
          io.err(
            `producer: the app (pid ${app.pid}) has not answered ${verb} "${producer.definition.name}": ${error instanceof Error ? error.message : String(error)}${hint}; it may still apply it: check \`producer list\` (or pass --timeout)\n`,
          );
          return undefined;
        },
      );
      if (answer === undefined) return 1;
      if (answer === null) {
        io.err(`producer: the app (pid ${app.pid}) on ${dataDir} went away before ${verb} "${producer.definition.name}" reached it\n`);
        return 1;
      }
      return printOutcome(answer, producer, verb, io);
    }
    if (verb !== 'start') {
      io.err(
        `producer: no app is running on the data folder ${dataDir}, so there is nothing to ${verb}; start the desktop app or \`npm run serve\` on it (\`producer start\` without an app runs the producer here)\n`,
      );
      return 1;
    }
    headless = true;
    return await runHeadless(db, dataDir, producer);
  } finally {
    if (!headless) db.close();
  }
}

/**
 * The headless producer runner: the producers feature on the app's data folder without the UI or
 * the local cluster. It does not resume other producers (resume: false), only runs the one named,
 * and does not answer other CLIs (it serves no control socket: Ctrl+C is how it stops).
 * Connections whose password was saved by the desktop app (safeStorage) cannot be decrypted here.
 */
async function runHeadless(db: Db, dataDir: string, producer: StoredProducer): Promise<number> {
  const log = fileLogger(join(dataDir, 'logs', 'cli.log'));
  const context = createEngineContext({ dataDir, db, log });
  const { kafka, events } = context;
  const feature = new ProducersFeature(context, { resume: false });
  const handlers = feature.handlers();
  const close = async () => {
    await feature.dispose();
    await kafka.dispose();
    db.close();
  };
  try {
    const id = producer.definition.id;
    const ended = new Promise<ProducerStatus>((resolve) => {
      let lastState = '';
      let lastPrint = 0;
      events.on('producers:status', (status) => {
        if (status.id !== id) return;
        // A line per state change, and at most one a second while it runs.
        if (status.state !== lastState || Date.now() - lastPrint >= 1000) {
          process.stdout.write(`${line(status)}\n`);
          lastPrint = Date.now();
        }
        lastState = status.state;
        if (status.state === 'finished' || status.state === 'failed' || status.state === 'stopped') resolve(status);
      });
      const stop = () => {
        process.stdout.write('stopping: flushing what was accepted…\n');
        void handlers['producers:stop']({ id });
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    process.stdout.write(`starting producer "${producer.definition.name}" → ${producer.definition.topic}\n`);
    handlers['producers:start']({ id });
    const final = await ended;
    await handlers['producers:stop']({ id });
    process.stdout.write(`done: ${line(final)}\n`);
    return final.state === 'failed' ? 1 : 0;
  } finally {
    await close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`producer: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
