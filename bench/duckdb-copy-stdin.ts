/**
 * The kcat | DuckDB peer of bench/export-topic.bench.ts: reads `kcat -J` envelopes (one JSON object
 * per record) from stdin with DuckDB's read_json and COPYs them to a file with the columns and types
 * of the workbench's topic export. Run with plain node (type stripping), no tsx: usage
 * `kcat -C -J … | node bench/duckdb-copy-stdin.ts <out file> parquet|csv`.
 */
import { DuckDBInstance } from '@duckdb/node-api';

const [out, format] = process.argv.slice(2);
if (!out || (format !== 'parquet' && format !== 'csv')) throw new Error('usage: duckdb-copy-stdin.ts <out file> parquet|csv');
const options = format === 'parquet' ? 'FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 100000' : 'FORMAT csv, HEADER true';
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
await connection.run(
  `COPY (SELECT partition, "offset", epoch_ms(ts)::TIMESTAMP_MS AS "timestamp", key, payload AS value, NULL::VARCHAR AS headers
     FROM read_json('/dev/stdin', format = 'newline_delimited',
       columns = {partition: 'INTEGER', "offset": 'BIGINT', ts: 'BIGINT', key: 'VARCHAR', payload: 'VARCHAR'}))
   TO '${out.replaceAll("'", "''")}' (${options})`,
);
connection.closeSync();
instance.closeSync();
