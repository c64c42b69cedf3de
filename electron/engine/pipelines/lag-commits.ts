/** A partition's next offset to commit to the group (for lag tools). */
export interface CommitOffset {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Commits consumed offsets to Kafka for lag tools (kafka-consumer-groups, the Consumers page) off
 * the batch path: the SQLite checkpoint is what a restart resumes from, so a micro-batch never
 * waits for this broker round trip. At most one commit is in flight; offsets offered meanwhile are
 * coalesced (the newest per partition wins) into the next one. A failed commit is dropped: the next
 * batch's commit carries newer offsets anyway.
 */
export class LagCommits {
  private readonly commit: (offsets: CommitOffset[]) => Promise<void>;
  private readonly pending = new Map<string, CommitOffset>();
  private inFlight: Promise<void> | null = null;

  constructor(commit: (offsets: CommitOffset[]) => Promise<void>) {
    this.commit = commit;
  }

  offer(offsets: readonly CommitOffset[]): void {
    for (const o of offsets) this.pending.set(`${o.topic}:${o.partition}`, o);
    if (!this.inFlight && this.pending.size > 0) this.inFlight = this.drain();
  }

  /** Resolves once everything offered so far was committed or failed (call before leaving the group). */
  async settle(): Promise<void> {
    await this.inFlight;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.size > 0) {
        const offsets = [...this.pending.values()];
        this.pending.clear();
        await this.commit(offsets).catch(() => undefined);
      }
    } finally {
      this.inFlight = null;
    }
  }
}
