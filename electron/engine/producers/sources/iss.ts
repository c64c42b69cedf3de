import type { z } from 'zod';
import { degreesLat, degreesLong, eciToGeodetic, gstime, propagate, twoline2satrec, type SatRec } from 'satellite.js';
import type { issSourceSchema } from '../../../../shared/producers.js';
import { WorkbenchError } from '../../../../shared/errors.js';
import { BUNDLED_ISS_TLE } from './bundled-tle.js';
import { fetchJson } from './fetch-json.js';
import type { Source, SourceBatch } from './source.js';

export type IssSettings = z.output<typeof issSourceSchema>;

const AUTO_RETRY_ONLINE_MS = 60_000;

/** The Open Notify iss-now.json shape; latitude and longitude are strings, as the real API sends them. */
export interface IssNow {
  message: 'success';
  timestamp: number;
  iss_position: { latitude: string; longitude: string };
}

/** Parses a two- or three-line TLE (name line optional). */
export function parseTle(text: string): SatRec {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const line1 = lines.find((l) => l.startsWith('1 '));
  const line2 = lines.find((l) => l.startsWith('2 '));
  if (!line1 || !line2) throw new WorkbenchError('VALIDATION', 'A TLE needs its line 1 (starting "1 ") and line 2 (starting "2 ")');
  const satrec = twoline2satrec(line1, line2);
  if (Number(satrec.error) !== 0) throw new WorkbenchError('VALIDATION', `The TLE could not be read (SGP4 error ${satrec.error})`);
  return satrec;
}

/** SGP4 position at `at`, in the Open Notify shape (4 decimals, like the API). */
export function issPositionAt(satrec: SatRec, at: Date): IssNow {
  const state = propagate(satrec, at);
  if (!state || typeof state.position !== 'object')
    throw new WorkbenchError('INTERNAL', `SGP4 could not propagate the TLE to ${at.toISOString()}; paste a newer TLE`);
  const geo = eciToGeodetic(state.position, gstime(at));
  return {
    message: 'success',
    timestamp: Math.floor(at.getTime() / 1000),
    iss_position: { latitude: degreesLat(geo.latitude).toFixed(4), longitude: degreesLong(geo.longitude).toFixed(4) },
  };
}

function isIssNow(value: unknown): value is IssNow {
  const v = value as Partial<IssNow> | null;
  return typeof v?.timestamp === 'number' && typeof v.iss_position?.latitude === 'string' && typeof v.iss_position.longitude === 'string';
}

/** Online polls Open Notify; offline propagates the TLE; auto tries online and falls back for that call. */
export class IssSource implements Source {
  readonly selfPaced = false;
  private readonly settings: IssSettings;
  private readonly satrec: SatRec;
  private readonly now: () => number;
  private offlineUntil = 0;

  constructor(settings: IssSettings, now: () => number = Date.now) {
    this.settings = settings;
    this.now = now;
    this.satrec = parseTle(settings.tle.trim() || BUNDLED_ISS_TLE);
  }

  async next(): Promise<SourceBatch> {
    const { mode, url, timeoutMs } = this.settings;
    if (mode === 'online' || (mode === 'auto' && this.now() >= this.offlineUntil)) {
      const result = await fetchJson({ url, timeoutMs, retries: 0, backoffMs: 0, maxBytes: 64 * 1024 });
      if (result.ok && isIssNow(result.json)) return { records: [result.json], errors: [] };
      const error = result.ok ? `${url} answered JSON that is not the Open Notify shape` : result.error;
      if (mode === 'online') return { records: [], errors: [error] };
      // Auto: offline for a minute before the API is tried again, so each run is not held up by a timeout.
      this.offlineUntil = this.now() + AUTO_RETRY_ONLINE_MS;
    }
    // Whole seconds, like the API: the record's timestamp is the instant the position is for.
    const at = new Date(Math.floor(this.now() / 1000) * 1000);
    return { records: [issPositionAt(this.satrec, at)], errors: [] };
  }
}
