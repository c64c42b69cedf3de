import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExportFormat, ParquetCodec } from '../../shared/exports.js';
import { createWriter, writeAll } from '../../electron/engine/exports/writers/create-writer.js';
import type { Row } from '../../electron/engine/exports/writers/types.js';
import { openLocalOutput } from '../../electron/engine/exports/targets/local-folder.js';
import { tempDir } from '../helpers.js';
import { allTypes, expectedPlain, normalised, sensorColumns, sensorRows, typedRows } from './exports-fixtures.js';
import { parquetMetadata, plain, pyarrowAvailable, readCsvWithDuckdb, readParquetWithDuckdb, readParquetWithPyarrow } from './exports-readers.js';

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
      const file = await exportTo(`sensors-${codec}.parquet`, { kind: 'parquet', codec, timestampUnit: 'ms', rowGroupRows: 25_000 }, rows, sensorColumns);
      const meta = await parquetMetadata(file);
      sizes[codec] = statSync(file).size;
      if (codec === 'none') expect(meta.compressed).toBe(meta.uncompressed);
      else expect(meta.compressed).toBeLessThan(meta.uncompressed * 0.9);
      const [count] = await import('./exports-readers.js').then((m) => m.duckdb(`SELECT count(*)::INT AS n, sum(seq)::BIGINT AS s FROM read_parquet('${file}')`));
      expect(count).toEqual({ n: 50_000, s: BigInt((49_999 * 50_000) / 2) });
    }
    for (const codec of ['snappy', 'zstd', 'gzip']) expect(sizes[codec]).toBeLessThan(sizes.none ?? 0);
  });
});

describe('CSV and JSONL', () => {
  const rows = typedRows(3_000);
  const expected = expectedPlain(rows, allTypes);

  for (const delimiter of [',', ';', '\t']) {
    it(`reads back through DuckDB's CSV reader with the same values (delimiter ${JSON.stringify(delimiter)})`, async () => {
      const file = await exportTo(`types-${delimiter === '\t' ? 'tab' : delimiter}.csv`, { kind: 'csv', delimiter, header: true }, rows);
      const text = readFileSync(file, 'utf8');
      expect(text.startsWith(['id', 'name', 'big', 'reading', 'ok', 'at', 'at_us'].join(delimiter) + '\r\n')).toBe(true);
      expect(text).toContain('"quote "" inside"');
      const byDuck = await readCsvWithDuckdb(file, allTypes, delimiter);
      expect(normalised(byDuck, allTypes)).toEqual(expected);
    });
  }

  it('writes one JSON object per line that DuckDB reads with the same values', async () => {
    const file = await exportTo('types.jsonl', { kind: 'jsonl' }, rows);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(rows.length);
    expect(JSON.parse(lines[5] ?? '')).toMatchObject({ id: 5, big: '9007199254740998' });
    const { duckdb } = await import('./exports-readers.js');
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
    const rows: Row[] = Array.from({ length: 200 }, (_, i) => ({ id: i, name: `${i}${big}`, big: null, reading: null, ok: null, at: null, at_us: null }));
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
});
