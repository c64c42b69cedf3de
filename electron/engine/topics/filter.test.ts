import { describe, expect, it } from 'vitest';
import { checkFilter, compileFilter, type RawRecord } from './filter.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const record = (value: string, key = 'sensor_3'): RawRecord => ({
  partition: 1,
  offset: 42,
  timestamp: 1_700_000_000_000,
  key: bytes(key),
  value: bytes(value),
  headers: [{ key: 'source', value: bytes('iss') }],
});

describe('filter expressions (CEL)', () => {
  it('matches on parsed JSON values, keys, headers and metadata', () => {
    const hot = compileFilter('value.temperature > 30 && key == "sensor_3"');
    expect(hot(record('{"temperature": 31.5}'))).toBe(true);
    expect(hot(record('{"temperature": 12}'))).toBe(false);
    expect(compileFilter('headers.source == "iss" && partition == 1 && offset >= 40 && timestamp > 0')(record('{}'))).toBe(true);
    expect(compileFilter('value.contains("boom")')(record('a boom here'))).toBe(true);
  });

  it('rejects expressions that try to reach the host, and they cannot run', () => {
    for (const expression of [
      'process.exit()',
      'constructor.constructor("return process")()',
      'globalThis.process',
      'require("child_process")',
      'this',
    ]) {
      expect(() => compileFilter(expression)).toThrow(/Filter expression/);
      expect(checkFilter(expression)).not.toBeNull();
    }
  });

  it('cannot reach prototypes through the data', () => {
    const proto = compileFilter('value.constructor == "x"');
    expect(() => proto(record('{}'))).toThrow();
    expect(compileFilter('has(value.__proto__)')(record('{}'))).toBe(false);
    // A JSON field literally named __proto__ is just data.
    expect(compileFilter('value.__proto__ == 1')(record('{"__proto__": 1}'))).toBe(true);
  });

  it('enforces the length limit and a boolean result', () => {
    expect(checkFilter(`key == "${'x'.repeat(2000)}"`)).toMatch(/at most 2000 characters/);
    expect(checkFilter('1 + 2')).toMatch(/true or false/);
    expect(checkFilter('key ==')).not.toBeNull();
    expect(checkFilter('value.a == 1')).toBeNull();
  });

  it('says where a syntax or type error is: line, column and the spot marked in the expression', () => {
    expect(() => compileFilter('value.temperature > > 3')).toThrow(
      'Filter expression: Unexpected token: GT at column 21: value.temperature > ‸> 3',
    );
    expect(checkFilter('key == "a" &&\n  value.x > > 3')).toBe(
      'Filter expression: Unexpected token: GT at line 2, column 13: …y == "a" && value.x > ‸> 3',
    );
    expect(checkFilter(`value.${'a'.repeat(40)} == 1 &&`)).toBe(
      `Filter expression: Unexpected token: EOF at column 55: …${'a'.repeat(16)} == 1 &&‸`,
    );
    expect(checkFilter('key == "a" && size(1)')).toMatch(
      /^Filter expression: found no matching overload for 'size\(int\)' at column 15: key == "a" && ‸size\(1\)$/,
    );
  });
});
