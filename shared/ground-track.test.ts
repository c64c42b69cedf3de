import { describe, expect, it } from 'vitest';
import { distanceKm, speedKmh, splitAtAntimeridian } from './ground-track.js';

describe('distanceKm', () => {
  it('measures a quarter of the equator as ~10,008 km', () => {
    expect(distanceKm({ lat: 0, lon: 0 }, { lat: 0, lon: 90 })).toBeCloseTo(10_007.5, 0);
  });
  it('is the short way round across the antimeridian', () => {
    expect(distanceKm({ lat: 0, lon: 179 }, { lat: 0, lon: -179 })).toBeCloseTo(222.4, 0);
  });
});

describe('speedKmh', () => {
  it('gives ISS-like ground speed for 5 s of travel', () => {
    // 38.2 km of arc in 5 s ≈ 27,500 km/h
    const a = { lat: 0, lon: 0, t: 0 };
    const b = { lat: 0, lon: 0.3436, t: 5_000 };
    expect(speedKmh(a, b)).toBeGreaterThan(27_000);
    expect(speedKmh(a, b)).toBeLessThan(28_000);
  });
  it('refuses a zero or negative time step', () => {
    expect(speedKmh({ lat: 0, lon: 0, t: 5 }, { lat: 1, lon: 1, t: 5 })).toBeNull();
  });
});

describe('splitAtAntimeridian', () => {
  it('keeps a track that does not cross in one piece', () => {
    expect(
      splitAtAntimeridian([
        { lat: 0, lon: 10 },
        { lat: 1, lon: 20 },
      ]),
    ).toEqual([
      [
        { lat: 0, lon: 10 },
        { lat: 1, lon: 20 },
      ],
    ]);
  });

  it('splits an eastward crossing at +180 and resumes at -180 with the interpolated latitude', () => {
    const segments = splitAtAntimeridian([
      { lat: 0, lon: 170 },
      { lat: 10, lon: -170 },
    ]);
    expect(segments).toEqual([
      [
        { lat: 0, lon: 170 },
        { lat: 5, lon: 180 },
      ],
      [
        { lat: 5, lon: -180 },
        { lat: 10, lon: -170 },
      ],
    ]);
  });

  it('splits a westward crossing the other way round', () => {
    const segments = splitAtAntimeridian([
      { lat: -20, lon: -175 },
      { lat: -10, lon: 175 },
    ]);
    expect(segments[0]?.at(-1)).toEqual({ lat: -15, lon: -180 });
    expect(segments[1]?.[0]).toEqual({ lat: -15, lon: 180 });
    // No segment ever jumps more than 180° of longitude.
    for (const seg of segments)
      for (let i = 1; i < seg.length; i++) expect(Math.abs((seg[i]?.lon ?? 0) - (seg[i - 1]?.lon ?? 0))).toBeLessThanOrEqual(180);
  });
});
