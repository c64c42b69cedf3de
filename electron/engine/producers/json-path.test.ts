import { describe, expect, it } from 'vitest';
import { fieldOf, selectJsonPath } from './json-path.js';

describe('json path', () => {
  const body = { results: [{ email: 'a@x' }, { email: 'b@x' }], info: { 'page-no': 2 } };
  it('selects the whole body with $', () => {
    expect(selectJsonPath(body, '$')).toEqual([body]);
  });
  it('selects every element of a list with [*]', () => {
    expect(selectJsonPath(body, '$.results[*]')).toEqual(body.results);
    expect(selectJsonPath(body, '$.results[*].email')).toEqual(['a@x', 'b@x']);
  });
  it('selects by index and by quoted key', () => {
    expect(selectJsonPath(body, '$.results[1].email')).toEqual(['b@x']);
    expect(selectJsonPath(body, "$.info['page-no']")).toEqual([2]);
  });
  it('selects nothing for a missing part', () => {
    expect(selectJsonPath(body, '$.nope.deeper')).toEqual([]);
    expect(selectJsonPath(body, '$.results[5]')).toEqual([]);
  });
  it('refuses filters and script expressions instead of evaluating them', () => {
    expect(() => selectJsonPath(body, '$.results[?(@.email)]')).toThrow(/not understood/);
    expect(() => selectJsonPath(body, 'results')).toThrow(/must start with \$/);
  });
  it('reads a dotted field for keys, with or without $', () => {
    expect(fieldOf({ login: { uuid: 'u1' } }, 'login.uuid')).toBe('u1');
    expect(fieldOf(body, 'results[0].email')).toBe('a@x');
    expect(fieldOf(body, '$.info')).toEqual({ 'page-no': 2 });
  });
});
