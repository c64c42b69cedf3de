import { encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { decodeAs, decodeBytes, decoderIds, detectDecoder, type ConcreteDecoder } from './decoders.js';
import { encodeText, encodeError } from './encoders.js';
import { fromBase64, toBase64, toHex } from './bytes.js';

const utf8 = (text: string) => new TextEncoder().encode(text);
const long = (value: bigint) => {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigInt64(0, value, false);
  return out;
};

describe('decoders', () => {
  it('pretty-prints JSON and detects it', () => {
    expect(decodeBytes(utf8('{"a":[1,2],"b":"x"}'))).toMatchObject({
      decoder: 'json',
      ok: true,
      text: '{\n  "a": [\n    1,\n    2\n  ],\n  "b": "x"\n}',
      value: { a: [1, 2], b: 'x' },
    });
  });

  it('detects a Kafka Streams 64-bit long (word count) and decodes it big-endian', () => {
    expect(detectDecoder(long(5n))).toBe('int64');
    expect(decodeBytes(long(5n)).text).toBe('5');
    expect(decodeBytes(long(-9_007_199_254_740_993n)).text).toBe('-9007199254740993');
  });

  it('decodes int16, int32 and double big-endian', () => {
    expect(decodeAs(new Uint8Array([0xff, 0xfe]), 'int16').text).toBe('-2');
    expect(decodeAs(new Uint8Array([0, 0, 1, 0]), 'int32').text).toBe('256');
    expect(decodeAs(encodeText('3.25', 'double'), 'double').text).toBe('3.25');
  });

  it('decodes MessagePack maps and detects them', () => {
    const bytes = encode({ id: 7, tags: ['a'] });
    expect(detectDecoder(bytes)).toBe('msgpack');
    expect(decodeBytes(bytes)).toMatchObject({ ok: true, value: { id: 7, tags: ['a'] } });
  });

  it('keeps plain text as a string and shows hex and base64 on request', () => {
    expect(decodeBytes(utf8('hello world'))).toMatchObject({ decoder: 'string', text: 'hello world' });
    expect(decodeAs(utf8('hi'), 'hex').text).toBe('68 69');
    expect(decodeAs(utf8('hi'), 'base64').text).toBe('aGk=');
  });

  it('shows invalid UTF-8 as hex with the decoder’s error', () => {
    const bad = new Uint8Array([0x68, 0xc3, 0x28]);
    expect(decodeAs(bad, 'string')).toMatchObject({ ok: false, text: '68 c3 28' });
    expect(decodeAs(bad, 'string').error).toMatch(/UTF-8 string/);
    expect(decodeBytes(bad).decoder).toBe('hex');
  });

  it('shows truncated JSON, MessagePack and numbers as hex with an error', () => {
    expect(decodeAs(utf8('{"a": 1'), 'json')).toMatchObject({ ok: false, text: toHex(utf8('{"a": 1')) });
    expect(decodeAs(encode({ a: 'long string' }).slice(0, 5), 'msgpack').ok).toBe(false);
    expect(decodeAs(new Uint8Array([1, 2, 3]), 'int64')).toMatchObject({
      ok: false,
      error: 'Int64 / long (big-endian): int64 needs exactly 8 bytes, got 3',
    });
  });

  it('never throws on random bytes, whatever the decoder', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 300; round += 1) {
      const bytes = Uint8Array.from({ length: Math.floor(random() * 64) }, () => Math.floor(random() * 256));
      for (const decoder of decoderIds) {
        const decoded = decodeBytes(bytes, decoder);
        expect(typeof decoded.text).toBe('string');
        if (!decoded.ok) expect(decoded.text).toBe(toHex(bytes));
      }
    }
  });
});

describe('encoders', () => {
  it('round-trips every encoder through its decoder', () => {
    const cases: [ConcreteDecoder, string][] = [
      ['string', 'héllo'],
      ['int16', '-300'],
      ['int32', '70000'],
      ['int64', '9007199254740993'],
      ['double', '-1.5'],
      ['hex', '00 ff 10'],
      ['base64', 'AP8Q'],
    ];
    for (const [id, text] of cases) expect(decodeAs(encodeText(text, id as never), id).text).toBe(text);
    expect(decodeAs(encodeText('{"a":1}', 'msgpack'), 'msgpack').value).toEqual({ a: 1 });
  });

  it('explains why a value does not encode', () => {
    expect(encodeError('{nope', 'json')).toMatch(/invalid JSON/);
    expect(encodeError('40000', 'int16')).toBe('40000 does not fit in int16');
    expect(encodeError('1.5', 'int64')).toMatch(/whole number/);
    expect(encodeError('abc', 'hex')).toMatch(/hex/);
    expect(encodeError('{"ok":true}', 'json')).toBeNull();
  });

  it('base64 helpers round-trip large payloads', () => {
    const bytes = Uint8Array.from({ length: 100_000 }, (_, i) => i % 256);
    expect(fromBase64(toBase64(bytes))).toEqual(bytes);
  });
});
