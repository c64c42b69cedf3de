import type { FeatureCollection } from 'geojson';
import { describe, expect, it } from 'vitest';
import { basemapCountries, thin, unwrapRing } from './basemap.js';

describe('unwrapRing', () => {
  it('leaves a ring that does not cross the antimeridian alone', () => {
    const ring = [
      [10, 0],
      [20, 0],
      [20, 10],
      [10, 0],
    ];
    expect(unwrapRing(ring)).toBe(ring);
  });
  it('makes a crossing ring continuous past 180°', () => {
    expect(
      unwrapRing([
        [178, -17],
        [-179, -17],
        [-179, -16],
        [178, -17],
      ]),
    ).toEqual([
      [178, -17],
      [181, -17],
      [181, -16],
      [178, -17],
    ]);
  });
});

describe('basemapCountries', () => {
  it('drops Antarctica and unwraps crossing polygons', () => {
    const fc: FeatureCollection = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          id: '010',
          properties: {},
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [0, -80],
                [10, -80],
                [0, -80],
              ],
            ],
          },
        },
        {
          type: 'Feature',
          id: '242',
          properties: {},
          geometry: {
            type: 'MultiPolygon',
            coordinates: [
              [
                [
                  [178, -17],
                  [-179, -17],
                  [178, -17],
                ],
              ],
            ],
          },
        },
      ],
    };
    const out = basemapCountries(fc);
    expect(out.features.map((f) => f.id)).toEqual(['242']);
    expect(out.features[0]?.geometry).toEqual({
      type: 'MultiPolygon',
      coordinates: [
        [
          [
            [178, -17],
            [181, -17],
            [178, -17],
          ],
        ],
      ],
    });
  });
});

describe('thin', () => {
  it('keeps short tracks whole and long ones to the limit, newest point included', () => {
    const points = Array.from({ length: 10_000 }, (_, i) => i);
    expect(thin(points.slice(0, 10), 3000)).toHaveLength(10);
    const out = thin(points, 3000);
    expect(out.length).toBeLessThanOrEqual(3001);
    expect(out[0]).toBe(0);
    expect(out.at(-1)).toBe(9_999);
  });
});
