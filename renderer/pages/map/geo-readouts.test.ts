import { describe, expect, it } from 'vitest';
import type { GeoPoint } from '../../../shared/geo.js';
import { ago, readouts } from './geo-readouts.js';

const point = (t: number, lon: number): GeoPoint => ({ t, lat: 0, lon, altKm: null, partition: 0, offset: '0' });

describe('readouts', () => {
  it('is empty without points', () => {
    expect(readouts([], 0)).toBeNull();
  });
  it('computes speed from the last two points and marks old data stale', () => {
    const r = readouts([point(0, 0), point(5_000, 0.3436)], 60_000);
    expect(r?.speedKmh).toBeGreaterThan(27_000);
    expect(r?.ageSeconds).toBe(55);
    expect(r?.stale).toBe(true);
    expect(readouts([point(0, 0)], 10_000)?.stale).toBe(false);
  });
  it('says how long ago in words', () => {
    expect(ago(12)).toBe('12 s ago');
    expect(ago(125)).toBe('2 min ago');
  });
});
