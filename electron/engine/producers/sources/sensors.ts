import type { z } from 'zod';
import type { sensorsSourceSchema } from '../../../../shared/producers.js';
import { seededRandom, type Source, type SourceBatch } from './source.js';

export type SensorsSettings = z.output<typeof sensorsSourceSchema>;

export interface SensorReading {
  timestamp: string;
  sensor_id: string;
  temperature: number;
  humidity: number;
  pressure: number;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/**
 * The S3 simulator: `sensor_1`…`sensor_N` in turn, uniform values in the configured ranges. A share
 * of readings can be stamped up to `latenessSeconds` in the past, so event-time windows and their
 * watermark have late and out-of-order rows to deal with.
 */
export class SensorsSource implements Source {
  readonly selfPaced = false;
  private readonly random: () => number;
  private index = 0;
  private readonly settings: SensorsSettings;
  private readonly now: () => number;

  constructor(settings: SensorsSettings, now: () => number = Date.now) {
    this.settings = settings;
    this.now = now;
    this.random = seededRandom(settings.seed ?? Math.floor(Math.random() * 2 ** 31));
  }

  reading(): SensorReading {
    const { sensorCount, temperature, humidity, pressure, lateShare, latenessSeconds } = this.settings;
    const between = ([min, max]: [number, number]) => round2(min + this.random() * (max - min));
    const late = lateShare > 0 && this.random() < lateShare;
    const at = this.now() - (late ? Math.round(this.random() * latenessSeconds * 1000) : 0);
    const id = (this.index++ % sensorCount) + 1;
    return {
      timestamp: new Date(at).toISOString(),
      sensor_id: `sensor_${id}`,
      temperature: between(temperature),
      humidity: between(humidity),
      pressure: between(pressure),
    };
  }

  /**
   * Draws the `delivered` readings again and drops them, so a resumed session goes on with the
   * rotation (sensor_1…sensor_N in turn) and, with a seed, the values it would have sent next.
   */
  resumeAfter(delivered: number): void {
    for (let i = 0; i < delivered; i++) this.reading();
  }

  next(): Promise<SourceBatch> {
    return Promise.resolve({ records: [this.reading()], errors: [] });
  }
}
