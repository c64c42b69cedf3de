// Sensor readings for the Spark oracle tests: a stream that moves forward in event time with
// out-of-order readings (minutes behind) and very late ones (beyond the watermark), from a seed.
import type { OutgoingRecord } from '../kafka.js';

export interface Reading {
  sensor: string;
  ts: number;
  temperature: number;
}

export interface ReadingsShape {
  count: number;
  /** Event time between two readings in order, ms. */
  stepMs: number;
  /** Share of readings stamped up to `outOfOrderMs` in the past. */
  outOfOrder: number;
  outOfOrderMs: number;
  /** Share of readings stamped between `veryLateMs` and twice that in the past (beyond the watermark). */
  veryLate: number;
  veryLateMs: number;
}

export const REALISTIC: ReadingsShape = {
  count: 600,
  stepMs: 5_000,
  outOfOrder: 0.2,
  outOfOrderMs: 8 * 60_000,
  veryLate: 0.04,
  veryLateMs: 12 * 60_000,
};

const T0 = Date.UTC(2024, 0, 1, 10, 0);

/** mulberry32: a small seeded generator, so a failing seed can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function readings(seed: number, shape: ReadingsShape = REALISTIC): Reading[] {
  const next = random(seed);
  const out: Reading[] = [];
  for (let i = 0; i < shape.count; i++) {
    const now = T0 + i * shape.stepMs;
    const roll = next();
    const behind =
      roll < shape.veryLate ? shape.veryLateMs * (1 + next()) : roll < shape.veryLate + shape.outOfOrder ? shape.outOfOrderMs * next() : 0;
    out.push({ sensor: `s${Math.floor(next() * 4)}`, ts: Math.round(now - behind), temperature: Math.round((15 + next() * 20) * 10) / 10 });
  }
  return out;
}

/** Round-robin over the partitions, so every partition moves through event time at the same pace. */
export function toRecords(topic: string, partitions: number, rows: readonly Reading[]): OutgoingRecord[] {
  return rows.map((row, i) => ({
    topic,
    partition: i % partitions,
    key: Buffer.from(row.sensor),
    value: Buffer.from(JSON.stringify(row)),
  }));
}
