import type { ProducerStatus } from '../../../shared/producers.js';

/**
 * Keeps `producers:status` small and calm: at most one event per producer per `intervalMs`, the
 * latest one winning; state changes and errors (urgent) go out at once.
 */
export class StatusThrottle {
  private readonly last = new Map<string, number>();
  private readonly pending = new Map<string, ProducerStatus>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly emit: (status: ProducerStatus) => void;
  private readonly intervalMs: number;

  constructor(emit: (status: ProducerStatus) => void, intervalMs = 250) {
    this.emit = emit;
    this.intervalMs = intervalMs;
  }

  push(status: ProducerStatus, urgent: boolean): void {
    const since = Date.now() - (this.last.get(status.id) ?? 0);
    if (urgent || since >= this.intervalMs) {
      clearTimeout(this.timers.get(status.id));
      this.timers.delete(status.id);
      this.pending.delete(status.id);
      this.send(status);
      return;
    }
    this.pending.set(status.id, status);
    if (!this.timers.has(status.id)) {
      this.timers.set(
        status.id,
        setTimeout(() => {
          this.timers.delete(status.id);
          const latest = this.pending.get(status.id);
          this.pending.delete(status.id);
          if (latest) this.send(latest);
        }, this.intervalMs - since),
      );
    }
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.pending.clear();
  }

  private send(status: ProducerStatus): void {
    this.last.set(status.id, Date.now());
    this.emit(status);
  }
}
