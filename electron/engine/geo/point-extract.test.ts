import { describe, expect, it } from 'vitest';
import { geoStreamSchema } from '../../../shared/geo.js';
import { extractPoint, toEpochMs } from './point-extract.js';

const openNotify = geoStreamSchema.parse({ connectionId: 'c', topic: 't' });
const meta = { partition: 0, offset: '7', timestamp: '1700000009000' };
const record = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('extractPoint', () => {
  it('reads the Open Notify shape, with latitude and longitude as strings and time in epoch seconds', () => {
    const result = extractPoint(
      record({ message: 'success', timestamp: 1700000000, iss_position: { latitude: '-12.3456', longitude: '45.6789' } }),
      meta,
      openNotify,
    );
    expect(result).toEqual({
      ok: true,
      point: { t: 1_700_000_000_000, lat: -12.3456, lon: 45.6789, altKm: null, partition: 0, offset: '7' },
    });
  });

  it('uses the record timestamp when no time path is set, and reads an altitude path', () => {
    const stream = { latitudePath: 'lat', longitudePath: 'lon', timePath: '', altitudePath: 'alt' };
    expect(extractPoint(record({ lat: 1, lon: 2, alt: 420.5 }), meta, stream)).toMatchObject({
      ok: true,
      point: { t: 1_700_000_009_000, altKm: 420.5 },
    });
  });

  it('skips non-JSON, missing and out-of-range coordinates with a reason', () => {
    expect(extractPoint(Buffer.from('{oops'), meta, openNotify)).toEqual({ ok: false, reason: 'value is not JSON' });
    expect(extractPoint(record({ timestamp: 1, iss_position: { latitude: '91', longitude: '0' } }), meta, openNotify)).toEqual({
      ok: false,
      reason: 'no latitude at iss_position.latitude',
    });
    expect(extractPoint(record({ timestamp: 1, iss_position: { latitude: '1', longitude: 'east' } }), meta, openNotify)).toEqual({
      ok: false,
      reason: 'no longitude at iss_position.longitude',
    });
    expect(extractPoint(null, meta, openNotify)).toEqual({ ok: false, reason: 'empty value' });
  });
});

describe('toEpochMs', () => {
  it('tells seconds, milliseconds and ISO strings apart', () => {
    expect(toEpochMs(1700000000)).toBe(1_700_000_000_000);
    expect(toEpochMs('1700000000123')).toBe(1_700_000_000_123);
    expect(toEpochMs('2023-11-14T22:13:20Z')).toBe(1_700_000_000_000);
    expect(toEpochMs('yesterday')).toBeNull();
  });
});
