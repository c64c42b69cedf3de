import { degreesLat, degreesLong, eciToGeodetic, gstime, propagate, type SatRec } from 'satellite.js';
import type { PredictedTrack } from '../../../shared/geo.js';
import type { ProducerDefinition } from '../../../shared/producers.js';
import { BUNDLED_ISS_TLE } from '../producers/sources/bundled-tle.js';
import { parseTle } from '../producers/sources/iss.js';

/** Sub-satellite points every `stepSeconds` from `from` for `minutes` (SGP4; a point that fails to propagate is left out). */
export function predictPositions(satrec: SatRec, from: number, minutes: number, stepSeconds: number): PredictedTrack['points'] {
  const points: PredictedTrack['points'] = [];
  const end = from + minutes * 60_000;
  for (let t = from; t <= end; t += stepSeconds * 1000) {
    const at = new Date(t);
    const state = propagate(satrec, at);
    if (!state || typeof state.position !== 'object') continue;
    const geo = eciToGeodetic(state.position, gstime(at));
    points.push({ t, lat: degreesLat(geo.latitude), lon: degreesLong(geo.longitude) });
  }
  return points;
}

/**
 * The TLE the map may predict from: an ISS producer writing this topic that propagates SGP4 — offline
 * mode, or any mode with a pasted TLE. (An online-only producer sends the API's positions; the bundled
 * TLE's prediction would drift away from them as it ages.)
 */
export function predictionSource(
  producers: readonly ProducerDefinition[],
  connectionId: string,
  topic: string,
): { name: string; tle: string } | null {
  for (const p of producers) {
    if (p.connectionId !== connectionId || p.topic !== topic || p.source.kind !== 'iss') continue;
    const tle = p.source.tle.trim();
    if (p.source.mode === 'offline' || tle !== '') return { name: p.name, tle: tle || BUNDLED_ISS_TLE };
  }
  return null;
}

/** The predicted next orbit for a topic, or an empty track when no SGP4 producer writes it. */
export function predictedTrack(
  producers: readonly ProducerDefinition[],
  input: { connectionId: string; topic: string; from?: number | undefined; minutes: number; stepSeconds: number },
): PredictedTrack {
  const source = predictionSource(producers, input.connectionId, input.topic);
  if (!source) return { producer: null, tleEpoch: null, points: [] };
  const satrec = parseTle(source.tle);
  // jdsatepoch is the element set's epoch as a Julian date; 2440587.5 is the Unix epoch.
  const epochMs = (satrec.jdsatepoch - 2440587.5) * 86_400_000;
  return {
    producer: source.name,
    tleEpoch: Number.isFinite(epochMs) ? new Date(epochMs).toISOString() : null,
    points: predictPositions(satrec, input.from ?? Date.now(), input.minutes, input.stepSeconds),
  };
}
