import type { GeoPoint, GeoStream } from '../../../shared/geo.js';
import { readJsonPath } from '../json-path.js';

export type Extracted = { ok: true; point: GeoPoint } | { ok: false; reason: string };

function toNumber(raw: unknown): number | null {
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

/** Epoch seconds (Open Notify), epoch ms or an ISO string → epoch ms. Numbers below 1e11 are seconds. */
export function toEpochMs(raw: unknown): number | null {
  if (typeof raw === 'string' && !/^\s*-?\d+(\.\d+)?\s*$/.test(raw)) {
    const parsed = Date.parse(raw);
    return Number.isNaN(parsed) ? null : parsed;
  }
  const n = toNumber(raw);
  if (n === null) return null;
  return Math.abs(n) < 1e11 ? n * 1000 : n;
}

/**
 * One Kafka record → a map point. Latitude/longitude may be numbers or numeric strings (Open Notify
 * sends strings). Anything else is skipped with a reason, never thrown.
 */
export function extractPoint(
  value: Buffer | null,
  meta: { partition: number; offset: string; timestamp: string },
  stream: Pick<GeoStream, 'latitudePath' | 'longitudePath' | 'timePath' | 'altitudePath'>,
): Extracted {
  if (value === null) return { ok: false, reason: 'empty value' };
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch {
    return { ok: false, reason: 'value is not JSON' };
  }
  const lat = toNumber(readJsonPath(json, stream.latitudePath));
  const lon = toNumber(readJsonPath(json, stream.longitudePath));
  if (lat === null || lat < -90 || lat > 90) return { ok: false, reason: `no latitude at ${stream.latitudePath}` };
  if (lon === null || lon < -180 || lon > 180) return { ok: false, reason: `no longitude at ${stream.longitudePath}` };
  const t = stream.timePath === '' ? Number(meta.timestamp) : toEpochMs(readJsonPath(json, stream.timePath));
  if (t === null || !Number.isFinite(t)) return { ok: false, reason: `no time at ${stream.timePath}` };
  const altKm = stream.altitudePath === '' ? null : toNumber(readJsonPath(json, stream.altitudePath));
  return { ok: true, point: { t, lat, lon, altKm, partition: meta.partition, offset: meta.offset } };
}
