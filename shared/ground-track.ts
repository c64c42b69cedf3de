/** Pure geometry for the live map; both the engine and the renderer use it. */

export interface LatLon {
  lat: number;
  lon: number;
}

const EARTH_RADIUS_KM = 6371.0088;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance (haversine). */
export function distanceKm(a: LatLon, b: LatLon): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Ground speed from two timed positions, km/h; null when the time step is not positive. (Ground
 * speed of the sub-satellite point: the ISS's orbital speed is ~7 % higher at 420 km altitude.)
 */
export function speedKmh(a: LatLon & { t: number }, b: LatLon & { t: number }): number | null {
  const hours = (b.t - a.t) / 3_600_000;
  return hours > 0 ? distanceKm(a, b) / hours : null;
}

/**
 * Splits a track into segments that never cross the ±180° meridian, inserting the interpolated
 * crossing point on both sides, so a map draws no line across the whole world.
 */
export function splitAtAntimeridian<T extends LatLon>(points: readonly T[]): LatLon[][] {
  const segments: LatLon[][] = [];
  let current: LatLon[] = [];
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    const prev = i > 0 ? points[i - 1] : undefined;
    if (prev && Math.abs(p.lon - prev.lon) > 180) {
      // Crossing: unwrap the next longitude, interpolate the latitude at ±180.
      const east = prev.lon > 0;
      const unwrapped = east ? p.lon + 360 : p.lon - 360;
      const edge = east ? 180 : -180;
      const f = (edge - prev.lon) / (unwrapped - prev.lon);
      const lat = prev.lat + f * (p.lat - prev.lat);
      current.push({ lat, lon: edge });
      segments.push(current);
      current = [{ lat, lon: -edge }];
    }
    current.push({ lat: p.lat, lon: p.lon });
  }
  if (current.length > 0) segments.push(current);
  return segments;
}
