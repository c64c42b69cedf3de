import { describe, expect, it } from 'vitest';
import type { Row } from '../../pipelines/row.js';
import { CopyLineWriter, copyChunks, encodeCopyLines, markEncoded, type CopyColumn } from './copy-text.js';

const columns: CopyColumn[] = [
  { name: 'id', type: 'string' },
  { name: 'note', type: 'string' },
  { name: 'n', type: 'int' },
  { name: 'at', type: 'timestamp' },
  { name: 'ok', type: 'boolean' },
];

const AT = Date.UTC(2024, 4, 1, 12, 30, 0, 250);

function rows(count: number): Row[] {
  const notes = ['tab\there', 'line\nbreak\r\n', 'back\\slash \\N', 'Zürich — 東京 🚀', '', null, 'x'.repeat(3000)];
  return Array.from({ length: count }, (_, i) => ({
    id: `u${i}`,
    note: notes[i % notes.length] ?? null,
    n: i % 5 === 0 ? null : i,
    at: i % 3 === 0 ? AT + i : '2024-05-01T00:00:00Z',
    ok: i % 2 === 0,
  }));
}

const text = (chunks: Iterable<Uint8Array>) => Buffer.concat([...chunks]).toString('utf8');

describe('COPY text', () => {
  it('writes COPY’s text format: tabs between values, \\N for NULL, backslash escapes, ISO timestamps, a newline per row', () => {
    const lines = encodeCopyLines(rows(7), columns);
    const decoded = Buffer.from(lines.bytes).toString('utf8').split('\n');
    expect(decoded.slice(0, 6)).toEqual([
      `u0\ttab\\there\t\\N\t${new Date(AT).toISOString()}\ttrue`,
      'u1\tline\\nbreak\\r\\n\t1\t2024-05-01T00:00:00Z\tfalse',
      'u2\tback\\\\slash \\\\N\t2\t2024-05-01T00:00:00Z\ttrue',
      `u3\tZürich — 東京 🚀\t3\t${new Date(AT + 3).toISOString()}\tfalse`,
      'u4\t\t4\t2024-05-01T00:00:00Z\ttrue',
      'u5\t\\N\t\\N\t2024-05-01T00:00:00Z\tfalse',
    ]);
    // Line ends are byte offsets (the non-ASCII row is longer in UTF-8 than in characters).
    let start = 0;
    lines.ends.forEach((end, r) => {
      expect(Buffer.from(lines.bytes.subarray(start, end)).toString('utf8')).toBe(
        encodeCopyLines([rows(7)[r] ?? {}], columns).bytes.toString(),
      );
      start = end;
    });
    expect(start).toBe(lines.bytes.length);
  });

  it('writes a line from values by position, a column without one as NULL, as the row would be written', () => {
    const all = rows(14);
    // The values in another order, with one that is no column's, and no value for `ok`.
    const order = ['at', 'spare', 'n', 'note', 'id'];
    const pick = columns.map((c) => order.indexOf(c.name));
    const writer = new CopyLineWriter(columns, all.length);
    for (const row of all) writer.line([row.at ?? null, 'spare', row.n ?? null, row.note ?? null, row.id ?? null], pick);
    const lines = writer.done();
    expect(lines.ends.length).toBe(all.length);
    expect(Buffer.from(lines.bytes).toString('utf8')).toBe(
      encodeCopyLines(
        all.map((row) => ({ ...row, ok: null })),
        columns,
      ).bytes.toString(),
    );
  });

  it('grows its buffer for rows longer than it guessed', () => {
    // 1,500 characters a row, 3,000 UTF-8 bytes: past the 1 KB a row the buffer starts with.
    const long = rows(700).map((row) => ({ ...row, note: 'é'.repeat(1500) }));
    const lines = encodeCopyLines(long, columns);
    expect(lines.bytes.length).toBeGreaterThan(700 * 3000);
    expect(Buffer.from(lines.bytes).toString('utf8')).toBe(long.map((row) => encodeCopyLines([row], columns).bytes.toString()).join(''));
  });

  it('sends rows a worker encoded as their bytes, mixed with rows encoded here, in the rows’ order', () => {
    const all = rows(1200);
    const plain = text(copyChunks(all, columns));
    expect(plain).toBe(encodeCopyLines(all, columns).bytes.toString());
    // Two worker chunks' rows marked with their lines; some rows left out (one row per key) and
    // some not marked (decoded on the main thread), in between.
    const first = all.slice(0, 512).map((row) => ({ ...row }));
    const second = all.slice(512, 1024).map((row) => ({ ...row }));
    const a = encodeCopyLines(first, columns);
    const b = encodeCopyLines(second, columns);
    first.forEach((row, r) => markEncoded(row, a, r));
    second.forEach((row, r) => markEncoded(row, b, r));
    const mixed = [
      ...first.filter((_, r) => r % 97 !== 5),
      ...all.slice(1024, 1100),
      ...second.slice(0, 300),
      ...first.slice(5, 6),
      ...second.slice(300),
      ...all.slice(1100),
    ];
    const strip = (row: Row) => ({ ...row });
    expect(text(copyChunks(mixed, columns))).toBe(encodeCopyLines(mixed.map(strip), columns).bytes.toString());
    // A marked row's values are not read again: its bytes are what the worker wrote.
    const changed = { ...first[0] };
    markEncoded(changed, a, 0);
    changed.note = 'changed';
    expect(text(copyChunks([changed], columns))).toBe(encodeCopyLines([first[0] ?? {}], columns).bytes.toString());
  });
});
