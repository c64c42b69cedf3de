import { cpus, totalmem } from 'node:os';

/** One measured side of a benchmark: a rate (higher is better) or a duration (lower is better). */
export interface Measurement {
  value: number;
  unit: string;
  runs: number[];
}

export interface BenchRow {
  benchmark: string;
  ours: { label: string; m: Measurement };
  peer: { label: string; m: Measurement } | null;
  /** ours / peer (the target column says which way is better): the median of the per-run ratios when the sides were interleaved. */
  ratio: number | null;
  /** min and max of the per-run ratios (interleaved sides only). */
  ratioRange?: [number, number];
  target: string;
  pass: boolean | null;
  note?: string;
}

export interface BenchOptions {
  /** Tiny sizes: proves the benchmark still runs (part of npm test), not a measurement. */
  smoke: boolean;
  runs: number;
  warmups: number;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

/**
 * Runs `once` after warm-ups and returns the median of `runs` results. Our side and the peer are
 * measured one after the other, never at the same time (2 cores); where both are measured in one
 * benchmark, use `measureEach`, which interleaves them.
 */
export async function measure(options: BenchOptions, unit: string, once: (run: number) => Promise<number>): Promise<Measurement> {
  for (let i = 0; i < options.warmups; i++) await once(-1 - i);
  const runs: number[] = [];
  for (let i = 0; i < options.runs; i++) runs.push(await once(i));
  return { value: median(runs), unit, runs };
}

/**
 * Measures several sides run by run, interleaved (A B C, then C B A, …), never two at once: a
 * machine that speeds up or slows down during the benchmark (two full runs once measured `kcat -P`
 * at 980,667 and 358,518 msg/s) moves every side alike, and the per-run ratios (`ratioOf`) stay
 * comparable. Each side gets the warm-ups first, then `runs` measurements.
 */
export async function measureEach<K extends string>(
  options: BenchOptions,
  sides: Record<K, { unit: string; once: (run: number) => Promise<number>; log?: (m: Measurement) => string }>,
  log?: (line: string) => void,
): Promise<Record<K, Measurement>> {
  const names = Object.keys(sides) as K[];
  for (let i = 0; i < options.warmups; i++) for (const name of names) await sides[name].once(-1 - i);
  const runs = new Map<K, number[]>(names.map((name) => [name, []]));
  for (let i = 0; i < options.runs; i++) {
    for (const name of i % 2 === 0 ? names : [...names].reverse()) runs.get(name)?.push(await sides[name].once(i));
  }
  const result = {} as Record<K, Measurement>;
  for (const name of names) {
    const values = runs.get(name) ?? [];
    result[name] = { value: median(values), unit: sides[name].unit, runs: values };
    log?.(`${name}: ${spread(result[name])}`);
  }
  return result;
}

/** Per-run ratios of two interleaved measurements (`a / b`, or `b / a` for durations where lower is better): median, min, max. */
export function ratioOf(a: Measurement, b: Measurement | null, lowerIsBetter = false): { median: number; min: number; max: number } | null {
  if (!b) return null;
  const pairs =
    a.runs.length === b.runs.length && a.runs.length > 0
      ? a.runs.map((x, i) => [x, b.runs[i] ?? NaN] as const)
      : [[a.value, b.value] as const];
  const ratios = pairs.map(([x, y]) => (lowerIsBetter ? y / x : x / y)).filter((r) => Number.isFinite(r));
  if (ratios.length === 0) return null;
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
}

export function rateRatio(ours: Measurement, peer: Measurement | null): number | null {
  return ratioOf(ours, peer)?.median ?? null;
}

/** A row's `ratio` and `ratioRange` from two measurements (see ratioOf). */
export function ratioFields(ours: Measurement, peer: Measurement | null, lowerIsBetter = false): Pick<BenchRow, 'ratio' | 'ratioRange'> {
  const r = ratioOf(ours, peer, lowerIsBetter);
  return r === null ? { ratio: null } : { ratio: r.median, ...(r.min !== r.max ? { ratioRange: [r.min, r.max] as [number, number] } : {}) };
}

/** "median (min–max)" of one measurement's runs. */
export function spread(m: Measurement): string {
  if (m.runs.length < 2) return fmtValue(m.value, m.unit);
  // The range in the median's precision: "200 msg/s (50–300)", "1.50 ms (0.90–2.10)".
  return `${fmtValue(m.value, m.unit)} (${fmtNumber(Math.min(...m.runs), m.value)}–${fmtNumber(Math.max(...m.runs), m.value)})`;
}

export function machine(): Record<string, string | number> {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

function fmtNumber(v: number, scale = v): string {
  return scale >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2);
}

function fmtValue(v: number, unit: string): string {
  return `${fmtNumber(v)} ${unit}`;
}

/** Rows with ours, the peer and the ratio; each with its min–max over the runs when there were several. */
export function markdownTable(rows: BenchRow[]): string {
  const lines = ['| benchmark | ours | peer (same run) | ratio | target | pass |', '| --- | --- | --- | --- | --- | --- |'];
  for (const row of rows) {
    const peer = row.peer ? `${spread(row.peer.m)} (${row.peer.label})` : '—';
    const range = row.ratioRange ? ` (${row.ratioRange[0].toFixed(2)}–${row.ratioRange[1].toFixed(2)})` : '';
    const ratio = row.ratio === null ? '—' : `${row.ratio.toFixed(2)}×${range}`;
    const pass = row.pass === null ? '—' : row.pass ? 'yes' : '**no**';
    lines.push(`| ${row.benchmark} | ${spread(row.ours.m)} (${row.ours.label}) | ${peer} | ${ratio} | ${row.target} | ${pass} |`);
  }
  return lines.join('\n');
}
