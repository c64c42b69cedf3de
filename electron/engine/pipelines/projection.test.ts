import { describe, expect, it } from 'vitest';
import type { ProjectionColumn } from '../../../shared/pipelines.js';
import { canonicalIsoToMs, compileProjection, compileValues, convert, decode, project, splitWords } from './projection.js';

const col = (column: string, path: string, type: ProjectionColumn['type'], extra: Partial<ProjectionColumn> = {}): ProjectionColumn => ({
  column,
  path,
  type,
  required: true,
  ...extra,
});

describe('projection', () => {
  it('flattens the ISS shape with string coordinates cast to doubles and epoch seconds to a timestamp', () => {
    const value = { message: 'success', timestamp: 1700000000, iss_position: { latitude: '-12.3456', longitude: '45.6789' } };
    const out = project(value, [
      col('timestamp', 'timestamp', 'timestamp', { timestampFormat: 'epoch-s' }),
      col('latitude', 'iss_position.latitude', 'double'),
      col('longitude', 'iss_position.longitude', 'double'),
    ]);
    expect(out).toEqual({ ok: true, row: { timestamp: 1_700_000_000_000, latitude: -12.3456, longitude: 45.6789 } });
  });

  it('reads ISO, epoch-second and epoch-millisecond timestamps to the same instant', () => {
    expect(convert('2023-11-14T22:13:20Z', 'timestamp', 'iso')).toEqual({ value: 1_700_000_000_000 });
    expect(convert('2023-11-14T22:13:20.000', 'timestamp', 'iso')).toEqual({ value: 1_700_000_000_000 });
    expect(convert(1_700_000_000, 'timestamp', 'epoch-s')).toEqual({ value: 1_700_000_000_000 });
    expect(convert(1_700_000_000_000, 'timestamp', 'epoch-ms')).toEqual({ value: 1_700_000_000_000 });
  });

  it('refuses epoch numbers beyond the dates a timestamp holds (a Date could not write them) with a clear error', () => {
    expect(convert(8.64e15, 'timestamp', 'epoch-ms')).toEqual({ value: 8.64e15 });
    expect(convert(-8.64e15, 'timestamp')).toEqual({ value: -8.64e15 });
    expect(convert(Number.MAX_SAFE_INTEGER, 'timestamp')).toEqual({
      error: 'epoch milliseconds 9007199254740991 are beyond the dates a timestamp holds',
    });
    expect(convert(1e13, 'timestamp', 'epoch-s')).toEqual({ error: 'epoch seconds 10000000000000 are beyond the dates a timestamp holds' });
    expect(convert('x', 'timestamp', 'epoch-s')).toEqual({ error: 'expected epoch seconds, got "x"' });
  });

  it('flattens the S2 random-user shape into the users columns with email_domain derived', () => {
    const user = {
      results: [
        {
          gender: 'female',
          name: { title: 'Ms', first: 'Ana', last: 'Lima' },
          location: { street: { number: 12, name: 'Rua A' }, city: 'Porto', state: 'P', country: 'Portugal', postcode: 4000 },
          email: 'ana.lima@Example.com',
          login: { uuid: 'u-1' },
          dob: { date: '1990-05-01T10:00:00.000Z', age: 34 },
          phone: '1',
          cell: '2',
          picture: { large: 'https://x/y.jpg' },
        },
      ],
    };
    const out = project(user, [
      col('name_first', 'results.0.name.first', 'string'),
      col('street_number', 'results.0.location.street.number', 'int'),
      col('postcode', 'results.0.location.postcode', 'string'),
      col('email', 'results.0.email', 'string'),
      col('email_domain', '$', 'string', { derive: { kind: 'email-domain', from: 'email' } }),
      col('age', 'results.0.dob.age', 'int'),
    ]);
    expect(out).toEqual({
      ok: true,
      row: { name_first: 'Ana', street_number: 12, postcode: '4000', email: 'ana.lima@Example.com', email_domain: 'example.com', age: 34 },
    });
  });

  it('reports a missing required field and a wrong type as bad records, and NULLs an optional one', () => {
    expect(project({}, [col('t', 'temperature', 'double')])).toMatchObject({ ok: false, reason: 'missing-field' });
    expect(project({ temperature: 'hot' }, [col('t', 'temperature', 'double')])).toMatchObject({ ok: false, reason: 'wrong-type' });
    expect(project({}, [col('t', 'temperature', 'double', { required: false })])).toEqual({ ok: true, row: { t: null } });
    expect(project({ ts: 'yesterday' }, [col('ts', 'ts', 'timestamp', { timestampFormat: 'iso' })])).toMatchObject({
      ok: false,
      reason: 'wrong-type',
    });
  });

  it('decodes JSON and refuses truncated JSON, invalid UTF-8 and tombstones without throwing', () => {
    expect(decode(Buffer.from('{"a":1}'), 'json')).toEqual({ ok: true, value: { a: 1 } });
    expect(decode(Buffer.from('{"a":'), 'json')).toMatchObject({ ok: false });
    expect(decode(Buffer.from([0xff, 0xfe, 0x41]), 'string')).toEqual({ ok: false, error: 'the value is not valid UTF-8' });
    expect(decode(null, 'json')).toMatchObject({ ok: false });
  });

  it('splits a value into words on the separator, dropping empty tokens', () => {
    expect(splitWords('a:b::c: a', ':')).toEqual([{ word: 'a' }, { word: 'b' }, { word: 'c' }, { word: 'a' }]);
  });

  it('reads the canonical UTC ISO form exactly as Date.parse does, and leaves every other form to it', () => {
    const two = (n: number) => String(n).padStart(2, '0');
    let seed = 7;
    const next = (m: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % m;
    };
    for (let i = 0; i < 5000; i++) {
      // Field values around and past every range edge, in both canonical lengths.
      const text = `${String(next(10000)).padStart(4, '0')}-${two(next(14))}-${two(next(33))}T${two(next(26))}:${two(next(61))}:${two(next(62))}${next(2) ? `.${String(next(1000)).padStart(3, '0')}` : ''}Z`;
      const fast = canonicalIsoToMs(text);
      if (!Number.isNaN(fast)) expect(fast, text).toBe(Date.parse(text));
      // What it takes, toISOString writes back as it was (the PostgreSQL COPY path copies the text).
      if (!Number.isNaN(fast)) expect(new Date(fast).toISOString(), text).toBe(text.length === 20 ? `${text.slice(0, 19)}.000Z` : text);
      const converted = convert(text, 'timestamp', 'iso');
      const parsed = Date.parse(text);
      expect(converted, text).toEqual(Number.isNaN(parsed) ? { error: `not a valid date: ${JSON.stringify(text)}` } : { value: parsed });
    }
    expect(canonicalIsoToMs('2024-05-01T12:00:00.000Z')).toBe(Date.UTC(2024, 4, 1, 12));
    for (const other of [
      '2024-05-01T12:00:00+02:00',
      ' 2024-05-01T12:00:00Z',
      '2024-05-01 12:00:00Z',
      '0050-01-01T00:00:00Z',
      '2024-01-01T24:00:00Z',
      '2024-05-01T12:00:00.1234Z',
      // Not real dates: Date.parse rolls them over (to 1 July, 1 March), on the general path.
      '2024-06-31T00:00:00Z',
      '2023-02-29T00:00:00.000Z',
    ]) {
      expect(canonicalIsoToMs(other), other).toBeNaN();
    }
    expect(convert('0050-01-01T00:00:00Z', 'timestamp', 'iso')).toEqual({ value: Date.parse('0050-01-01T00:00:00Z') });
    expect(convert('2024-06-31T00:00:00Z', 'timestamp', 'iso')).toEqual({ value: Date.UTC(2024, 6, 1) });
    expect(canonicalIsoToMs('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
  });

  it('compiles a projection once and gives the same rows and errors as projecting each value', () => {
    const columns = [
      col('t', 'ts', 'timestamp'),
      col('id', 'a.0.id', 'int'),
      col('name', 'name', 'string', { required: false }),
      col('ok', 'ok', 'boolean'),
    ];
    const compiled = compileProjection(columns);
    const values = [
      { ts: '2024-05-01T12:00:00Z', a: [{ id: '7' }], name: 'x', ok: 'true' },
      { ts: 1714564800000, a: [{ id: 7.5 }], ok: true },
      { ts: '1714564800000', a: [], ok: false },
      { ts: 'soon', a: [{ id: 1 }], ok: true },
    ];
    for (const value of values) expect(compiled(value)).toEqual(project(value, columns));
    expect(values.map((value) => compiled(value))).toMatchObject([
      { ok: true, row: { t: 1714564800000, id: 7, name: 'x', ok: true } },
      { ok: false, reason: 'wrong-type', error: 'a.0.id: expected an integer, got 7.5' },
      { ok: false, reason: 'missing-field' },
      { ok: false, reason: 'wrong-type', error: 'ts: expected an ISO-8601 timestamp, got "soon"' },
    ]);
  });

  it('writes values by position (read columns, then derived ones) and a row is those values by name, a repeated name’s last', () => {
    const columns = [
      col('email', 'first', 'string'),
      col('domain', '$', 'string', { derive: { kind: 'email-domain', from: 'email' } }),
      col('email', 'second', 'string', { required: false }),
      col('n', 'n', 'int'),
    ];
    const { names, into } = compileValues(columns);
    expect(names).toEqual(['email', 'email', 'n', 'domain']);
    const out: unknown[] = [];
    // The derived column reads the value its source's name holds in the row: the last one.
    expect(into({ first: 'a@One.org', second: 'b@Two.org', n: '3' }, out as never)).toBeNull();
    expect(out).toEqual(['a@One.org', 'b@Two.org', 3, 'two.org']);
    expect(compileProjection(columns)({ first: 'a@One.org', second: 'b@Two.org', n: '3' })).toEqual({
      ok: true,
      row: { email: 'b@Two.org', n: 3, domain: 'two.org' },
    });
    expect(Object.keys((compileProjection(columns)({ first: 'a@One.org', n: 1 }) as { row: object }).row)).toEqual([
      'email',
      'n',
      'domain',
    ]);
    expect(into({ first: 'a@One.org', n: 1 }, out as never)).toBeNull();
    expect(out).toEqual(['a@One.org', null, 1, null]);
    expect(into({ second: 'b@Two.org', n: 1 }, out as never)).toMatchObject({ ok: false, reason: 'missing-field' });
    expect(into({ first: 'a@One.org', n: 'x' }, out as never)).toEqual({
      ok: false,
      reason: 'wrong-type',
      error: 'n: expected an integer, got "x"',
    });
  });
});
