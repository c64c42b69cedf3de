import { describe, expect, it } from 'vitest';
import { pipelineInputSchema, pipelineSchema } from '../../../shared/pipelines.js';
import {
  emptyForm,
  formToInput,
  parseDuration,
  pipelineToForm,
  randomUsersS2Preset,
  sensorsPreset,
  wordCountPreset,
} from './pipeline-form-model.js';
import { resultsCaption } from './results-table.js';

describe('pipeline form model', () => {
  it('parses Spark-style interval strings and rejects others', () => {
    expect(parseDuration('5 minutes')).toBe(300_000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('250')).toBe(250);
    expect(parseDuration('5 fortnights')).toBeNull();
    expect(parseDuration('soon')).toBeNull();
  });

  it('turns the S3 preset into the S3 pipeline: 5-minute tumbling windows, 10-minute watermark, update, output_topic', () => {
    const result = formToInput(sensorsPreset(), 'c1');
    if (!('input' in result)) throw new Error(JSON.stringify(result.errors));
    const spec = pipelineInputSchema.parse(result.input);
    expect(spec.aggregation).toMatchObject({
      groupBy: ['sensor_id'],
      window: { column: 'timestamp', durationMs: 300_000, offsetMs: 0 },
      watermarkDelayMs: 600_000,
    });
    expect(spec.aggregation?.window?.slideMs).toBeUndefined();
    expect(spec.aggregation?.aggregates.map((a) => a.as)).toEqual(['avg_temperature', 'avg_humidity', 'avg_pressure', 'num_readings']);
    expect(spec.aggregation?.aggregates[3]).toEqual({ fn: 'count', as: 'num_readings' });
    expect(spec.sinks).toEqual([{ kind: 'kafka', topic: 'output_topic', format: 'json' }]);
    expect(spec.outputMode).toBe('update');
  });

  it('round-trips a saved pipeline through the form', () => {
    for (const preset of [sensorsPreset(), wordCountPreset()]) {
      const result = formToInput(preset, 'c1');
      if (!('input' in result)) throw new Error('invalid preset');
      const saved = pipelineSchema.parse({ ...result.input, id: 'p1', createdAt: 1, updatedAt: 2 });
      const again = formToInput(pipelineToForm(saved), 'c1');
      if (!('input' in again)) throw new Error('invalid round trip');
      expect(pipelineInputSchema.parse(again.input)).toEqual(pipelineInputSchema.parse({ ...result.input, id: 'p1' }));
    }
  });

  it('shows errors beside the fields instead of saving an incomplete form', () => {
    const result = formToInput(
      { ...emptyForm(), aggregate: true, windowColumn: 'ts', windowDuration: 'later', startKind: 'timestamp' },
      'c1',
    );
    expect('errors' in result ? Object.keys(result.errors).sort() : []).toEqual(['groupId', 'name', 'startTimestamp', 'topics', 'window']);
  });
});

describe('pipeline form: derived columns and the random users S2 preset', () => {
  it('turns the S2 preset into random-user → users with email_domain derived from email, and round-trips it', () => {
    const result = formToInput(randomUsersS2Preset(), 'c1');
    if (!('input' in result)) throw new Error(JSON.stringify(result.errors));
    const spec = pipelineInputSchema.parse(result.input);
    expect(spec.topics).toEqual(['random-user']);
    expect(spec.sinks).toEqual([{ kind: 'sqlite-table', table: 'users' }]);
    // The users table of docs/STACKS.md S2, in its order (the sink adds `id`).
    expect(spec.projection.map((c) => c.column)).toEqual([
      'gender',
      'name_title',
      'name_first',
      'name_last',
      'street_number',
      'street_name',
      'city',
      'state',
      'country',
      'postcode',
      'email',
      'uuid',
      'dob_date',
      'age',
      'phone',
      'cell',
      'picture_large',
      'email_domain',
    ]);
    expect(spec.projection.find((c) => c.column === 'uuid')).toMatchObject({ path: 'results.0.login.uuid', type: 'string' });
    expect(spec.projection.find((c) => c.column === 'dob_date')).toMatchObject({
      path: 'results.0.dob.date',
      type: 'timestamp',
      timestampFormat: 'iso',
    });
    expect(spec.projection.find((c) => c.column === 'email')).toMatchObject({ path: 'results.0.email', type: 'string' });
    expect(spec.projection.find((c) => c.column === 'email_domain')).toEqual({
      column: 'email_domain',
      path: '$',
      type: 'string',
      required: true,
      derive: { kind: 'email-domain', from: 'email' },
    });
    const saved = pipelineSchema.parse({ ...spec, id: 'x', createdAt: 0, updatedAt: 0 });
    const again = formToInput(pipelineToForm(saved), 'c1');
    if (!('input' in again)) throw new Error(JSON.stringify(again.errors));
    expect(pipelineInputSchema.parse(again.input).projection).toEqual(spec.projection);
  });

  it('captions the rows of the users table as such, not as windows (the page said "newest windows first")', () => {
    expect(resultsCaption(undefined, 'users')).toBe('Rows of users (newest first)');
    expect(resultsCaption({ groupBy: ['word'], aggregates: [] }, undefined)).toBe('Results (by group)');
    expect(
      resultsCaption(
        { groupBy: ['sensor_id'], window: { column: 'timestamp', durationMs: 300_000, offsetMs: 0 }, aggregates: [] },
        undefined,
      ),
    ).toBe('Results (newest windows first)');
  });

  it('asks for the column to derive from instead of saving a derived row without one', () => {
    const preset = randomUsersS2Preset();
    const projection = preset.projection.map((p) => (p.column === 'email_domain' ? { ...p, deriveFrom: '' } : p));
    expect(formToInput({ ...preset, projection }, 'c1')).toMatchObject({
      errors: { projection: 'Every projection row needs a path (or a column to derive from) and a column' },
    });
  });
});
