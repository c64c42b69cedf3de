import type { ProducerStatus } from '../../../shared/producers.js';
import type { ProducerCommandQueue, EngineInstance, ProducerCommand, ProducerVerb } from '../store/producer-commands.js';
import type { StoredProducer } from '../store/producers-repo.js';

/** What the CLI writes; `out`/`err` are stdout/stderr in production, buffers in tests. */
export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

export function statusLine(status: ProducerStatus): string {
  const error = status.lastError === null ? '' : ` last error: ${status.lastError}`;
  return `${new Date().toISOString()} ${status.state} sent=${status.sent} bytes=${status.bytes} rate=${status.rate}/s errors=${status.errors}${error}`;
}

/** `producer list`: live state from the running app's heartbeat when there is one, else the saved counters. */
export function printList(producers: StoredProducer[], instance: EngineInstance | null, dataDir: string, io: CliOutput): void {
  for (const p of producers) {
    const live = instance?.producers[p.definition.id];
    const sent = live ? live.sent : p.counts.sent;
    const state = live
      ? `${live.state}${live.state === 'running' ? ` rate=${live.rate}/s` : ''}${live.lastError ? ` last error: ${live.lastError}` : ''}`
      : 'stopped';
    io.out(`${p.definition.name}\t${p.definition.topic}\t${p.definition.source.kind}\tsent=${sent}\t${state}\n`);
  }
  io.err(
    instance
      ? `(live state from the app running on this data folder, pid ${instance.pid})\n`
      : `(no app is running on ${dataDir}: states and counts are as last saved)\n`,
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Sends a verb to the running app and waits for its outcome. A command still pending at the
 * timeout is withdrawn, so it never takes effect after the CLI has reported a failure.
 */
export async function sendCommand(
  queue: ProducerCommandQueue,
  instance: EngineInstance,
  producer: StoredProducer,
  verb: ProducerVerb,
  timeoutMs: number,
  io: CliOutput,
): Promise<number> {
  const name = producer.definition.name;
  const id = queue.enqueue(producer.definition.id, verb);
  const deadline = Date.now() + timeoutMs;
  let command: ProducerCommand | null = queue.get(id);
  while (command && (command.outcome === 'pending' || command.outcome === 'applying') && Date.now() < deadline) {
    await sleep(100);
    command = queue.get(id);
  }
  if (!command) {
    io.err(`producer: the command was removed from the store before it finished\n`);
    return 1;
  }
  const seconds = Math.round(timeoutMs / 1000);
  switch (command.outcome) {
    case 'done': {
      const note = command.message ? ` (${command.message})` : '';
      io.out(`${verb} "${name}": done${note}\n`);
      if (command.status) io.out(`${statusLine(command.status)}\n`);
      return command.status?.state === 'failed' ? 1 : 0;
    }
    case 'failed':
      io.err(`producer: ${verb} "${name}" failed: ${command.message ?? 'no reason given'}\n`);
      return 1;
    case 'expired':
      io.err(`producer: ${verb} "${name}" was not applied: ${command.message ?? 'expired'}\n`);
      return 1;
    case 'pending':
      if (queue.cancel(id, `the CLI gave up after ${seconds} s`)) {
        io.err(
          `producer: the app (pid ${instance.pid}) did not pick up ${verb} "${name}" within ${seconds} s; the command was withdrawn and will not be applied\n`,
        );
        return 1;
      }
      return sendOutcomeLate(io, verb, name, seconds, instance);
    case 'applying':
      return sendOutcomeLate(io, verb, name, seconds, instance);
  }
}

function sendOutcomeLate(io: CliOutput, verb: ProducerVerb, name: string, seconds: number, instance: EngineInstance): number {
  const hint = verb === 'stop' ? ' (a stop flushes every accepted record first)' : '';
  io.err(
    `producer: the app (pid ${instance.pid}) is still applying ${verb} "${name}" after ${seconds} s${hint}; check \`producer list\` (or pass --timeout)\n`,
  );
  return 1;
}
