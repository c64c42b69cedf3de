import { randomUUID } from 'node:crypto';
import { WorkbenchError } from '../../../shared/errors.js';
import type { Isolation, KafkaMessage } from '../../../shared/topic-browser.js';
import type { EventBus } from '../event-bus.js';
import type { KafkaClients } from '../kafka/kafka-clients.js';
import type { PartitionReader } from '../kafka/partition-reader.js';
import { isOffsetOutOfRange } from '../kafka/transient.js';
import { watermarks } from './message-browser.js';
import { toMessage } from './to-message.js';

interface Tail {
  reader: PartitionReader;
  stopped: boolean;
  /** Wakes the loop from a backoff wait when the tail stops. */
  wake: AbortController;
  /** Ends when the fetch loop has returned (after `stopped` is set and the reader closed). */
  loop: Promise<void>;
  timer: NodeJS.Timeout;
}

/** A forgotten tail (closed tab, lost link) stops by itself after this long. */
const MAX_TAIL_MS = 30 * 60_000;
const MAX_PER_EVENT = 500;
const MAX_TAILS = 20;
/** The broker holds a fetch this long when nothing new arrived: the tail's latency when idle is far lower (it answers as soon as a record lands). */
const POLL_WAIT_MS = 300;
const MAX_BACKOFF_MS = 5_000;

/**
 * Live tails: a fetch loop per tail (no consumer group) from the log end as it was when the tail
 * started. Each partition goes on from the fetch's next offset, so a broker restart or a leader
 * move costs a retry, never a skipped or repeated record.
 */
export class TailRegistry {
  private readonly tails = new Map<string, Tail>();
  private readonly clients: KafkaClients;
  private readonly events: EventBus;
  /** Adds what the schema registry makes of Avro records (identity without a registry). */
  private readonly annotate: (connectionId: string, messages: KafkaMessage[]) => Promise<KafkaMessage[]>;

  constructor(clients: KafkaClients, events: EventBus, annotate: TailRegistry['annotate'] = (_id, messages) => Promise.resolve(messages)) {
    this.clients = clients;
    this.events = events;
    this.annotate = annotate;
  }

  /** `tailId`: the UI's own (it subscribes to the tail's events before starting it), else a new one. */
  async start(
    connectionId: string,
    topic: string,
    partition: number | null,
    isolation: Isolation = 'read_uncommitted',
    tailId: string = randomUUID(),
  ): Promise<string> {
    if (this.tails.size >= MAX_TAILS) throw new WorkbenchError('CONFLICT', `At most ${MAX_TAILS} live tails run at once; stop one first`);
    if (this.tails.has(tailId)) throw new WorkbenchError('CONFLICT', `A live tail with id ${tailId} is already running`);
    const marks = await watermarks(this.clients, connectionId, topic);
    if (partition !== null && !marks.some((w) => w.partition === partition))
      throw new WorkbenchError('NOT_FOUND', `Topic ${topic} has no partition ${partition}`);
    const positions = new Map(marks.filter((w) => partition === null || w.partition === partition).map((w) => [w.partition, w.high]));
    const timer = setTimeout(() => void this.stop(tailId), MAX_TAIL_MS);
    timer.unref();
    const tail: Tail = {
      reader: this.clients.reader(connectionId),
      stopped: false,
      wake: new AbortController(),
      loop: Promise.resolve(),
      timer,
    };
    this.tails.set(tailId, tail);
    tail.loop = this.follow(tailId, tail, connectionId, topic, positions, isolation);
    return tailId;
  }

  async stop(tailId: string): Promise<boolean> {
    const tail = this.tails.get(tailId);
    if (!tail) return false;
    this.tails.delete(tailId);
    clearTimeout(tail.timer);
    tail.stopped = true;
    tail.wake.abort();
    // Closing fails a fetch the broker is still holding, so the loop ends at once.
    await tail.reader.close();
    await tail.loop;
    return true;
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.tails.keys()].map((id) => this.stop(id)));
  }

  private async follow(
    tailId: string,
    tail: Tail,
    connectionId: string,
    topic: string,
    positions: Map<number, number>,
    isolation: Isolation,
  ): Promise<void> {
    let backoff = 100;
    while (!tail.stopped) {
      try {
        const fetched = await tail.reader.fetch(topic, positions, { maxWaitMs: POLL_WAIT_MS, isolation });
        backoff = 100;
        for (const answer of fetched) {
          if (tail.stopped) return;
          positions.set(answer.partition, answer.nextOffset);
          if (answer.records.length === 0) continue;
          const messages = await this.annotate(connectionId, answer.records.map(toMessage));
          for (let i = 0; i < messages.length; i += MAX_PER_EVENT) {
            this.events.emit('messages:tail', { tailId, messages: messages.slice(i, i + MAX_PER_EVENT) });
          }
        }
      } catch (error) {
        if (tail.stopped) return;
        if (isOffsetOutOfRange(error)) {
          // Retention (or a truncation) passed the tail's position: go on from what the log holds now.
          const marks = await watermarks(this.clients, connectionId, topic).catch(() => []);
          for (const w of marks) {
            const at = positions.get(w.partition);
            if (at !== undefined) positions.set(w.partition, Math.min(Math.max(at, w.low), w.high));
          }
        }
        // A tail outlives a broker restart or a leader move: fetch again from where it stands, more slowly
        // while the cluster stays unreachable (the page shows no error, the tail just waits).
        await sleep(backoff, tail.wake.signal);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
