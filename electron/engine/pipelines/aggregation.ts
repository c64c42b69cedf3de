import type { AggregationSpec, OutputMode } from '../../../shared/pipelines.js';
import { compileAccumulators, emptyAccumulators, finish, type Accumulator, type CompiledAccumulators } from './accumulators.js';
import type { Row, Value } from './row.js';
import { WatermarkTracker } from './watermark.js';
import { StateIndex } from './state-index.js';
import { windowStartsInto, type TimeWindow } from './windows.js';

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
  /** Insertion-ordered: the order of complete-mode output and append-mode evictions. */
  private readonly state = new Map<string, StateEntry>();
  private readonly index: StateIndex<StateEntry>;
  private readonly tracker: WatermarkTracker | null;
  private readonly accumulator: CompiledAccumulators;
  /** Scratch for one record's window starts (reused: no allocation per record). */
  private readonly starts: number[] = [];

  constructor(spec: AggregationSpec, mode: OutputMode, restored?: { entries: StateEntry[]; watermark: number | null }) {
    this.spec = spec;
    this.mode = mode;
    this.tracker =
      spec.window && spec.watermarkDelayMs !== undefined ? new WatermarkTracker(spec.watermarkDelayMs, restored?.watermark ?? null) : null;
    this.index = new StateIndex(spec.groupBy.length);
    this.accumulator = compileAccumulators(spec.aggregates);
    for (const entry of restored?.entries ?? []) {
      this.state.set(entry.key, entry);
      this.index.set(entry.window?.start ?? null, entry.group, entry);
    }
  }

  get watermark(): number | null {
    return this.tracker?.watermark ?? null;
  }

  get openWindows(): number {
    return this.state.size;
  }

  processBatch(rows: readonly Row[]): BatchResult {
    const { spec, tracker, starts } = this;
    const { groupBy } = spec;
    const window = spec.window;
    const changed = new Set<StateEntry>();
    let lateRows = 0;
    // The watermark in force is fixed for the whole batch (it moves in endBatch below).
    const closedUpTo = tracker !== null && this.mode !== 'complete' ? tracker.watermark : null;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      if (!window) {
        const entry = this.index.get(null, row, groupBy) ?? this.create(row, null);
        this.accumulator(entry.accs, row);
        changed.add(entry);
        continue;
      }
      const time = row[window.column];
      // Spark filters rows whose time column is null (IsNotNull in TimeWindowing).
      if (typeof time !== 'number') continue;
      tracker?.observe(time);
      const count = windowStartsInto(time, window, starts);
      for (let w = 0; w < count; w++) {
        const start = starts[w];
        if (closedUpTo !== null && start + window.durationMs <= closedUpTo) {
          lateRows += 1;
          continue;
        }
        const entry = this.index.get(start, row, groupBy) ?? this.create(row, { start, end: start + window.durationMs });
        this.accumulator(entry.accs, row);
        changed.add(entry);
      }
    }

    const emitted: ResultRow[] = [];
    if (this.mode === 'update') for (const entry of changed) emitted.push(this.result(entry));
    if (this.mode === 'complete') for (const entry of this.state.values()) emitted.push(this.result(entry));

    const watermark = tracker ? tracker.endBatch() : null;
    const evicted: string[] = [];
    if (tracker && this.mode !== 'complete') {
      for (const entry of this.state.values()) {
        if (entry.window && tracker.isClosed(entry.window.end)) {
          evicted.push(entry.key);
          if (this.mode === 'append') emitted.push(this.result(entry));
        }
      }
      for (const key of evicted) {
        const entry = this.state.get(key);
        if (entry) this.index.delete(entry.window?.start ?? null, entry.group);
        this.state.delete(key);
      }
    }
    const upserted: StateEntry[] = [];
    for (const entry of changed) if (this.state.get(entry.key) === entry) upserted.push(entry);
    return { emitted, upserted, evicted, lateRows, watermark };
  }

  private create(row: Row, window: TimeWindow | null): StateEntry {
    const group = this.spec.groupBy.map((column) => row[column] ?? null);
    const entry: StateEntry = { key: stateKey(group, window), group, window, accs: emptyAccumulators(this.spec.aggregates) };
    this.state.set(entry.key, entry);
    this.index.set(window?.start ?? null, group, entry);
    return entry;
  }

  private result(entry: StateEntry): ResultRow {
    return { key: entry.key, group: entry.group, window: entry.window, values: finish(entry.accs, this.spec.aggregates) };
  }
}
