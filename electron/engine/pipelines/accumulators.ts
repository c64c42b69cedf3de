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
  specs.forEach((spec, i) => {
    const acc = accs[i];
    if (!acc) return;
    if (spec.fn === 'count' && spec.column === undefined) {
      acc.n += 1;
      return;
    }
    const value = spec.column === undefined ? null : (row[spec.column] ?? null);
    if (value === null) return;
    acc.n += 1;
    if (typeof value === 'number') acc.sum += value;
    if (acc.min === null || less(value, acc.min)) acc.min = value;
    if (acc.max === null || less(acc.max, value)) acc.max = value;
  });
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
