import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Connection } from '../../shared/connection.js';
import { sensorsBatchReport, type BatchReport, type Pipeline } from '../../shared/pipelines.js';
import type { Engine } from '../../electron/engine/engine.js';
import { data, tempDir, testEngine, uniqueName } from '../helpers.js';
import { createTopic, produceInput } from './pipelines-helpers.js';

const bootstrap = inject('kafkaBootstrap');
const dir = tempDir('pipelines-batch');
let engine: Engine;
let connectionId = '';

beforeAll(async () => {
  engine = testEngine(join(dir.path, 'data'));
  connectionId = data<Connection>(await engine.dispatch('connections:save', { name: 'suite', bootstrapServers: bootstrap.split(',') })).id;
});
afterAll(async () => {
  await engine.dispose();
  dir.remove();
});

async function duck(sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJS();
  } finally {
    connection.closeSync();
  }
}

const MEASURES = ['temperature', 'humidity', 'pressure'] as const;

describe('pipelines batch mode', () => {
  it('S3 batch report over the whole topic equals a plain DuckDB group-by, in SQLite, CSV, Parquet and JSON lines', async () => {
    const topic = uniqueName('input_topic');
    await createTopic(bootstrap, topic, 3);
    // The S3 producer's shape: 10 sensors, 100 readings, random measures (seeded by index so failures reproduce).
    const readings = Array.from({ length: 100 }, (_, i) => ({
      timestamp: new Date(Date.UTC(2024, 4, 1, 12) + i * 2000).toISOString(),
      sensor_id: `sensor_${(i % 10) + 1}`,
      temperature: Math.round((15 + ((i * 7919) % 1500) / 100) * 100) / 100,
      humidity: Math.round((30 + ((i * 104729) % 4000) / 100) * 100) / 100,
      pressure: Math.round((990 + ((i * 1299709) % 3000) / 100) * 100) / 100,
    }));
    await produceInput(bootstrap, [
      ...readings.map((r) => ({ topic, key: r.sensor_id, value: JSON.stringify(r) })),
      { topic, key: 'x', value: 'garbage' },
    ]);

    const pipeline = data<Pipeline>(
      await engine.dispatch('pipelines:save', {
        name: 'Sensor windows',
        connectionId,
        topics: [topic],
        groupId: uniqueName('batch-group'),
        startingOffsets: { kind: 'latest' }, // a batch reads the whole topic all the same
        projection: [
          { column: 'timestamp', path: 'timestamp', type: 'timestamp', timestampFormat: 'iso' },
          { column: 'sensor_id', path: 'sensor_id', type: 'string' },
          ...MEASURES.map((m) => ({ column: m, path: m, type: 'double' as const })),
        ],
      }),
    );
    const folder = join(dir.path, 'sensor_report');
    mkdirSync(folder);
    const report = data<BatchReport>(
      await engine.dispatch('pipelines:runBatch', {
        id: pipeline.id,
        aggregation: sensorsBatchReport,
        folder,
        formats: ['csv', 'parquet', 'jsonl'],
      }),
    );
    expect(report.recordsRead).toBe(101);
    expect(report.badRecords).toEqual({ decode: 1 });
    expect(report.table).toBe('report_sensor_windows');
    expect(report.columns).toEqual([
      'sensor_id',
      'total_readings',
      ...MEASURES.flatMap((m) => ['avg', 'min', 'max'].map((f) => `${f}_${m}`)),
    ]);

    // Independent reference: the produced readings in DuckDB, grouped by plain SQL.
    const values = readings.map((r) => `('${r.sensor_id}', ${r.temperature}, ${r.humidity}, ${r.pressure})`).join(', ');
    const select = MEASURES.flatMap((m) => [`AVG(${m}) AS avg_${m}`, `MIN(${m}) AS min_${m}`, `MAX(${m}) AS max_${m}`]).join(', ');
    const expected = await duck(
      `SELECT sensor_id, COUNT(*)::INTEGER AS total_readings, ${select}
       FROM (VALUES ${values}) AS r(sensor_id, temperature, humidity, pressure) GROUP BY sensor_id ORDER BY sensor_id`,
    );
    expect(expected).toHaveLength(10);
    const same = (rows: Record<string, unknown>[], what: string) => {
      expect(rows, what).toHaveLength(expected.length);
      rows.forEach((row, i) => {
        const want = expected[i] ?? {};
        expect(row.sensor_id, what).toBe(want.sensor_id);
        expect(Number(row.total_readings), what).toBe(want.total_readings);
        for (const column of report.columns.slice(2)) expect(Number(row[column]), `${what} ${column}`).toBeCloseTo(Number(want[column]), 9);
      });
    };
    same(
      report.rows.map((r) => Object.fromEntries(report.columns.map((c, i) => [c, r[i]]))),
      'report',
    );

    // The SQLite store of the engine.
    const store = new Database(join(dir.path, 'data', 'workbench.sqlite'), { readonly: true });
    same(store.prepare('SELECT * FROM report_sensor_windows ORDER BY sensor_id').all() as Record<string, unknown>[], 'sqlite');
    store.close();

    // The files, read back by DuckDB.
    expect(report.files.map((f) => f.slice(folder.length + 1)).sort()).toEqual([
      'report_sensor_windows.csv',
      'report_sensor_windows.jsonl',
      'report_sensor_windows.parquet',
    ]);
    same(await duck(`SELECT * FROM read_parquet('${join(folder, 'report_sensor_windows.parquet')}') ORDER BY sensor_id`), 'parquet');
    same(await duck(`SELECT * FROM read_csv('${join(folder, 'report_sensor_windows.csv')}', header = true) ORDER BY sensor_id`), 'csv');
    const jsonl = readFileSync(join(folder, 'report_sensor_windows.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    same(
      jsonl.sort((a, b) => (String(a.sensor_id) < String(b.sensor_id) ? -1 : 1)),
      'jsonl',
    );

    // Bounded: records produced after the run are not in it; a rerun includes them and replaces the table.
    await produceInput(bootstrap, [
      { topic, key: 'sensor_1', value: JSON.stringify({ ...readings[0], timestamp: new Date().toISOString() }) },
    ]);
    const again = data<BatchReport>(await engine.dispatch('pipelines:runBatch', { id: pipeline.id, aggregation: sensorsBatchReport }));
    expect(again.recordsRead).toBe(102);
    expect(again.rows.find((r) => r[0] === 'sensor_1')?.[1]).toBe(11);
    expect(again.files).toEqual([]);
  });
});
