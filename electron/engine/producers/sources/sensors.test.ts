import { describe, expect, it } from 'vitest';
import { sensorsSourceSchema } from '../../../../shared/producers.js';
import { SensorsSource } from './sensors.js';

describe('sensors source', () => {
  it('cycles sensor_1…sensor_10 with values inside the default S3 ranges', async () => {
    const now = Date.UTC(2026, 10, 1, 12);
    const source = new SensorsSource(sensorsSourceSchema.parse({ kind: 'sensors', seed: 7 }), () => now);
    const readings = [];
    for (let i = 0; i < 20; i++) readings.push(...(await source.next()).records);
    expect(readings.map((r) => (r as { sensor_id: string }).sensor_id).slice(0, 11)).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `sensor_${i + 1}`),
      'sensor_1',
    ]);
    for (const r of readings as { timestamp: string; temperature: number; humidity: number; pressure: number }[]) {
      expect(Object.keys(r)).toEqual(['timestamp', 'sensor_id', 'temperature', 'humidity', 'pressure']);
      expect(r.timestamp).toBe(new Date(now).toISOString());
      expect(r.temperature).toBeGreaterThanOrEqual(15);
      expect(r.temperature).toBeLessThanOrEqual(35);
      expect(r.humidity).toBeGreaterThanOrEqual(30);
      expect(r.humidity).toBeLessThanOrEqual(90);
      expect(r.pressure).toBeGreaterThanOrEqual(980);
      expect(r.pressure).toBeLessThanOrEqual(1050);
    }
  });

  it('gives the same readings for the same seed', () => {
    const settings = sensorsSourceSchema.parse({ kind: 'sensors', seed: 42 });
    const a = new SensorsSource(settings, () => 0);
    const b = new SensorsSource(settings, () => 0);
    expect([a.reading(), a.reading()]).toEqual([b.reading(), b.reading()]);
  });

  it('resumes after the delivered readings: the rotation and the seeded values go on', () => {
    const settings = sensorsSourceSchema.parse({ kind: 'sensors', seed: 9, sensorCount: 4 });
    const whole = new SensorsSource(settings, () => 0);
    const resumed = new SensorsSource(settings, () => 0);
    const all = Array.from({ length: 7 }, () => whole.reading());
    resumed.resumeAfter(5);
    expect([resumed.reading(), resumed.reading()]).toEqual(all.slice(5));
  });

  it('stamps about the configured share late, within the lateness', () => {
    const now = 1_800_000_000_000;
    const source = new SensorsSource(
      sensorsSourceSchema.parse({ kind: 'sensors', seed: 1, lateShare: 0.3, latenessSeconds: 600, sensorCount: 3 }),
      () => now,
    );
    const ages = Array.from({ length: 2000 }, () => now - Date.parse(source.reading().timestamp));
    const late = ages.filter((age) => age > 0);
    expect(late.length / ages.length).toBeGreaterThan(0.25);
    expect(late.length / ages.length).toBeLessThan(0.35);
    expect(Math.max(...ages)).toBeLessThanOrEqual(600_000);
  });
});
