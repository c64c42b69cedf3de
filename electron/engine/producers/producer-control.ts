import { randomUUID } from 'node:crypto';
import type { ProducerStatus } from '../../../shared/producers.js';
import type { Db } from '../store/db.js';
import { HEARTBEAT_EVERY_MS, ProducerCommandQueue, type ProducerCommand } from '../store/producer-commands.js';

/** How often a running engine looks for CLI commands: one indexed query on a partial index. */
export const POLL_EVERY_MS = 500;

export interface ControlTarget {
  /** Applies one command through the same handlers the UI calls; throws a WorkbenchError to fail it. */
  apply(command: ProducerCommand): Promise<{ message: string | null; status: ProducerStatus }>;
  /** Live status of the producers with a runner, for the heartbeat (`producer list`). */
  statuses(): Record<string, ProducerStatus>;
  log(level: 'error' | 'warn' | 'info', message: string): void;
}

/**
 * The engine side of the CLI control channel: keeps this engine's heartbeat row fresh and applies
 * the commands the CLI queued, one at a time, in the order they were sent.
 */
export class ProducerControl {
  readonly instanceId = randomUUID();
  private readonly queue: ProducerCommandQueue;
  private readonly target: ControlTarget;
  private readonly startedAt = Date.now();
  private readonly pollTimer: NodeJS.Timeout;
  private readonly beatTimer: NodeJS.Timeout;
  private busy: Promise<void> | null = null;
  private stopped = false;

  constructor(db: Db, target: ControlTarget) {
    this.queue = new ProducerCommandQueue(db);
    this.target = target;
    this.queue.prune();
    this.beat();
    this.pollTimer = setInterval(() => this.poll(), POLL_EVERY_MS);
    this.beatTimer = setInterval(() => this.beat(), HEARTBEAT_EVERY_MS);
    this.pollTimer.unref();
    this.beatTimer.unref();
  }

  /** Refreshes the heartbeat now, e.g. right after a state change the CLI may be about to list. */
  beat(): void {
    if (this.stopped) return;
    try {
      this.queue.beat({ id: this.instanceId, pid: process.pid, startedAt: this.startedAt, producers: this.target.statuses() });
    } catch (error) {
      // A busy or read-only store must not take the engine down; the CLI then sees no instance.
      this.target.log('warn', `producer control heartbeat: ${String(error)}`);
    }
  }

  private poll(): void {
    if (this.busy || this.stopped) return;
    let commands: ProducerCommand[];
    try {
      commands = this.queue.claim(this.instanceId);
    } catch (error) {
      this.target.log('warn', `producer control poll: ${String(error)}`);
      return;
    }
    if (commands.length === 0) return;
    this.busy = this.applyAll(commands).finally(() => {
      this.busy = null;
    });
  }

  private async applyAll(commands: ProducerCommand[]): Promise<void> {
    for (const command of commands) {
      try {
        const { message, status } = await this.target.apply(command);
        this.queue.finish(command.id, 'done', message, status);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.target.log('warn', `producer command ${command.verb} ${command.producerId}: ${message}`);
        this.queue.finish(command.id, 'failed', message, null);
      }
      this.beat();
    }
  }

  /** Leaves the channel: the heartbeat row goes first so the CLI stops sending, then in-flight commands finish. */
  async dispose(): Promise<void> {
    clearInterval(this.pollTimer);
    clearInterval(this.beatTimer);
    this.stopped = true;
    try {
      this.queue.removeInstance(this.instanceId);
    } catch (error) {
      this.target.log('warn', `producer control: ${String(error)}`);
    }
    await this.busy;
  }
}
