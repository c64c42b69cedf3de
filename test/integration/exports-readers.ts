import { execFileSync } from 'node:child_process';
import { DuckDBInstance } from '@duckdb/node-api';

/**
 * Independent readers for the export tests. Every value comes back normalised to text so rows can be
 * compared one by one: timestamps as integer epoch in the given unit, int64 as decimal text.
 */
export type Plain = Record<string, string | null>;

/** A reader's value as text: numbers, bigints, booleans and strings as such; anything else as JSON. */
export function plain(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

let duck: Promise<DuckDBInstance> | undefined;
export async function duckdb(sql: string): Promise<Record<string, unknown>[]> {
  duck ??= DuckDBInstance.create(':memory:');
  const connection = await (await duck).connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJS();
  } finally {
    connection.closeSync();
  }
}

const quote = (path: string) => `'${path.replaceAll("'", "''")}'`;

/** DuckDB's Parquet reader; timestamp columns as epoch in their unit (`epoch_ms` / `epoch_us`). */
export async function readParquetWithDuckdb(file: string, columns: { name: string; type: string }[]): Promise<Plain[]> {
  const select = columns
    .map((c) => {
      const id = `"${c.name}"`;
      if (c.type === 'timestamp-ms') return `epoch_ms(${id}) AS ${id}`;
      if (c.type === 'timestamp-us') return `epoch_us(${id}) AS ${id}`;
      return id;
    })
    .join(', ');
  const rows = await duckdb(`SELECT ${select} FROM read_parquet(${quote(file)})`);
  return rows.map((row) => Object.fromEntries(columns.map((c) => [c.name, plain(row[c.name])])));
}

/** Column types and codecs as DuckDB sees them in the file's metadata. */
export async function parquetMetadata(
  file: string,
): Promise<{ codecs: string[]; compressed: number; uncompressed: number; rowGroups: number }> {
  const rows = await duckdb(
    `SELECT compression, total_compressed_size, total_uncompressed_size, row_group_id FROM parquet_metadata(${quote(file)})`,
  );
  return {
    codecs: [...new Set(rows.map((r) => String(r.compression)))],
    compressed: rows.reduce((sum, r) => sum + Number(r.total_compressed_size), 0),
    uncompressed: rows.reduce((sum, r) => sum + Number(r.total_uncompressed_size), 0),
    rowGroups: new Set(rows.map((r) => Number(r.row_group_id))).size,
  };
}

export async function readCsvWithDuckdb(file: string, columns: { name: string; type: string }[], delimiter: string): Promise<Plain[]> {
  const types = columns.map((c) => `'${c.name}': '${duckType(c.type)}'`).join(', ');
  const select = columns
    .map((c) => {
      const id = `"${c.name}"`;
      if (c.type === 'timestamp-ms') return `epoch_ms(${id}) AS ${id}`;
      if (c.type === 'timestamp-us') return `epoch_us(${id}) AS ${id}`;
      return id;
    })
    .join(', ');
  const rows = await duckdb(
    `SELECT ${select} FROM read_csv(${quote(file)}, header = true, delim = ${quote(delimiter)}, quote = '"', escape = '"', ` +
      `allow_quoted_nulls = false, columns = {${types}})`,
  );
  return rows.map((row) => Object.fromEntries(columns.map((c) => [c.name, plain(row[c.name])])));
}

function duckType(type: string): string {
  return (
    (
      {
        string: 'VARCHAR',
        int32: 'INTEGER',
        int64: 'BIGINT',
        double: 'DOUBLE',
        boolean: 'BOOLEAN',
        'timestamp-ms': 'TIMESTAMPTZ',
        'timestamp-us': 'TIMESTAMPTZ',
      } as Record<string, string>
    )[type] ?? 'VARCHAR'
  );
}

const pyarrowScript = `
import json, sys
import pyarrow.parquet as pq, pyarrow as pa
t = pq.read_table(sys.argv[1])
schema = {f.name: str(f.type) for f in t.schema}
cols = {}
for f in t.schema:
    col = t.column(f.name)
    if pa.types.is_timestamp(f.type):
        col = col.cast(pa.int64())
    cols[f.name] = [None if v is None else (repr(v) if isinstance(v, float) else str(v).lower() if isinstance(v, bool) else str(v)) for v in col.to_pylist()]
rows = [{k: cols[k][i] for k in cols} for i in range(t.num_rows)]
print(json.dumps({"schema": schema, "rows": rows}))
`;

/** pyarrow's reader (`pip install pyarrow`): the column types it sees and every value as text. */
export function readParquetWithPyarrow(file: string): { schema: Record<string, string>; rows: Plain[] } {
  const out = execFileSync('python3', ['-c', pyarrowScript, file], { encoding: 'utf8', maxBuffer: 256 << 20 });
  return JSON.parse(out) as { schema: Record<string, string>; rows: Plain[] };
}

export function pyarrowAvailable(): boolean {
  try {
    execFileSync('python3', ['-c', 'import pyarrow'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
