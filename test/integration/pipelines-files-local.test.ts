import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, inject, it } from 'vitest';
import type { Connection } from '../../shared/connection.js';
import { issS1Projection, type Pipeline, type PipelineStatus } from '../../shared/pipelines.js';
import { FileSinks } from '../../electron/engine/pipelines/file-sink.js';
import { openDatabase } from '../../electron/engine/store/db.js';
import { data, tempDir, testEngine, uniqueName } from '../helpers.js';
import { compareExactlyOnce, issRecords, produceIss, readIssParquet } from './pipelines-files-helpers.js';
import { createTopic, pipelineOf, waitFor } from './pipelines-helpers.js';

const bootstrap = inject('kafkaBootstrap');

const parquet = { kind: 'parquet', codec: 'zstd', timestampUnit: 'us', rowGroupRows: 100_000 } as const;

describe('S1 to a local folder', () => {
  it(
    'rolls a file every 3 batches, survives an unwritable folder and a stop/restart, and DuckDB reads every record exactly once',
    { timeout: 180_000 },
    async () => {
      const dir = tempDir('pipelines-files-local');
      const engine = testEngine(dir.path);
      try {
        const topic = uniqueName('project_topic');
        await createTopic(bootstrap, topic, 3);
        const folder = join(dir.path, 'out', 'parquet_files');
        // A file where the folder should be: every write fails until it is removed.
        writeFileSync(join(dir.path, 'out'), 'not a folder');
        const connectionId = data<Connection>(
          await engine.dispatch('connections:save', { name: 'suite', bootstrapServers: bootstrap.split(',') }),
        ).id;
        const pipeline = data<Pipeline>(
          await engine.dispatch('pipelines:save', {
            name: uniqueName('ISS → Parquet local'),
            connectionId,
            topics: [topic],
            groupId: uniqueName('s1-local'),
            maxRecordsPerBatch: 30,
            triggerIntervalMs: 100,
            projection: issS1Projection,
            sinks: [{ kind: 'files', format: parquet, target: { kind: 'local', folder }, rolling: { batches: 3 } }],
          }),
        );
        const store = new Database(join(dir.path, 'workbench.sqlite'), { readonly: true });
        const count = (where: string) =>
          store
            .prepare<[string], { n: number }>(`SELECT COUNT(*) AS n FROM pipeline_files WHERE pipeline_id = ? AND ${where}`)
            .get(pipeline.id)?.n ?? 0;
        const consumed = () =>
          store
            .prepare<[string], { n: number | null }>(
              'SELECT SUM(CAST(next_offset AS INTEGER)) AS n FROM pipeline_offsets WHERE pipeline_id = ?',
            )
            .get(pipeline.id)?.n ?? 0;

        const first = issRecords(0, 2000);
        await produceIss(bootstrap, topic, first);
        data(await engine.dispatch('pipelines:start', { id: pipeline.id }));
        await waitFor(() => count(`state = 'pending' AND error IS NOT NULL`) >= 1, 30_000, 'a failing file');
        const failing = data<PipelineStatus>(await engine.dispatch('pipelines:status', { id: pipeline.id }));
        expect(failing.state).toBe('running');
        expect(failing.files?.lastError).toBeTruthy();

        rmSync(join(dir.path, 'out'));
        await waitFor(() => count(`state = 'done'`) >= 4, 60_000, 'files written once the folder can be made');
        await engine.dispatch('pipelines:stop', { id: pipeline.id });
        expect(consumed()).toBeLessThan(2000);

        const second = issRecords(2000, 400);
        await produceIss(bootstrap, topic, second);
        data(await engine.dispatch('pipelines:start', { id: pipeline.id }));
        await waitFor(
          () => consumed() === 2400 && count(`state = 'pending'`) === 0,
          120_000,
          'all records consumed and pending files written',
        );
        // The last file may still be open (fewer than 3 batches): stopping leaves it open, not lost; it is
        // checked through SQLite below.
        await engine.dispatch('pipelines:stop', { id: pipeline.id });

        const names = readdirSync(folder);
        expect(names.filter((n) => n.startsWith('.'))).toEqual([]);
        const ranges = names.map((n) => n.split('-').slice(2, 4).map(Number) as [number, number]).sort((a, b) => a[0] - b[0]);
        for (const [from, to] of ranges) expect(to - from + 1).toBeLessThanOrEqual(3);
        for (let i = 1; i < ranges.length; i++) expect(ranges[i]?.[0]).toBeGreaterThan(ranges[i - 1]?.[1] ?? 0);
        const openRows = store
          .prepare<[string], { row_json: string }>(
            `SELECT r.row_json FROM pipeline_file_rows r JOIN pipeline_files f USING (pipeline_id, sink, first_batch) WHERE r.pipeline_id = ? AND f.state = 'open'`,
          )
          .all(pipeline.id);
        const { rows, types } = await readIssParquet(folder);
        expect(types).toEqual({ timestamp: 'TIMESTAMP WITH TIME ZONE', latitude: 'DOUBLE', longitude: 'DOUBLE' });
        const fromOpen = openRows.map((r) => JSON.parse(r.row_json) as { timestamp: number; latitude: number; longitude: number });
        const all = [
          ...rows,
          ...fromOpen.map((r) => ({ timestamp: String(r.timestamp), latitude: String(r.latitude), longitude: String(r.longitude) })),
        ];
        expect(compareExactlyOnce([...first, ...second], all)).toEqual({ missing: 0, duplicates: 0, unexpected: 0, wrong: [] });
        console.log(
          `[S1 local] ${names.length} files (3 batches each), ${rows.length} rows in files, ${fromOpen.length} rows in the open file`,
        );
        store.close();
      } finally {
        await engine.dispose();
        dir.remove();
      }
    },
  );

  it('a crash after the file was written but before it was marked done re-writes the same name: one file, rows once', async () => {
    const dir = tempDir('pipelines-files-crash');
    try {
      const folder = join(dir.path, 'out');
      const pipeline = pipelineOf({
        id: 'crash-window',
        name: 'crash window',
        connectionId: 'none',
        topics: ['project_topic'],
        groupId: 'g',
        projection: issS1Projection,
        sinks: [{ kind: 'files', format: parquet, target: { kind: 'local', folder } }],
      });
      const source = issRecords(0, 50);
      const rows = source.map((r) => ({
        timestamp: r.timestamp * 1000,
        latitude: Number(r.iss_position.latitude),
        longitude: Number(r.iss_position.longitude),
      }));
      const db = openDatabase(join(dir.path, 'a.sqlite'));
      // What a batch commit leaves: progress + a pending file with its rows, in one transaction.
      const sinks = new FileSinks({ db, pipeline, tickMs: 50 });
      db.transaction(() => {
        db.prepare(
          `INSERT INTO pipeline_progress (pipeline_id, batch, watermark, late_rows, bad_json) VALUES (?, 1, NULL, 0, '{"counts":{},"last":[]}')`,
        ).run(pipeline.id);
        sinks.stage(1, rows, { 'project_topic:0': ['0', '50'] }, Date.now());
      })();
      // The state a kill -9 leaves when it lands between the write and the done mark.
      db.exec(`VACUUM INTO '${join(dir.path, 'crashed.sqlite')}'`);
      await sinks.start();
      await waitFor(() => sinks.status().done === 1, 20_000, 'the file written');
      await sinks.stop();
      const [name] = readdirSync(folder);
      expect(name).toMatch(/^part-[0-9a-f]{8}-0000000001-0000000001-[0-9a-f]{6}\.parquet$/);

      const crashed = openDatabase(join(dir.path, 'crashed.sqlite'));
      const again = new FileSinks({ db: crashed, pipeline, tickMs: 50 });
      expect(again.status()).toMatchObject({ done: 0, pending: 1, rowsWaiting: 50 });
      await again.start();
      await waitFor(() => again.status().done === 1, 20_000, 'the file re-written after the crash');
      await again.stop();
      expect(readdirSync(folder)).toEqual([name]);
      const read = await readIssParquet(folder);
      expect(compareExactlyOnce(source, read.rows)).toEqual({ missing: 0, duplicates: 0, unexpected: 0, wrong: [] });
      expect(crashed.prepare('SELECT COUNT(*) AS n FROM pipeline_file_rows').get()).toEqual({ n: 0 });
      db.close();
      crashed.close();
    } finally {
      dir.remove();
    }
  });
});
