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
  /** ours / peer (the target column says which way is better). */
  ratio: number | null;
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
 * measured one after the other, never at the same time (2 cores).
 */
export async function measure(options: BenchOptions, unit: string, once: (run: number) => Promise<number>): Promise<Measurement> {
  for (let i = 0; i < options.warmups; i++) await once(-1 - i);
  const runs: number[] = [];
  for (let i = 0; i < options.runs; i++) runs.push(await once(i));
  return { value: median(runs), unit, runs };
}

export function rateRatio(ours: Measurement, peer: Measurement | null): number | null {
  return peer && peer.value > 0 ? ours.value / peer.value : null;
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

function fmt(m: Measurement): string {
  const v = m.value >= 100 ? Math.round(m.value).toLocaleString('en-US') : m.value.toFixed(2);
  return `${v} ${m.unit}`;
}

export function markdownTable(rows: BenchRow[]): string {
  const lines = [
    '| benchmark | ours | peer (same run) | ratio | target | pass |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const row of rows) {
    const peer = row.peer ? `${fmt(row.peer.m)} (${row.peer.label})` : '—';
    const ratio = row.ratio === null ? '—' : `${row.ratio.toFixed(2)}×`;
    const pass = row.pass === null ? '—' : row.pass ? 'yes' : '**no**';
    lines.push(`| ${row.benchmark} | ${fmt(row.ours.m)} (${row.ours.label}) | ${peer} | ${ratio} | ${row.target} | ${pass} |`);
  }
  return lines.join('\n');
}
