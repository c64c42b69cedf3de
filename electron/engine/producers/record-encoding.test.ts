import { describe, expect, it } from 'vitest';
import { encodeRecord, keyOf, serialize } from './record-encoding.js';

describe('record encoding', () => {
  it('serializes JSON, and text as is with the string serializer', () => {
    expect(serialize({ a: 1 }, 'json')).toBe('{"a":1}');
    expect(serialize('plain', 'json')).toBe('"plain"');
    expect(serialize('plain', 'string')).toBe('plain');
    expect(serialize({ a: 1 }, 'string')).toBe('{"a":1}');
  });
  it('keys by field, fixed value, random uuid or nothing', () => {
    const record = { sensor_id: 'sensor_3', n: 4 };
    expect(keyOf(record, { kind: 'field', path: 'sensor_id' })).toBe('sensor_3');
    expect(keyOf(record, { kind: 'field', path: 'n' })).toBe('4');
    expect(keyOf(record, { kind: 'field', path: 'missing' })).toBeNull();
    expect(keyOf(record, { kind: 'fixed', value: 'k' })).toBe('k');
    expect(keyOf(record, { kind: 'random' })).toMatch(/^[0-9a-f-]{36}$/);
    expect(keyOf(record, { kind: 'none' })).toBeNull();
  });
  it('counts key, value and header bytes', () => {
    const encoded = encodeRecord({ s: 'é' }, { key: { kind: 'fixed', value: 'ab' }, serializer: 'json', headers: [{ name: 'h', value: 'v' }] });
    expect(encoded).toEqual({ key: 'ab', value: '{"s":"é"}', headers: { h: 'v' }, size: 10 + 2 + 2 });
    expect(encodeRecord('x', { key: { kind: 'none' }, serializer: 'string', headers: [] })).toEqual({ key: null, value: 'x', headers: null, size: 1 });
  });
});
