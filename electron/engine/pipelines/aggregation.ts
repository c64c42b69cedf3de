import type { AggregationSpec, OutputMode } from '../../../shared/pipelines.js';
import { accumulate, emptyAccumulators, finish, type Accumulator } from './accumulators.js';
import type { Row, Value } from './row.js';
import { WatermarkTracker } from './watermark.js';
import { assignWindows, type TimeWindow } from './windows.js';

/** One row of the result table: group values, the window (if windowed) and the aggregates. */
export interface ResultRow {
  key: string;
  group: Value[];
  window: TimeWindow | null;
  values: Record<string, Value>;
}

/** One entry of the state store: the key's parts and its accumulators. */
export interface StateEntry {
  key: string;
  group: Value[];
  window: TimeWindow | null;
  accs: Accumulator[];
}

export interface BatchResult {
  /** Rows for the sinks, per the output mode. */
  emitted: ResultRow[];
  /** State entries changed in this batch and still open (to upsert in the checkpoint). */
  upserted: StateEntry[];
  /** State keys evicted at the end of this batch (to delete from the checkpoint). */
  evicted: string[];
  /** Window rows dropped because their window had closed (`window.end <= watermark`). */
  lateRows: number;
  watermark: number | null;
}

export function stateKey(group: readonly Value[], window: TimeWindow | null): string {
  return JSON.stringify(window ? [...group, window.start, window.end] : group);
}

/**
 * Spark's streaming aggregation (StateStoreRestoreExec → StateStoreSaveExec) over micro-batches:
 * - rows are exploded into their windows (TimeWindowing), then keyed by group + window;
 * - update/append: a window row whose `window.end <= watermark` (the watermark fixed at the end of
 *   the previous batch) is late, dropped and counted (`watermarkPredicateForDataForLateEvents`);
 * - update emits the keys this batch changed; append emits a key once, when it is evicted;
 *   complete emits the whole table and, as in Spark, neither filters late rows nor evicts state;
 * - at the end of the batch the watermark advances and keys with `window.end <= watermark` are
 *   evicted (`removeKeysOlderThanWatermark`). Spark runs this eviction in the next (possibly
 *   no-data) batch with the new watermark; doing it at the end of this batch gives the same rows.
 */
export class AggregationOperator {
  readonly spec: AggregationSpec;
  readonly mode: OutputMode;
  private readonly state = new Map<string, StateEntry>();
  private readonly tracker: WatermarkTracker | null;

  constructor(spec: AggregationSpec, mode: OutputMode, restored?: { entries: StateEntry[]; watermark: number | null }) {
    this.spec = spec;
    this.mode = mode;
    this.tracker =
      spec.window && spec.watermarkDelayMs !== undefined ? new WatermarkTracker(spec.watermarkDelayMs, restored?.watermark ?? null) : null;
    for (const entry of restored?.entries ?? []) this.state.set(entry.key, entry);
  }

  get watermark(): number | null {
    return this.tracker?.watermark ?? null;
  }

  get openWindows(): number {
    return this.state.size;
  }

  processBatch(rows: readonly Row[]): BatchResult {
    const { spec } = this;
    const changed = new Set<string>();
    let lateRows = 0;
    const dropsLate = this.tracker !== null && this.mode !== 'complete';
    for (const row of rows) {
      const group = spec.groupBy.map((column) => row[column] ?? null);
      let windows: (TimeWindow | null)[] = [null];
      if (spec.window) {
        const time = row[spec.window.column];
        // Spark filters rows whose time column is null (IsNotNull in TimeWindowing).
        if (typeof time !== 'number') continue;
        this.tracker?.observe(time);
        windows = assignWindows(time, spec.window);
      }
      for (const window of windows) {
        if (dropsLate && window && this.tracker?.isClosed(window.end)) {
          lateRows += 1;
          continue;
        }
        const key = stateKey(group, window);
        let entry = this.state.get(key);
        if (!entry) {
          entry = { key, group, window, accs: emptyAccumulators(spec.aggregates) };
          this.state.set(key, entry);
        }
        accumulate(entry.accs, spec.aggregates, row);
        changed.add(key);
      }
    }

    const emitted: ResultRow[] = [];
    if (this.mode === 'update') for (const key of changed) emitted.push(this.result(this.entry(key)));
    if (this.mode === 'complete') for (const entry of this.state.values()) emitted.push(this.result(entry));

    const watermark = this.tracker ? this.tracker.endBatch() : null;
    const evicted: string[] = [];
    if (this.tracker && this.mode !== 'complete') {
      for (const entry of this.state.values()) {
        if (entry.window && this.tracker.isClosed(entry.window.end)) {
          evicted.push(entry.key);
          if (this.mode === 'append') emitted.push(this.result(entry));
        }
      }
      for (const key of evicted) this.state.delete(key);
    }
    const upserted = [...changed].filter((key) => this.state.has(key)).map((key) => this.entry(key));
    return { emitted, upserted, evicted, lateRows, watermark };
  }

  private entry(key: string): StateEntry {
    const entry = this.state.get(key);
    if (!entry) throw new Error(`no state for ${key}`);
    return entry;
  }

  private result(entry: StateEntry): ResultRow {
    return { key: entry.key, group: entry.group, window: entry.window, values: finish(entry.accs, this.spec.aggregates) };
  }
}
