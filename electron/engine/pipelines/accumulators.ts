import type { AggregateSpec } from '../../../shared/pipelines.js';
import type { Value } from './row.js';

/**
 * Running state of one aggregate: enough to merge more rows later (count/sum/min/max) and to
 * produce Spark's results — `count(*)` counts rows, `count(col)` non-null values; sum/avg/min/max
 * ignore nulls and are null when no non-null value was seen.
 */
export interface Accumulator {
  n: number;
  sum: number;
  min: Value;
  max: Value;
}

export function emptyAccumulators(specs: readonly AggregateSpec[]): Accumulator[] {
  return specs.map(() => ({ n: 0, sum: 0, min: null, max: null }));
}

function less(a: Value, b: Value): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a < b;
  return String(a) < String(b);
}

export function accumulate(accs: Accumulator[], specs: readonly AggregateSpec[], row: Record<string, Value>): void {
  compileAccumulators(specs)(accs, row);
}

/** Adds one row to a state entry's accumulators (one per aggregate, in order). */
export type CompiledAccumulators = (accs: Accumulator[], row: Record<string, Value>) => void;

/**
 * `accumulate` with the specs resolved once per pipeline: per aggregate either "count rows" or the
 * column whose non-null values it takes (null: an aggregate without a column counts nothing else).
 */
export function compileAccumulators(specs: readonly AggregateSpec[]): CompiledAccumulators {
  const countsRows = specs.map((spec) => spec.fn === 'count' && spec.column === undefined);
  const columns = specs.map((spec) => spec.column ?? null);
  const n = specs.length;
  return (accs, row) => {
    for (let i = 0; i < n; i++) {
      const acc = accs[i];
      if (!acc) continue;
      if (countsRows[i]) {
        acc.n += 1;
        continue;
      }
      const column = columns[i];
      const value = column === null || column === undefined ? null : (row[column] ?? null);
      if (value === null) continue;
      acc.n += 1;
      if (typeof value === 'number') acc.sum += value;
      if (acc.min === null || less(value, acc.min)) acc.min = value;
      if (acc.max === null || less(acc.max, value)) acc.max = value;
    }
  };
}

export function finish(accs: readonly Accumulator[], specs: readonly AggregateSpec[]): Record<string, Value> {
  const out: Record<string, Value> = {};
  specs.forEach((spec, i) => {
    const acc = accs[i] ?? { n: 0, sum: 0, min: null, max: null };
    switch (spec.fn) {
      case 'count':
        out[spec.as] = acc.n;
        break;
      case 'sum':
        out[spec.as] = acc.n === 0 ? null : acc.sum;
        break;
      case 'avg':
        out[spec.as] = acc.n === 0 ? null : acc.sum / acc.n;
        break;
      case 'min':
        out[spec.as] = acc.min;
        break;
      case 'max':
        out[spec.as] = acc.max;
        break;
    }
  });
  return out;
}
