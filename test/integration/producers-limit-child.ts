/**
 * Child process for producers-limit-restart.test.ts: a real engine on `dataDir`. `start` saves a
 * connection and a producer with a message limit and starts it; `resume` only opens the engine,
 * which starts again the producers that were running. Prints the producer's status as JSON lines,
 * so the parent can SIGKILL it mid-run.
 */
import type { ProducerView } from '../../shared/producers.js';
import { testEngine } from '../helpers.js';
import { data, saveConnection, saveProducer } from './producers-helpers.js';

const [dataDir, bootstrap, topic, mode, limit] = process.argv.slice(2);
if (!dataDir || !bootstrap || !topic || !mode || !limit)
  throw new Error('usage: producers-limit-child.ts <dataDir> <bootstrap> <topic> start|resume <limit>');
const engine = testEngine(dataDir);
if (mode === 'start') {
  const connectionId = await saveConnection(engine, bootstrap);
  const view = await saveProducer(engine, {
    name: topic,
    connectionId,
    topic,
    source: { kind: 'sensors', seed: 3 },
    schedule: { trigger: { kind: 'continuous' }, maxMessages: Number(limit) },
    config: { rateLimit: 1500 },
  });
  data(await engine.dispatch('producers:start', { id: view.definition.id }));
}
setInterval(() => {
  void engine.dispatch('producers:list', undefined).then((listed) => {
    const [view] = data<ProducerView[]>(listed);
    if (view) process.stdout.write(`${JSON.stringify(view.status)}\n`);
  });
}, 100);
