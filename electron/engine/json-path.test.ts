import { describe, expect, it } from 'vitest';
import { compileJsonPath, compileJsonPaths, parseJsonPath, readJsonPath, selectJsonPath } from './json-path.js';

describe('json path', () => {
  const body = { results: [{ email: 'a@x' }, { email: 'b@x' }], info: { 'page-no': 2 } };
  it('selects the whole body with $', () => {
    expect(selectJsonPath(body, '$')).toEqual([body]);
    expect(readJsonPath(body, '$')).toBe(body);
  });
  it('selects every element of a list with [*]', () => {
    expect(selectJsonPath(body, '$.results[*]')).toEqual(body.results);
    expect(selectJsonPath(body, '$.results[*].email')).toEqual(['a@x', 'b@x']);
    expect(selectJsonPath({ a: { x: 1, y: 2 } }, '$.a.*')).toEqual([1, 2]);
  });
  it('selects by index and by quoted key', () => {
    expect(selectJsonPath(body, '$.results[1].email')).toEqual(['b@x']);
    expect(selectJsonPath(body, "$.info['page-no']")).toEqual([2]);
    expect(selectJsonPath(body, '$.info["page-no"]')).toEqual([2]);
  });
  it('selects nothing for a missing part', () => {
    expect(selectJsonPath(body, '$.nope.deeper')).toEqual([]);
    expect(selectJsonPath(body, '$.results[5]')).toEqual([]);
    expect(readJsonPath(body, 'results.5.email')).toBeUndefined();
  });
  it('refuses filters and script expressions instead of evaluating them', () => {
    expect(() => selectJsonPath(body, '$.results[?(@.email)]')).toThrow(/not understood/);
    expect(() => selectJsonPath(body, 'results')).toThrow(/must start with \$/);
  });
  it('reads a dotted field, with or without $, brackets or numeric segments', () => {
    expect(readJsonPath({ login: { uuid: 'u1' } }, 'login.uuid')).toBe('u1');
    expect(readJsonPath(body, 'results[0].email')).toBe('a@x');
    expect(readJsonPath(body, 'results.1.email')).toBe('b@x');
    expect(readJsonPath(body, '$.results.1.email')).toBe('b@x');
    expect(readJsonPath(body, '$.info')).toEqual({ 'page-no': 2 });
    expect(readJsonPath(body, 'results[*].email')).toBe('a@x');
  });
  it('reads keys a JSONPath identifier cannot spell when dotted (log fields like @timestamp)', () => {
    expect(readJsonPath({ '@timestamp': 't', 'page-no': 3, '0': 'zero' }, '@timestamp')).toBe('t');
    expect(readJsonPath({ 'page-no': 3 }, 'page-no')).toBe(3);
    // A numeric segment is a key on an object, an index on an array.
    expect(readJsonPath({ '0': 'zero' }, '0')).toBe('zero');
    expect(readJsonPath(['zero'], '0')).toBe('zero');
  });
  it('reads own properties only, never the prototype, and nothing through primitives', () => {
    expect(readJsonPath({}, 'constructor')).toBeUndefined();
    expect(readJsonPath({ a: 'text' }, 'a.length')).toBeUndefined();
    expect(readJsonPath({ a: [1, 2] }, 'a.length')).toBeUndefined();
    expect(readJsonPath(null, 'a')).toBeUndefined();
  });
  it('parses once into steps that the compiled reader walks', () => {
    expect(parseJsonPath('results[0].name.first')).toEqual([
      { kind: 'key', name: 'results' },
      { kind: 'index', index: 0 },
      { kind: 'key', name: 'name' },
      { kind: 'key', name: 'first' },
    ]);
    const read = compileJsonPath('a.b').read;
    expect([{ a: { b: 1 } }, { a: { b: 2 } }, { a: 3 }].map(read)).toEqual([1, 2, undefined]);
  });
  it('reads several paths at once exactly as each alone, shared prefixes, [*], $ and missing parts included', () => {
    const paths = [
      'results[0].name.first',
      'results[0].name.last',
      'results.0.name.first',
      '$.results[0].email',
      'results[*].email',
      'results[1].name',
      '$',
      'info.page-no',
      'info.constructor',
      'results.length',
      'nope.deeper',
    ];
    const readAll = compileJsonPaths(paths);
    const values: unknown[] = [
      {
        results: [
          { name: { first: 'A', last: 'B' }, email: 'a@x' },
          { name: null, email: 'b@x' },
        ],
        info: { 'page-no': 2 },
      },
      { results: [{ name: 'not an object' }], info: 'text' },
      { results: [] },
      [1, 2],
      'text',
      null,
    ];
    for (const value of values) {
      const out: unknown[] = ['stale'];
      readAll(value, out);
      expect(out).toEqual(paths.map((path) => compileJsonPath(path).read(value)));
    }
  });
});
