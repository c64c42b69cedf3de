/**
 * Child process for exports-faults.test.ts: a real engine on `dataDir` that exports a topic to CSV
 * in `folder` and prints each exports:progress event as a JSON line, so the parent can SIGKILL it
 * mid-export.
 */
import type { Connection } from '../../shared/connection.js';
import { testEngine } from '../helpers.js';

const [dataDir, bootstrap, topic, folder, name] = process.argv.slice(2);
if (!dataDir || !bootstrap || !topic || !folder || !name)
  throw new Error('usage: exports-engine-child.ts <dataDir> <bootstrap> <topic> <folder> <name>');
const engine = testEngine(dataDir);
engine.events.on('exports:progress', (p) => process.stdout.write(`${JSON.stringify(p)}\n`));
const saved = await engine.dispatch('connections:save', { name: 'child', bootstrapServers: bootstrap.split(',') });
if (!saved.ok) throw new Error(saved.error.message);
const started = await engine.dispatch('exports:start', {
  source: { kind: 'topic', connectionId: (saved.data as Connection).id, topic },
  format: { kind: 'csv', delimiter: ',', header: true },
  target: { kind: 'local', folder },
  name,
});
if (!started.ok) throw new Error(started.error.message);
process.stdout.write(`${JSON.stringify({ started: started.data })}\n`);
