import type { AggregationSpec, OutputMode } from '../../../shared/pipelines.js';
import { compileAccumulators, emptyAccumulators, finish, type Accumulator, type CompiledAccumulators } from './accumulators.js';
import type { Row, Value } from './row.js';
import { isClosed, WatermarkTracker, type WatermarkRule } from './watermark.js';
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
  /** Window rows (a record once per window it falls in) dropped as late: `window.end <= late-events watermark`. */
  lateRows: number;
  /**
   * Spark's `numRowsDroppedByWatermark`: late rows counted after the batch's partial aggregation,
   * i.e. the distinct group + window keys of this batch that were dropped.
   */
  droppedByWatermark: number;
  /** The watermarks this batch ran with (Spark's progress shows `eviction` as `eventTime.watermark`). */
  ran: { lateEvents: number | null; eviction: number | null };
  /** The eviction watermark of the next batch. */
  watermark: number | null;
  /** The eviction watermark of this batch (the next batch's late-events watermark under Spark 3.4+). */
  previousWatermark: number | null;
}

export function stateKey(group: readonly Value[], window: TimeWindow | null): string {
  return JSON.stringify(window ? [...group, window.start, window.end] : group);
}

/**
 * Spark's streaming aggregation (StateStoreRestoreExec → StateStoreSaveExec) over micro-batches,
 * with the two watermarks of Spark 3.4+ (WatermarkTracker; docs/SEMANTICS.md):
 * - rows are exploded into their windows (TimeWindowing), then keyed by group + window;
 * - update/append: a window row whose `window.end <=` the late-events watermark (the previous
 *   batch's) is late, dropped and counted (`watermarkPredicateForDataForLateEvents`);
 * - update emits the keys this batch changed; append emits a key once, when it is evicted;
 * - then keys with `window.end <=` this batch's eviction watermark are evicted
 *   (`removeKeysOlderThanWatermark` / the append iterator over `watermarkPredicateForKeysForEviction`);
 *   a key changed by this batch is emitted (update) and then evicted in the same batch;
 * - complete emits the whole table and, as in Spark, neither filters late rows nor evicts state;
 * - the watermark then moves with this batch's max event time; when it moved, Spark runs a batch
 *   without data (`owesBatch`) if no data is waiting, and that batch evicts what it closed.
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

  constructor(
    spec: AggregationSpec,
    mode: OutputMode,
    restored?: { entries: StateEntry[]; watermark: number | null; previousWatermark?: number | null },
    rule: WatermarkRule = '3.4',
  ) {
    this.spec = spec;
    this.mode = mode;
    this.tracker =
      spec.window && spec.watermarkDelayMs !== undefined
        ? new WatermarkTracker(
            spec.watermarkDelayMs,
            rule,
            restored
              ? {
                  watermark: restored.watermark,
                  ...(restored.previousWatermark !== undefined ? { previousWatermark: restored.previousWatermark } : {}),
                }
              : undefined,
          )
        : null;
    this.index = new StateIndex(spec.groupBy.length);
    this.accumulator = compileAccumulators(spec.aggregates);
    for (const entry of restored?.entries ?? []) {
      this.state.set(entry.key, entry);
      this.index.set(entry.window?.start ?? null, entry.group, entry);
    }
  }

  /** The eviction watermark of the next batch. */
  get watermark(): number | null {
    return this.tracker?.watermark ?? null;
  }

  /** The eviction watermark of the last batch (kept with the checkpoint: the next batch's late-events watermark). */
  get previousWatermark(): number | null {
    return this.tracker?.previousWatermark ?? null;
  }

  /** A batch without data must run (Spark's `shouldRunAnotherBatch`): the watermark moved past the last eviction. */
  get owesBatch(): boolean {
    return this.tracker !== null && this.mode !== 'complete' && this.tracker.owesBatch;
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
    let lateKeys: Set<string> | null = null;
    // Fixed for the whole batch (they move in endBatch below). Complete mode neither filters nor evicts.
    const ran = tracker ? tracker.batch : { lateEvents: null, eviction: null };
    const stateful = tracker !== null && this.mode !== 'complete';
    const lateBy = stateful ? ran.lateEvents : null;
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
        const end = start + window.durationMs;
        if (isClosed(end, lateBy)) {
          lateRows += 1;
          (lateKeys ??= new Set()).add(
            stateKey(
              groupBy.map((column) => row[column] ?? null),
              { start, end },
            ),
          );
          continue;
        }
        const entry = this.index.get(start, row, groupBy) ?? this.create(row, { start, end });
        this.accumulator(entry.accs, row);
        changed.add(entry);
      }
    }

    const emitted: ResultRow[] = [];
    if (this.mode === 'update') for (const entry of changed) emitted.push(this.result(entry));
    if (this.mode === 'complete') for (const entry of this.state.values()) emitted.push(this.result(entry));

    const evicted: string[] = [];
    if (stateful) {
      for (const entry of this.state.values()) {
        if (entry.window && isClosed(entry.window.end, ran.eviction)) {
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
    const watermark = tracker ? tracker.endBatch() : null;
    const upserted: StateEntry[] = [];
    for (const entry of changed) if (this.state.get(entry.key) === entry) upserted.push(entry);
    return {
      emitted,
      upserted,
      evicted,
      lateRows,
      droppedByWatermark: lateKeys?.size ?? 0,
      ran,
      watermark,
      previousWatermark: this.previousWatermark,
    };
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
