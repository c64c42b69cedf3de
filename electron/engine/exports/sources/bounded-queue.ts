/**
 * A small async queue with a bound: `push` waits while it is full, so a fast producer (a Kafka
 * consumer) cannot run ahead of a slow writer and fill memory.
 */
export class BoundedQueue<T> {
  private readonly items: T[] = [];
  private readonly spaceWaiters: (() => void)[] = [];
  private itemWaiter: (() => void) | undefined;
  private ended = false;
  private failure: Error | undefined;

  constructor(private readonly capacity: number) {}

  async push(item: T, signal?: AbortSignal): Promise<void> {
    while (this.items.length >= this.capacity && !this.ended) {
      signal?.throwIfAborted();
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    }
    if (this.ended) return;
    this.items.push(item);
    this.wakeReader();
  }

  end(error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = error === undefined || error instanceof Error ? error : new Error('the export source failed');
    this.wakeReader();
    for (const wake of this.spaceWaiters.splice(0)) wake();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      const item = this.items.shift();
      if (item !== undefined) {
        this.spaceWaiters.shift()?.();
        yield item;
        continue;
      }
      if (this.ended) {
        if (this.failure !== undefined) throw this.failure;
        return;
      }
      await new Promise<void>((resolve) => (this.itemWaiter = resolve));
    }
  }

  private wakeReader(): void {
    const wake = this.itemWaiter;
    this.itemWaiter = undefined;
    wake?.();
  }
}
