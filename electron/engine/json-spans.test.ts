import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileJsonPath } from './json-path.js';
import { JsonSpanReader, SPAN } from './json-spans.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** What `JSON.parse` of the bytes gives, or undefined when it (or the UTF-8 decoder) refuses them. */
function parsed(bytes: Buffer): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(UTF8.decode(bytes)) as unknown };
  } catch {
    return undefined;
  }
}

/** The value a span stands for, rebuilt from its bytes. */
function spanValue(bytes: Buffer, kind: number, start: number, end: number): unknown {
  const text = bytes.toString('utf8', start, end);
  switch (kind) {
    case SPAN.missing:
      return undefined;
    case SPAN.string:
      return text;
    case SPAN.escaped:
      return JSON.parse(`"${text}"`) as unknown;
    default:
      return JSON.parse(text) as unknown;
  }
}

function expectSpansMatch(reader: JsonSpanReader, paths: readonly string[], bytes: Buffer, value: unknown): void {
  paths.forEach((path, i) => {
    const kind = reader.spans[i * 3] ?? -1;
    const expected = compileJsonPath(path).read(value);
    expect(spanValue(bytes, kind, reader.spans[i * 3 + 1] ?? 0, reader.spans[i * 3 + 2] ?? 0), path).toEqual(expected);
    if (kind === SPAN.string) expect(bytes.subarray(reader.spans[i * 3 + 1], reader.spans[i * 3 + 2]).includes(0x5c)).toBe(false);
  });
}

/** Paths into a value's own structure (dotted, and with brackets for array steps), and a few that miss. */
function pathsOf(value: unknown, prefix = '', out: string[] = []): string[] {
  if (out.length > 40) return out;
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      out.push(prefix === '' ? `$[${i}]` : `${prefix}[${i}]`, prefix === '' ? `$.${i}` : `${prefix}.${i}`);
      pathsOf(item, prefix === '' ? `$[${i}]` : `${prefix}[${i}]`, out);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      if (!/^[A-Za-z_$][\w$-]*$/.test(key)) continue;
      const path = prefix === '' ? `$.${key}` : `${prefix}.${key}`;
      out.push(path);
      pathsOf((value as Record<string, unknown>)[key], path, out);
    }
  }
  return out;
}

function compiled(paths: readonly string[]): JsonSpanReader {
  const reader = JsonSpanReader.compile(paths);
  if (!reader) throw new Error(`not compiled: ${paths.join(', ')}`);
  return reader;
}

function hasEscapedKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasEscapedKey);
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([key, item]) => JSON.stringify(key).includes('\\') || hasEscapedKey(item));
}

describe('JsonSpanReader', () => {
  it('finds what compileJsonPath reads from JSON.parse, for any JSON text (compact or indented)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), fc.boolean(), (value, indent) => {
        const bytes = Buffer.from(JSON.stringify(value, null, indent ? 2 : undefined));
        const paths = [...new Set(['$', ...pathsOf(value), '$.nope', '$.a.b', '$[3]', 'results.0.name'])];
        const reader = JsonSpanReader.compile(paths);
        if (!reader) return;
        // A key JSON.stringify escapes is left to JSON.parse.
        const escapedKey = hasEscapedKey(value);
        expect(reader.read(bytes, 0, bytes.length)).toBe(!escapedKey);
        if (!escapedKey) expectSpansMatch(reader, paths, bytes, JSON.parse(bytes.toString()));
      }),
      { numRuns: 500 },
    );
  });

  it('never takes a text JSON.parse refuses (random and mutated texts), and reads what it takes right', () => {
    const mutated = fc
      .tuple(fc.jsonValue({ maxDepth: 3 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }))
      .map(([value, edits]) => {
        const bytes = Buffer.from(JSON.stringify(value));
        for (const [at, byte] of edits) if (bytes.length > 0) bytes[at % bytes.length] = byte;
        return bytes;
      });
    const texts = fc.oneof(
      mutated,
      fc.string({ unit: fc.constantFrom(...'{}[]":,0123456789-+.eE tfrunlasx\\/\n\t'.split('')) }).map((s) => Buffer.from(s)),
      fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
    );
    const paths = ['$', '$.a', '$[0]', 'a.0', '$.b'];
    const reader = JsonSpanReader.compile(paths);
    fc.assert(
      fc.property(texts, (bytes) => {
        const parse = parsed(bytes);
        if (!reader?.read(bytes, 0, bytes.length)) return;
        expect(parse, bytes.toString('latin1')).toBeDefined();
        expectSpansMatch(reader, paths, bytes, parse?.value);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads a span inside a larger buffer, and refuses the texts JSON.parse refuses at their edges', () => {
    const reader = compiled(['a']);
    const bytes = Buffer.from('xx{"a": "é"}yy');
    expect(reader.read(bytes, 2, bytes.length - 2)).toBe(true);
    expect(bytes.toString('utf8', reader.spans[1], reader.spans[2])).toBe('é');
    for (const bad of [
      '{"a":1} x',
      '{"a":01}',
      '{"a":1,}',
      '[1,]',
      '{"a":"\u0001"}',
      '{"a":"\\x"}',
      '{"a":-}',
      '{"a":1.}',
      '{"a":1e}',
      '',
      ' ',
      '{"a"1}',
      '"abc',
      'tru',
      'nul',
    ])
      expect(reader.read(Buffer.from(bad), 0, Buffer.byteLength(bad)), bad).toBe(false);
    // Invalid UTF-8 (the decoder is fatal), a lone surrogate's bytes.
    expect(reader.read(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]), 0, 11)).toBe(false);
  });

  it('takes the last of a repeated key, forgetting what an earlier one held below it', () => {
    const paths = ['a.b', 'a.c', 'a'];
    const reader = compiled(paths);
    const bytes = Buffer.from('{"a":{"b":1},"x":2,"a":{"c":"two"}}');
    expect(reader.read(bytes, 0, bytes.length)).toBe(true);
    expectSpansMatch(reader, paths, bytes, JSON.parse(bytes.toString()));
    expect(reader.spans[0]).toBe(SPAN.missing);
    expect(reader.spans[3]).toBe(SPAN.string);
  });

  it('reads an index key on arrays and objects, an index step on arrays only', () => {
    const paths = ['list.0', 'list[1]', 'list[1].x'];
    const reader = compiled(paths);
    for (const text of ['{"list":["a",{"x":true}]}', '{"list":{"0":"zero","1":{"x":null}}}', '{"list":[]}', '{"list":"s"}']) {
      const bytes = Buffer.from(text);
      expect(reader.read(bytes, 0, bytes.length), text).toBe(true);
      expectSpansMatch(reader, paths, bytes, JSON.parse(text));
    }
  });

  it('leaves to JSON.parse what it does not read itself: a byte-order mark, an escaped key, deep nesting, many values', () => {
    const reader = compiled(['a']);
    for (const text of ['\ufeff{"a":1}', '{"\\u0061":1}', `${'['.repeat(300)}${']'.repeat(300)}`]) {
      const bytes = Buffer.from(text);
      expect(parsed(bytes), text.slice(0, 20)).toBeDefined();
      expect(reader.read(bytes, 0, bytes.length), text.slice(0, 20)).toBe(false);
    }
    expect(JsonSpanReader.compile(['list[*].x'])).toBeNull();
    // `0` as a key also reads element 0; an index step on the same element would need it read twice.
    expect(JsonSpanReader.compile(['list.0', 'list[0]'])).toBeNull();
  });
});
