import { describe, expect, it } from 'vitest';
import { headersJson } from './headers-json.js';
import { headerMap } from './kafka/producer.js';

describe('headers as data', () => {
  it('writes __proto__, constructor and toString as own keys and keeps a repeated name as an array', () => {
    const json = headersJson([
      { key: '__proto__', value: 'p' },
      { key: 'constructor', value: 'c' },
      { key: 'toString', value: null },
      { key: 'dup', value: '1' },
      { key: 'dup', value: '2' },
      { key: 'dup', value: null },
    ]);
    expect(json).toBe('{"__proto__":"p","constructor":"c","toString":null,"dup":["1","2",null]}');
    expect(Object.getPrototypeOf(JSON.parse(json))).toBe(Object.prototype);
  });

  it('hands the client every pair, __proto__ and repeats included, in order', () => {
    const map = headerMap([
      ['__proto__', 'p'],
      ['constructor', 'c'],
      ['dup', '1'],
      ['dup', Buffer.from('2')],
    ]);
    expect([...map].map(([k, v]) => [k.toString(), v.toString()])).toEqual([
      ['__proto__', 'p'],
      ['constructor', 'c'],
      ['dup', '1'],
      ['dup', '2'],
    ]);
    expect([...headerMap(JSON.parse('{"__proto__":"p"}') as Record<string, string>)].map(([k]) => k.toString())).toEqual(['__proto__']);
  });
});
