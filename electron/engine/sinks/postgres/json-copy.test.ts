import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProjectionColumn } from '../../../../shared/pipelines.js';
import { compileValues, decode } from '../../pipelines/projection.js';
import type { Value } from '../../pipelines/row.js';
import { RandomUserGenerator } from '../../producers/sources/random-users.js';
import { CopyLineWriter, type CopyColumn } from './copy-text.js';
import { JsonCopyLines } from './json-copy.js';

/** S2's projection (the preset's shape) plus a boolean, a double, an optional timestamp and a second-form date. */
const projection: ProjectionColumn[] = [
  { path: 'results.0.gender', column: 'gender', type: 'string', required: true },
  { path: 'results.0.name.first', column: 'name_first', type: 'string', required: true },
  { path: 'results.0.location.street.number', column: 'street_number', type: 'int', required: true },
  { path: 'results.0.location.postcode', column: 'postcode', type: 'string', required: true },
  { path: 'results.0.email', column: 'email', type: 'string', required: false },
  { path: 'results.0.login.uuid', column: 'uuid', type: 'string', required: true },
  { path: 'results.0.dob.date', column: 'dob_date', type: 'timestamp', required: true, timestampFormat: 'iso' },
  { path: 'results.0.registered.date', column: 'registered', type: 'timestamp', required: false },
  { path: 'results.0.dob.age', column: 'age', type: 'double', required: true },
  { path: 'results.0.vip', column: 'vip', type: 'boolean', required: false },
  { path: '$', derive: { kind: 'email-domain', from: 'email' }, column: 'email_domain', type: 'string', required: true },
];
const table: CopyColumn[] = projection.map((c) => ({ name: c.column, type: c.type }));
// The table's columns in another order than the projection's, as a user's existing table may have them.
const columns = [...table.slice(5), ...table.slice(0, 5)];
const keyNames = ['uuid', 'dob_date'];

const values = compileValues(projection);
const at = (name: string) => values.names.lastIndexOf(name);
const pick = columns.map((c) => at(c.name));
const keys = keyNames.map(at);
const fast = JsonCopyLines.compile(values, columns, pick, keys);

/** The general path's line and key values for one record (what the pipeline wrote before), or null for a bad record. */
function general(bytes: Buffer): { line: string; keys: Value[] } | null {
  const decoded = decode(bytes, 'json');
  if (!decoded.ok) return null;
  const out: Value[] = new Array<Value>(values.names.length);
  if (values.into(decoded.value, out)) return null;
  const writer = new CopyLineWriter(columns, 1);
  writer.line(out, pick);
  const lines = writer.done();
  return { line: Buffer.from(lines.bytes).toString('utf8'), keys: keys.map((k) => out[k] ?? null) };
}

/** The fast path's line and key values, or null when it declines (nothing written then). */
function fromBytes(bytes: Buffer): { line: string; keys: Value[] } | null {
  const writer = new CopyLineWriter(columns, 1);
  const out: Value[] = new Array<Value>(values.names.length);
  // The record inside a larger buffer, as a worker's packed chunk holds it.
  const padded = Buffer.concat([Buffer.from('[]'), bytes, Buffer.from('{')]);
  const taken = fast?.line(padded, 2, 2 + bytes.length, writer, out) ?? false;
  const lines = writer.done();
  if (!taken) {
    expect(lines.bytes.length).toBe(0);
    return null;
  }
  return { line: Buffer.from(lines.bytes).toString('utf8'), keys: keys.map((k) => out[k] ?? null) };
}

/** Values that test each rule: escapes, non-ASCII, numbers in every form, dates at month ends, NULLs… */
const tricky = fc.constantFrom<unknown>(
  'plain',
  'tab\there',
  'quote " and \\ backslash',
  'Zürich — 東京 🚀',
  '',
  '\u0001',
  'UPPER@Example.COM',
  'a@b@ÉCOLE.fr',
  'no-at-sign',
  '@',
  '2024-02-29T10:00:00.000Z',
  '2023-02-29T10:00:00.000Z',
  '2024-06-31T00:00:00Z',
  '2024-06-30T23:59:59Z',
  '0099-01-01T00:00:00.000Z',
  '2024-01-01T24:00:00.000Z',
  '2024-01-01 10:00:00',
  '2024-01-01T10:00:00+02:00',
  '1714560000000',
  '42',
  ' 42 ',
  'true',
  0,
  -0,
  7,
  -12,
  1.5,
  1.0,
  1e3,
  123456789012345,
  1234567890123456,
  Number.MAX_SAFE_INTEGER,
  true,
  false,
  null,
  undefined,
  { nested: 1 },
  [1, 2],
);

const FIELDS = [
  'gender',
  'name.first',
  'location.street.number',
  'location.postcode',
  'email',
  'login.uuid',
  'dob.date',
  'registered.date',
  'dob.age',
  'vip',
];

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  const last = parts[parts.length - 1] ?? '';
  if (value === undefined) delete node[last];
  else node[last] = value;
}

describe('JsonCopyLines', () => {
  it('compiles for the S2 projection', () => {
    expect(fast).not.toBeNull();
  });

  it('writes the line and keys the general path writes, for every record it takes, and takes the generator’s records', () => {
    const generator = new RandomUserGenerator(7);
    let taken = 0;
    for (let i = 0; i < 500; i++) {
      const bytes = Buffer.from(JSON.stringify(generator.response()));
      const mine = fromBytes(bytes);
      expect(mine).toEqual(general(bytes));
      if (mine) taken++;
    }
    expect(taken).toBe(500);
  });

  it('never differs from the general path on records with tricky values, whitespace or repeated keys; declines its bad records', () => {
    const generator = new RandomUserGenerator(11);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...FIELDS), tricky), { maxLength: 4 }),
        fc.boolean(),
        fc.boolean(),
        (edits, indent, repeat) => {
          const record = generator.response() as unknown as { results: Record<string, unknown>[] };
          const user = record.results[0] ?? {};
          user.vip = true;
          for (const [field, value] of edits) setPath(user, field, value);
          let text = JSON.stringify(record, null, indent ? 1 : undefined);
          // A repeated key: JSON.parse keeps the last, so must the reader.
          if (repeat) text = text.replace('"results":', '"results":[{"email":"first@dup.example"}],"results":');
          const bytes = Buffer.from(text);
          const expected = general(bytes);
          const mine = fromBytes(bytes);
          if (mine !== null) expect(mine).toEqual(expected);
          // A record the general path refuses is always declined, so the general path says why.
          if (expected === null) expect(mine).toBeNull();
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('is not compiled where the COPY column’s type is not the projection’s, or a timestamp is read from epoch numbers', () => {
    const asText = columns.map((c) => (c.name === 'age' ? { ...c, type: 'string' as const } : c));
    expect(JsonCopyLines.compile(values, asText, pick, keys)).toBeNull();
    const epoch = compileValues([{ path: 'at', column: 'at', type: 'timestamp', required: true, timestampFormat: 'epoch-ms' }]);
    expect(JsonCopyLines.compile(epoch, [{ name: 'at', type: 'timestamp' }], [0], [0])).toBeNull();
  });
});
