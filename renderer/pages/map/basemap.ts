import type { Feature, FeatureCollection, Geometry, Position } from 'geojson';

/**
 * Rings that cross the ±180° meridian (Fiji, Chukotka in Natural Earth) would be drawn as a band
 * across the whole map. Unwrap such a ring so its longitudes run continuously past 180°: it is then
 * drawn at the right edge, where it belongs.
 */
export function unwrapRing(ring: Position[]): Position[] {
  const crosses = ring.some((p, i) => i > 0 && Math.abs((p[0] ?? 0) - (ring[i - 1]?.[0] ?? 0)) > 180);
  if (!crosses) return ring;
  return ring.map(([lon = 0, lat = 0]) => [lon < 0 ? lon + 360 : lon, lat]);
}

function unwrapGeometry(geometry: Geometry): Geometry {
  switch (geometry.type) {
    case 'Polygon':
      return { ...geometry, coordinates: geometry.coordinates.map(unwrapRing) };
    case 'MultiPolygon':
      return { ...geometry, coordinates: geometry.coordinates.map((polygon) => polygon.map(unwrapRing)) };
    default:
      return geometry;
  }
}

/** The basemap: countries without Antarctica (its pole-wrapping ring draws a seam in Web Mercator). */
export function basemapCountries(all: FeatureCollection): FeatureCollection {
  const features: Feature[] = all.features.filter((f) => f.id !== '010').map((f) => ({ ...f, geometry: unwrapGeometry(f.geometry) }));
  return { ...all, features };
}

/** Every k-th point (and always the newest), so a long track costs the same to draw as a short one. */
export function thin<T>(points: readonly T[], max: number): readonly T[] {
  if (points.length <= max) return points;
  const step = Math.ceil(points.length / max);
  const out: T[] = [];
  for (let i = 0; i < points.length - 1; i += step) out.push(points[i]);
  out.push(points[points.length - 1]);
  return out;
}
