import type { Envelope } from '../../../shared/contract.js';
import type { ProducerStatus, ProducerView } from '../../../shared/producers.js';
import type { StoredProducer } from '../store/producers-repo.js';

/** What the CLI writes; `out`/`err` are stdout/stderr in production, buffers in tests. */
export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

export type ProducerVerb = 'start' | 'stop' | 'pause' | 'resume';

const VERBS: readonly string[] = ['start', 'stop', 'pause', 'resume'];

export function isProducerVerb(value: string | undefined): value is ProducerVerb {
  return value !== undefined && VERBS.includes(value);
}

export function statusLine(status: ProducerStatus): string {
  const error = status.lastError === null ? '' : ` last error: ${status.lastError}`;
  return `${new Date().toISOString()} ${status.state} sent=${status.sent} bytes=${status.bytes} rate=${status.rate}/s errors=${status.errors}${error}`;
}

/** The running app on the data folder, as the CLI names it. */
export interface RunningApp {
  pid: number;
}

/** `producer list`: live state from the running app when there is one, else the saved counters. */
export function printList(
  producers: StoredProducer[],
  live: { app: RunningApp; views: ProducerView[] } | null,
  dataDir: string,
  io: CliOutput,
): void {
  const statuses = new Map(live?.views.map((v) => [v.definition.id, v.status]));
  for (const p of producers) {
    const status = statuses.get(p.definition.id);
    const sent = status ? status.sent : p.counts.sent;
    const state = status
      ? `${status.state}${status.state === 'running' ? ` rate=${status.rate}/s` : ''}${status.lastError ? ` last error: ${status.lastError}` : ''}`
      : 'stopped';
    io.out(`${p.definition.name}\t${p.definition.topic}\t${p.definition.source.kind}\tsent=${sent}\t${state}\n`);
  }
  io.err(
    live
      ? `(live state from the app running on this data folder, pid ${live.app.pid})\n`
      : `(no app is running on ${dataDir}: states and counts are as last saved)\n`,
  );
}

/** Prints the running app's answer to a verb; the exit code. */
export function printOutcome(answer: Envelope<unknown>, producer: StoredProducer, verb: ProducerVerb, io: CliOutput): number {
  const name = producer.definition.name;
  if (!answer.ok) {
    io.err(`producer: ${verb} "${name}" failed: ${answer.error.message}\n`);
    return 1;
  }
  const { message, status } = answer.data as { message: string | null; status: ProducerStatus };
  io.out(`${verb} "${name}": done${message ? ` (${message})` : ''}\n`);
  io.out(`${statusLine(status)}\n`);
  return status.state === 'failed' ? 1 : 0;
}
