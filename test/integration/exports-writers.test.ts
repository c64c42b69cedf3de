import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ColumnSpec, ExportFormat, ParquetCodec } from '../../shared/exports.js';
import { createWriter, writeAll } from '../../electron/engine/exports/writers/create-writer.js';
import type { Row } from '../../electron/engine/exports/writers/types.js';
import { openLocalOutput } from '../../electron/engine/exports/targets/local-folder.js';
import { tempDir } from '../helpers.js';
import { allTypes, expectedPlain, normalised, sensorColumns, sensorRows, typedRows } from './exports-fixtures.js';
import {
  duckdb,
  parquetMetadata,
  plain,
  pyarrowAvailable,
  readCsvWithDuckdb,
  readParquetWithDuckdb,
  readParquetWithPyarrow,
  type Plain,
} from './exports-readers.js';

const dir = tempDir('exports-writers');
afterAll(() => dir.remove());

function* batches(rows: Row[], size: number): Generator<Row[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

async function exportTo(name: string, format: ExportFormat, rows: Row[], columns = allTypes): Promise<string> {
  const output = await openLocalOutput(dir.path, name);
  const writer = createWriter(format, columns, output.sink);
  await writeAll(batches(rows, 777), writer);
  await output.commit();
  expect(writer.rowsWritten).toBe(rows.length);
  expect(writer.bytesWritten).toBe(statSync(output.location).size);
  return output.location;
}

const codecs: ParquetCodec[] = ['snappy', 'zstd', 'gzip', 'none'];
const duckCodec = { snappy: 'SNAPPY', zstd: 'ZSTD', gzip: 'GZIP', none: 'UNCOMPRESSED' } as const;

describe('Parquet read back by independent readers', () => {
  const rows = typedRows(5_000);
  const expected = expectedPlain(rows, allTypes);

  it('has pyarrow installed (pip install pyarrow) for the second reader', () => {
    expect(pyarrowAvailable()).toBe(true);
  });

  for (const codec of codecs) {
    it(`gives back every ${codec} value and type to DuckDB and pyarrow, timestamps included`, async () => {
      const file = await exportTo(`types-${codec}.parquet`, { kind: 'parquet', codec, timestampUnit: 'ms', rowGroupRows: 1000 }, rows);
      expect(readFileSync(file).subarray(0, 4).toString()).toBe('PAR1');

      const meta = await parquetMetadata(file);
      expect(meta.codecs).toEqual([duckCodec[codec]]);
      expect(meta.rowGroups).toBe(5);

      const byDuck = await readParquetWithDuckdb(file, allTypes);
      expect(normalised(byDuck, allTypes)).toEqual(expected);

      const byArrow = readParquetWithPyarrow(file);
      expect(byArrow.schema).toEqual({
        id: 'int32',
        name: 'string',
        big: 'int64',
        reading: 'double',
        ok: 'bool',
        at: 'timestamp[ms, tz=UTC]',
        at_us: 'timestamp[us, tz=UTC]',
      });
      expect(normalised(byArrow.rows, allTypes)).toEqual(expected);
    });
  }

  it('really compresses with every codec it labels (pages are not raw bytes under a codec name)', async () => {
    const rows = sensorRows(50_000);
    const sizes: Record<string, number> = {};
    for (const codec of codecs) {
      const file = await exportTo(
        `sensors-${codec}.parquet`,
        { kind: 'parquet', codec, timestampUnit: 'ms', rowGroupRows: 25_000 },
        rows,
        sensorColumns,
      );
      const meta = await parquetMetadata(file);
      sizes[codec] = statSync(file).size;
      if (codec === 'none') expect(meta.compressed).toBe(meta.uncompressed);
      else expect(meta.compressed).toBeLessThan(meta.uncompressed * 0.9);
      const [count] = await import('./exports-readers.js').then((m) =>
        m.duckdb(`SELECT count(*)::INT AS n, sum(seq)::BIGINT AS s FROM read_parquet('${file}')`),
      );
      expect(count).toEqual({ n: 50_000, s: BigInt((49_999 * 50_000) / 2) });
    }
    for (const codec of ['snappy', 'zstd', 'gzip']) expect(sizes[codec]).toBeLessThan(sizes.none ?? 0);
  });
});

describe('CSV and JSONL', () => {
  const rows = typedRows(3_000);
  const expected = expectedPlain(rows, allTypes);

  for (const delimiter of [',', ';', '\t', '|']) {
    it(`reads back through DuckDB's CSV reader with the same values (delimiter ${JSON.stringify(delimiter)})`, async () => {
      const file = await exportTo(`types-${delimiter === '\t' ? 'tab' : delimiter}.csv`, { kind: 'csv', delimiter, header: true }, rows);
      const text = readFileSync(file, 'utf8');
      expect(text.startsWith(['id', 'name', 'big', 'reading', 'ok', 'at', 'at_us'].join(delimiter) + '\r\n')).toBe(true);
      expect(text).toContain('"quote "" inside"');
      const byDuck = await readCsvWithDuckdb(file, allTypes, delimiter);
      expect(normalised(byDuck, allTypes)).toEqual(expected);
    });
  }

  // Every cell shape a source hands the writer (numbers as text, Dates in text columns, 1/0 booleans,
  // fractional epoch ms, bigint µs before 1970) with text that needs quoting under some delimiter.
  const awkwardText = [
    'plain',
    '',
    ' ',
    ' edge spaces ',
    'a,b',
    'a;b',
    'a\tb',
    'a|b',
    'say "hi"',
    '"',
    'line\nbreak',
    'cr\rhere',
    'crlf\r\n',
    'ünïcødé ✓',
    '#hash',
    '=1+1',
    "it's",
    'mid\uFEFFbom',
  ];
  const oddColumns: ColumnSpec[] = [
    { name: 'odd, name', type: 'string', nullable: true },
    { name: 'n32', type: 'int32', nullable: true },
    { name: 'n64', type: 'int64', nullable: true },
    { name: 'x', type: 'double', nullable: true },
    { name: 'flag', type: 'boolean', nullable: true },
    { name: 'at', type: 'timestamp-ms', nullable: true },
    { name: 'at_us', type: 'timestamp-us', nullable: true },
  ];
  const oddRows: Row[] = [];
  const oddExpected: Plain[] = [];
  for (let i = 0; i < 400; i++) {
    const text =
      i % 9 === 0
        ? null
        : i % 13 === 0
          ? new Date(Date.UTC(2020, 1, (i % 28) + 1))
          : i % 11 === 0
            ? i * 1.5
            : (awkwardText[i % awkwardText.length] ?? '');
    const n32 = i % 8 === 0 ? null : i % 3 === 0 ? String(i - 200) : i - 200;
    const n64 =
      i % 7 === 0 ? null : i % 2 === 0 ? 9_007_199_254_740_993n * (i % 5 === 0 ? -1n : 1n) : i % 3 === 0 ? BigInt(i) : -i * 1_000_003;
    const x = i % 6 === 0 ? null : ([0, -0, 0.1, 1e21, 1e-7, -123.456, Number.MAX_VALUE, 5e-324][i % 8] ?? 1);
    const flag = i % 5 === 0 ? null : ([true, false, 'true', 'false', 1, 0][i % 6] ?? true);
    const atMs = Date.UTC(2024, 0, 1) + i * 1.7;
    const at =
      i % 4 === 0 ? null : i % 3 === 0 ? new Date(Date.UTC(1960, 0, 1) + i) : i % 3 === 1 ? atMs : BigInt(Date.UTC(2024, 0, 1) + i);
    const atUs = i % 10 === 0 ? null : 1_700_000_000_123_456n - BigInt(i) * 10_000_000_000_007n;
    oddRows.push({ 'odd, name': text, n32, n64, x, flag, at, at_us: atUs });
    // What the reader must see, written from the cell shapes, not from the writer's code.
    oddExpected.push({
      'odd, name': text === null ? null : text instanceof Date ? text.toISOString() : String(text),
      n32: n32 === null ? null : String(Number(n32)),
      n64: n64 === null ? null : String(n64),
      x: x === null ? null : String(Number(x)),
      flag: flag === null ? null : String(flag === true || flag === 'true' || flag === 1),
      at: at === null ? null : at instanceof Date ? String(at.getTime()) : typeof at === 'bigint' ? String(at) : String(Math.trunc(atMs)),
      at_us: atUs === null ? null : String(atUs),
    });
  }

  for (const delimiter of [',', ';', '\t', '|']) {
    it(`gives DuckDB's CSV reader back every awkward cell and the header names (delimiter ${JSON.stringify(delimiter)})`, async () => {
      const file = await exportTo(
        `awkward-${delimiter === '\t' ? 'tab' : delimiter === '|' ? 'pipe' : delimiter}.csv`,
        { kind: 'csv', delimiter, header: true },
        oddRows,
        oddColumns,
      );
      expect(normalised(await readCsvWithDuckdb(file, oddColumns, delimiter), oddColumns)).toEqual(normalised(oddExpected, oddColumns));
      const described = await duckdb(
        `DESCRIBE SELECT * FROM read_csv('${file}', header = true, delim = '${delimiter}', quote = '"', escape = '"')`,
      );
      expect(described.map((c) => c.column_name)).toEqual(oddColumns.map((c) => c.name));
    });
  }

  it('refuses a delimiter that cannot separate fields instead of writing another one', () => {
    expect(() => createWriter({ kind: 'csv', delimiter: '"', header: true }, oddColumns, { write: () => Promise.resolve() })).toThrow(
      /cannot separate CSV fields/,
    );
  });

  it('writes one JSON object per line that DuckDB reads with the same values', async () => {
    const file = await exportTo('types.jsonl', { kind: 'jsonl' }, rows);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(rows.length);
    expect(JSON.parse(lines[5] ?? '')).toMatchObject({ id: 5, big: '9007199254740998' });
    const back = await duckdb(
      `SELECT id, big, epoch_ms("at"::TIMESTAMPTZ) AS "at", epoch_us(at_us::TIMESTAMPTZ) AS at_us FROM read_json('${join(dir.path, 'types.jsonl')}', format = 'newline_delimited', columns = {id: 'INTEGER', big: 'BIGINT', "at": 'VARCHAR', at_us: 'VARCHAR'}) ORDER BY id`,
    );
    expect(back.map((r) => [plain(r.id), plain(r.big), plain(r.at), plain(r.at_us)])).toEqual(
      expected.map((r) => [r.id, r.big, r.at, r.at_us]),
    );
  });
});

describe('bounded memory', () => {
  it('cuts Parquet row groups by size as well as by rows, so large values do not pile up', async () => {
    const big = 'x'.repeat(100_000);
    const rows: Row[] = Array.from({ length: 200 }, (_, i) => ({
      id: i,
      name: `${i}${big}`,
      big: null,
      reading: null,
      ok: null,
      at: null,
      at_us: null,
    }));
    const { ParquetRowWriter } = await import('../../electron/engine/exports/writers/parquet-writer.js');
    const output = await openLocalOutput(dir.path, 'big-values.parquet');
    const writer = new ParquetRowWriter(allTypes, output.sink, { codec: 'snappy', rowGroupRows: 100_000, rowGroupBytes: 4 * 1024 * 1024 });
    await writeAll(batches(rows, 50), writer);
    await output.commit();
    // 200 rows × ~200 KB in memory, cut at 4 MiB: about 20 rows per group.
    const meta = await parquetMetadata(output.location);
    expect(meta.rowGroups).toBeGreaterThanOrEqual(9);
    const back = await readParquetWithDuckdb(output.location, allTypes);
    expect(back.map((r) => r.name?.length)).toEqual(rows.map((r) => String(r.name).length));
  });

  it('cuts by size when a later string column holds the large values, and keeps every column in step', async () => {
    const columns: ColumnSpec[] = [
      { name: 'tag', type: 'string', nullable: false },
      { name: 'n', type: 'int64', nullable: false },
      { name: 'body', type: 'string', nullable: true },
    ];
    const big = 'y'.repeat(50_000);
    const rows: Row[] = Array.from({ length: 300 }, (_, i) => ({ tag: `t${i}`, n: BigInt(i), body: i % 10 === 9 ? null : `${i}${big}` }));
    const { ParquetRowWriter } = await import('../../electron/engine/exports/writers/parquet-writer.js');
    const output = await openLocalOutput(dir.path, 'big-later-column.parquet');
    const writer = new ParquetRowWriter(columns, output.sink, { codec: 'zstd', rowGroupRows: 100_000, rowGroupBytes: 2 * 1024 * 1024 });
    await writeAll(batches(rows, 64), writer);
    await output.commit();
    // ~100 KB per row in memory, cut at 2 MiB: about 21 rows per group.
    const meta = await parquetMetadata(output.location);
    expect(meta.rowGroups).toBeGreaterThanOrEqual(12);
    const back = await readParquetWithDuckdb(output.location, columns);
    expect(back.map((r) => [r.tag, r.n, r.body?.length ?? null])).toEqual(
      rows.map((r) => [r.tag, String(r.n), r.body === null ? null : String(r.body).length]),
    );
  });
});
