import { readFileSync } from 'node:fs';
import { degreesLat, degreesLong, eciToGeodetic, gstime, propagate, twoline2satrec } from 'satellite.js';
import { describe, expect, it } from 'vitest';
import { issSourceSchema } from '../../../../shared/producers.js';
import { BUNDLED_ISS_TLE } from './bundled-tle.js';
import { IssSource, parseTle } from './iss.js';

describe('ISS source, offline', () => {
  it('emits the Open Notify shape with string coordinates', async () => {
    const now = Date.UTC(2026, 10, 23, 6, 0, 0, 500);
    const source = new IssSource(issSourceSchema.parse({ kind: 'iss', mode: 'offline' }), () => now);
    const [record] = (await source.next()).records as [
      { message: string; timestamp: number; iss_position: { latitude: string; longitude: string } },
    ];
    expect(record.message).toBe('success');
    expect(record.timestamp).toBe(Math.floor(now / 1000));
    expect(record.iss_position.latitude).toMatch(/^-?\d+\.\d{4}$/);
    expect(record.iss_position.longitude).toMatch(/^-?\d+\.\d{4}$/);
    // Independent SGP4 propagation at the record's timestamp agrees.
    const [, l1, l2] = BUNDLED_ISS_TLE.split('\n') as [string, string, string];
    const at = new Date(record.timestamp * 1000);
    const state = propagate(twoline2satrec(l1, l2), at);
    if (!state) throw new Error('propagation failed');
    const geo = eciToGeodetic(state.position, gstime(at));
    expect(Number(record.iss_position.latitude)).toBeCloseTo(degreesLat(geo.latitude), 3);
    expect(Number(record.iss_position.longitude)).toBeCloseTo(degreesLong(geo.longitude), 3);
    expect(Math.abs(Number(record.iss_position.latitude))).toBeLessThanOrEqual(51.7);
  });

  it('bundles the same TLE as resources/producers/iss.tle', () => {
    expect(readFileSync('resources/producers/iss.tle', 'utf8').trim()).toBe(BUNDLED_ISS_TLE.trim());
  });

  it('moves about 7.6 km/s between two records 10 s apart', async () => {
    let now = Date.UTC(2026, 10, 23, 6);
    const source = new IssSource(issSourceSchema.parse({ kind: 'iss', mode: 'offline' }), () => now);
    const a = ((await source.next()).records[0] as { iss_position: { latitude: string } }).iss_position;
    now += 10_000;
    const b = ((await source.next()).records[0] as { iss_position: { latitude: string } }).iss_position;
    expect(a).not.toEqual(b);
  });

  it('refuses a pasted TLE without its two lines', () => {
    expect(() => parseTle('ISS\nnot a tle')).toThrow(/line 1/);
  });
});

describe('ISS source, online and auto', () => {
  it('passes the API’s record through online, and falls back to SGP4 in auto when the API fails', async () => {
    const { createServer } = await import('node:http');
    let healthy = true;
    const api = { message: 'success', timestamp: 1_700_000_000, iss_position: { latitude: '-12.3456', longitude: '45.6789' } };
    const server = createServer((_, response) => {
      response.statusCode = healthy ? 200 : 500;
      response.end(healthy ? JSON.stringify(api) : 'down');
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/iss-now.json`;
    try {
      const online = new IssSource(issSourceSchema.parse({ kind: 'iss', mode: 'online', url }));
      expect((await online.next()).records).toEqual([api]);
      healthy = false;
      expect(await online.next()).toEqual({ records: [], errors: [expect.stringContaining('answered HTTP 500') as unknown] });
      const auto = new IssSource(issSourceSchema.parse({ kind: 'iss', mode: 'auto', url }), () => Date.UTC(2026, 10, 23, 6));
      const fallback = await auto.next();
      expect(fallback.errors).toEqual([]);
      expect(fallback.records[0]).toMatchObject({ message: 'success', timestamp: Date.UTC(2026, 10, 23, 6) / 1000 });
    } finally {
      await new Promise((done) => server.close(done));
    }
  });
});
