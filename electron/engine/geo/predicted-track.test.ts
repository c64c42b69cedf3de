import { degreesLat, degreesLong, eciToGeodetic, gstime, propagate, twoline2satrec } from 'satellite.js';
import { describe, expect, it } from 'vitest';
import { producerInputSchema, type ProducerDefinition } from '../../../shared/producers.js';
import { splitAtAntimeridian } from '../../../shared/ground-track.js';
import { BUNDLED_ISS_TLE } from '../producers/sources/bundled-tle.js';
import { predictedTrack, predictionSource } from './predicted-track.js';

const producer = (name: string, topic: string, source: Record<string, unknown>): ProducerDefinition => ({
  ...producerInputSchema.parse({ name, connectionId: 'c1', topic, source, schedule: { trigger: { kind: 'interval', everyMs: 5000 } } }),
  id: name,
});
const offline = producer('ISS offline', 'iss', { kind: 'iss', mode: 'offline' });

describe('predictedTrack', () => {
  it('agrees with satellite.js at a few timestamps over the next orbit', () => {
    const from = Date.parse('2026-11-23T06:00:00Z');
    const track = predictedTrack([offline], { connectionId: 'c1', topic: 'iss', from, minutes: 92, stepSeconds: 30 });
    expect(track.producer).toBe('ISS offline');
    expect(track.points).toHaveLength(92 * 2 + 1);
    const [, l1, l2] = BUNDLED_ISS_TLE.trim().split('\n') as [string, string, string];
    const satrec = twoline2satrec(l1.trim(), l2.trim());
    for (const index of [0, 37, 120, 184]) {
      const p = track.points[index];
      const at = new Date(from + index * 30_000);
      expect(p.t).toBe(at.getTime());
      const state = propagate(satrec, at);
      if (!state) throw new Error('propagation failed');
      const geo = eciToGeodetic(state.position, gstime(at));
      expect(p.lat).toBeCloseTo(degreesLat(geo.latitude), 6);
      expect(p.lon).toBeCloseTo(degreesLong(geo.longitude), 6);
    }
    // One orbit of the ISS: inclination 51.6°, and it crosses the antimeridian at least once.
    expect(Math.max(...track.points.map((p) => Math.abs(p.lat)))).toBeGreaterThan(50);
    expect(Math.max(...track.points.map((p) => Math.abs(p.lat)))).toBeLessThan(52);
    expect(splitAtAntimeridian(track.points).length).toBeGreaterThanOrEqual(2);
    expect(track.tleEpoch).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('predicts only for an SGP4 producer of that topic and connection', () => {
    const online = producer('ISS online', 'iss', { kind: 'iss', mode: 'online' });
    const pasted = producer('ISS pasted', 'iss', { kind: 'iss', mode: 'auto', tle: BUNDLED_ISS_TLE });
    const sensors = producer('Sensors', 'iss', { kind: 'sensors' });
    expect(predictionSource([online, sensors], 'c1', 'iss')).toBeNull();
    expect(predictionSource([offline], 'c1', 'other')).toBeNull();
    expect(predictionSource([offline], 'c2', 'iss')).toBeNull();
    expect(predictionSource([online, pasted], 'c1', 'iss')?.name).toBe('ISS pasted');
    expect(predictedTrack([online], { connectionId: 'c1', topic: 'iss', minutes: 92, stepSeconds: 30 })).toEqual({
      producer: null,
      tleEpoch: null,
      points: [],
    });
  });
});
