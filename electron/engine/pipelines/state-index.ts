import type { Value } from './row.js';

type Node<T> = Map<Value, Node<T> | T>;

/**
 * State entries found by (window start, group values) through nested Maps, one level a part. The
 * per-record lookup thus builds no key string: Map keys compare values as they are (1 ≠ '1',
 * null ≠ 'null'), which is exactly what distinguishes two JSON state keys of projected values
 * (finite numbers, strings, booleans, null). The JSON key is made once, when an entry is created.
 */
export class StateIndex<T extends object> {
  private readonly root: Node<T> = new Map();
  private readonly depth: number;

  /** `groupColumns`: how many group values follow the window start in every path. */
  constructor(groupColumns: number) {
    this.depth = groupColumns + 1;
  }

  /** The entry at `windowStart` (null when not windowed) + the row's group values, or undefined. */
  get(windowStart: number | null, row: Record<string, Value>, groupBy: readonly string[]): T | undefined {
    let node: Node<T> | T | undefined = this.root.get(windowStart);
    for (let i = 0; i < groupBy.length && node !== undefined; i++) node = (node as Node<T>).get(row[groupBy[i]] ?? null);
    return node as T | undefined;
  }

  set(windowStart: number | null, group: readonly Value[], entry: T): void {
    let node = this.root;
    const path = [windowStart, ...group];
    for (let i = 0; i < this.depth - 1; i++) {
      const key = path[i] ?? null;
      let next = node.get(key) as Node<T> | undefined;
      if (!next) {
        next = new Map();
        node.set(key, next);
      }
      node = next;
    }
    node.set(path[this.depth - 1] ?? null, entry);
  }

  /** Removes the entry and the levels it leaves empty (evicted windows leave nothing behind). */
  delete(windowStart: number | null, group: readonly Value[]): void {
    const path = [windowStart, ...group];
    const nodes: Node<T>[] = [this.root];
    for (let i = 0; i < this.depth - 1; i++) {
      const next = nodes[i].get(path[i] ?? null) as Node<T> | undefined;
      if (!next) return;
      nodes.push(next);
    }
    for (let i = this.depth - 1; i >= 0; i--) {
      const node = nodes[i];
      node.delete(path[i] ?? null);
      if (node.size > 0 || i === 0) return;
    }
  }
}
