import type { ProducerStatus } from '../../../shared/producers.js';
import type { Db } from './db.js';

/**
 * The control channel between `npm run cli -- producer …` and a running engine (desktop app or
 * `serve`) on the same data folder. Both processes open the same SQLite file (WAL): the CLI appends
 * a command, the engine claims it, applies it and writes the outcome on the same row. A heartbeat
 * row per engine tells the CLI whether anyone is listening.
 */

export type ProducerVerb = 'start' | 'stop' | 'pause' | 'resume';
export type CommandOutcome = 'pending' | 'applying' | 'done' | 'failed' | 'expired';

export interface ProducerCommand {
  id: number;
  producerId: string;
  verb: ProducerVerb;
  requestedAt: number;
  outcome: CommandOutcome;
  instanceId: string | null;
  message: string | null;
  status: ProducerStatus | null;
  finishedAt: number | null;
}

export interface EngineInstance {
  id: string;
  pid: number;
  startedAt: number;
  heartbeatAt: number;
  /** Live status of every producer this instance has a runner for, as of the last heartbeat. */
  producers: Record<string, ProducerStatus>;
}

/** A command nobody claimed within this time is never applied (the CLI that sent it has given up). */
export const COMMAND_TTL_MS = 30_000;
/** How often a running engine refreshes its heartbeat. */
export const HEARTBEAT_EVERY_MS = 2_000;
/** A heartbeat older than this means the engine is gone (crashed, killed, frozen). */
export const HEARTBEAT_STALE_MS = 15_000;
/** Finished commands are kept this long for `producer` CLI post-mortems, then pruned. */
const KEEP_FINISHED_MS = 24 * 60 * 60 * 1000;

interface CommandRow {
  id: number;
  producer_id: string;
  verb: string;
  requested_at: number;
  outcome: string;
  instance_id: string | null;
  message: string | null;
  status_json: string | null;
  finished_at: number | null;
}

interface InstanceRow {
  id: string;
  pid: number;
  started_at: number;
  heartbeat_at: number;
  producers_json: string;
}

const VERBS: readonly string[] = ['start', 'stop', 'pause', 'resume'];

export function isProducerVerb(value: string | undefined): value is ProducerVerb {
  return value !== undefined && VERBS.includes(value);
}

function fromRow(row: CommandRow): ProducerCommand {
  return {
    id: row.id,
    producerId: row.producer_id,
    verb: row.verb as ProducerVerb,
    requestedAt: row.requested_at,
    outcome: row.outcome as CommandOutcome,
    instanceId: row.instance_id,
    message: row.message,
    status: row.status_json === null ? null : (JSON.parse(row.status_json) as ProducerStatus),
    finishedAt: row.finished_at,
  };
}

/** True when a process with this pid exists on this machine (EPERM: it exists, owned by someone else). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class ProducerCommandQueue {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  enqueue(producerId: string, verb: ProducerVerb, now = Date.now()): number {
    const result = this.db
      .prepare('INSERT INTO producer_commands (producer_id, verb, requested_at) VALUES (?, ?, ?)')
      .run(producerId, verb, now);
    return Number(result.lastInsertRowid);
  }

  get(id: number): ProducerCommand | null {
    const row = this.db.prepare<[number], CommandRow>('SELECT * FROM producer_commands WHERE id = ?').get(id);
    return row ? fromRow(row) : null;
  }

  /**
   * Expires pending commands older than the TTL, then claims the rest for `instanceId`, oldest first.
   * The claim is one conditional UPDATE per row, so two engines on one folder never both apply a command.
   */
  claim(instanceId: string, now = Date.now()): ProducerCommand[] {
    return this.db.transaction(() => {
      this.db
        .prepare(
          "UPDATE producer_commands SET outcome = 'expired', message = ?, finished_at = ? WHERE outcome = 'pending' AND requested_at < ?",
        )
        .run(`not picked up within ${COMMAND_TTL_MS / 1000} s`, now, now - COMMAND_TTL_MS);
      const pending = this.db
        .prepare<[], CommandRow>("SELECT * FROM producer_commands WHERE outcome = 'pending' ORDER BY id LIMIT 50")
        .all();
      const take = this.db.prepare(
        "UPDATE producer_commands SET outcome = 'applying', instance_id = ? WHERE id = ? AND outcome = 'pending'",
      );
      return pending
        .filter((row) => take.run(instanceId, row.id).changes === 1)
        .map((row) => fromRow({ ...row, outcome: 'applying', instance_id: instanceId }));
    })();
  }

  /** Records the outcome of a claimed command. */
  finish(id: number, outcome: 'done' | 'failed', message: string | null, status: ProducerStatus | null, now = Date.now()): void {
    this.db
      .prepare('UPDATE producer_commands SET outcome = ?, message = ?, status_json = ?, finished_at = ? WHERE id = ?')
      .run(outcome, message, status === null ? null : JSON.stringify(status), now, id);
  }

  /** Withdraws a command that is still pending (the CLI gave up waiting); false when an engine already took it. */
  cancel(id: number, message: string, now = Date.now()): boolean {
    return (
      this.db
        .prepare("UPDATE producer_commands SET outcome = 'expired', message = ?, finished_at = ? WHERE id = ? AND outcome = 'pending'")
        .run(message, now, id).changes === 1
    );
  }

  /** A command left 'applying' by an engine that died is failed, so nobody waits on it for ever. */
  abandonClaimsOf(instanceId: string, now = Date.now()): void {
    this.db
      .prepare(
        "UPDATE producer_commands SET outcome = 'failed', message = 'the app stopped before finishing the command', finished_at = ? WHERE instance_id = ? AND outcome = 'applying'",
      )
      .run(now, instanceId);
  }

  prune(now = Date.now()): void {
    this.db
      .prepare("DELETE FROM producer_commands WHERE outcome NOT IN ('pending', 'applying') AND requested_at < ?")
      .run(now - KEEP_FINISHED_MS);
  }

  beat(instance: Omit<EngineInstance, 'heartbeatAt'>, now = Date.now()): void {
    this.db
      .prepare(
        `INSERT INTO engine_instances (id, pid, started_at, heartbeat_at, producers_json) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, producers_json = excluded.producers_json`,
      )
      .run(instance.id, instance.pid, instance.startedAt, now, JSON.stringify(instance.producers));
  }

  removeInstance(id: string): void {
    this.db.prepare('DELETE FROM engine_instances WHERE id = ?').run(id);
  }

  /**
   * The engine that answers commands: the freshest heartbeat whose process is still alive. Rows of
   * dead or silent engines are removed on the way (and their claimed commands failed).
   */
  liveInstance(now = Date.now(), alive: (pid: number) => boolean = processAlive): EngineInstance | null {
    const rows = this.db.prepare<[], InstanceRow>('SELECT * FROM engine_instances ORDER BY heartbeat_at DESC').all();
    let live: EngineInstance | null = null;
    for (const row of rows) {
      if (now - row.heartbeat_at < HEARTBEAT_STALE_MS && alive(row.pid)) {
        live ??= {
          id: row.id,
          pid: row.pid,
          startedAt: row.started_at,
          heartbeatAt: row.heartbeat_at,
          producers: JSON.parse(row.producers_json) as Record<string, ProducerStatus>,
        };
      } else {
        this.removeInstance(row.id);
        this.abandonClaimsOf(row.id, now);
      }
    }
    return live;
  }
}
