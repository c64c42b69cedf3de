import type { GeoPoint } from '../../../shared/geo.js';
import { speedKmh } from '../../../shared/ground-track.js';

export interface Readouts {
  lat: number;
  lon: number;
  speedKmh: number | null;
  altKm: number | null;
  at: number;
  ageSeconds: number;
  stale: boolean;
}

/** A record older than this is shown grey: the producer (5 s polling in S1) has probably stopped. */
export const STALE_AFTER_S = 30;

export function readouts(points: readonly GeoPoint[], now: number): Readouts | null {
  const last = points.at(-1);
  if (!last) return null;
  const previous = points.at(-2);
  const ageSeconds = Math.max(0, Math.round((now - last.t) / 1000));
  return {
    lat: last.lat,
    lon: last.lon,
    speedKmh: previous ? speedKmh(previous, last) : null,
    altKm: last.altKm,
    at: last.t,
    ageSeconds,
    stale: ageSeconds > STALE_AFTER_S,
  };
}

export function ago(seconds: number): string {
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  return `${Math.floor(seconds / 3600)} h ago`;
}
