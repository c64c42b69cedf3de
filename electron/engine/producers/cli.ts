import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ProducerStatus, ProducerView } from '../../../shared/producers.js';
import { EventBus } from '../event-bus.js';
import { KafkaClients } from '../kafka/kafka-clients.js';
import { fileLogger } from '../logger.js';
import { resolveDataDir } from '../paths.js';
import { KeyFileSecretBox } from '../secrets/key-file-secret-box.js';
import { ConnectionsRepo } from '../store/connections-repo.js';
import { openDatabase } from '../store/db.js';
import { ProducersFeature } from './producers-feature.js';

const USAGE = `usage: npm run cli -- producer list [--data-dir D]
       npm run cli -- producer start <name> [--data-dir D]   (runs until it finishes or Ctrl+C, which flushes and stops)`;

function line(status: ProducerStatus): string {
  const error = status.lastError === null ? '' : ` last error: ${status.lastError}`;
  return `${new Date().toISOString()} ${status.state} sent=${status.sent} bytes=${status.bytes} rate=${status.rate}/s errors=${status.errors}${error}`;
}

/**
 * The headless producer runner: the producers feature on the app's data folder without the UI or
 * the local cluster. It does not resume other producers (resume: false), only runs the one named.
 * Connections whose password was saved by the desktop app (safeStorage) cannot be decrypted here.
 */
async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'data-dir': { type: 'string' } } });
  const [domain, verb, name] = positionals;
  if (domain !== 'producer' || (verb !== 'list' && verb !== 'start') || (verb === 'start' && !name)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const dataDir = resolveDataDir(values['data-dir']);
  const log = fileLogger(join(dataDir, 'logs', 'cli.log'));
  const db = openDatabase(join(dataDir, 'workbench.sqlite'));
  const connections = new ConnectionsRepo(db, new KeyFileSecretBox(join(dataDir, 'secret.key')));
  const kafka = new KafkaClients({ connection: (id) => connections.get(id), password: (id) => connections.password(id) }, log);
  const events = new EventBus();
  const feature = new ProducersFeature({ dataDir, db, connections, kafka, events, log }, { resume: false });
  const handlers = feature.handlers();
  const close = async () => {
    await feature.dispose();
    await kafka.dispose();
    db.close();
  };
  try {
    const list: ProducerView[] = handlers['producers:list']();
    if (verb === 'list') {
      for (const p of list) process.stdout.write(`${p.definition.name}\t${p.definition.topic}\t${p.definition.source.kind}\tsent=${p.status.sent}\n`);
      return 0;
    }
    const producer = list.find((p) => p.definition.name === name);
    if (!producer) {
      process.stderr.write(`producer: no producer named "${name}"; saved: ${list.map((p) => p.definition.name).join(', ') || 'none'}\n`);
      return 1;
    }
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
