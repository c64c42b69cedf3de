import { readdirSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, inject, it } from 'vitest';
import type { Connection } from '../../shared/connection.js';
import type { Pipeline } from '../../shared/pipelines.js';
import { formToInput, issS1Preset } from '../../renderer/pages/pipelines/pipeline-form-model.js';
import { data, tempDir, testEngine, uniqueName } from '../helpers.js';
import { compareExactlyOnce, issRecords, produceIss, readIssParquet } from './pipelines-files-helpers.js';
import { createTopic, waitFor } from './pipelines-helpers.js';

const bootstrap = inject('kafkaBootstrap');

describe('the ISS → Parquet preset as the pipeline form saves it', () => {
  it(
    'writes Parquet into an absolute folder under the data folder, a file per minute rather than per batch',
    { timeout: 180_000 },
    async () => {
      const dir = tempDir('pipelines-iss-preset');
      const engine = testEngine(dir.path);
      try {
        const topic = uniqueName('project_topic');
        await createTopic(bootstrap, topic, 3);
        const connectionId = data<Connection>(
          await engine.dispatch('connections:save', { name: 'suite', bootstrapServers: bootstrap.split(',') }),
        ).id;
        // The preset as the form gives it (folder and rolling untouched); small batches so 137 records
        // make several of them, as the live poller's 5-second batches do.
        const preset = issS1Preset(dir.path);
        const form = {
          ...preset,
          name: uniqueName('ISS → Parquet preset'),
          topics: topic,
          groupId: uniqueName('iss-s1'),
          maxRecordsPerBatch: '20',
        };
        const result = formToInput(form, connectionId);
        if (!('input' in result)) throw new Error(JSON.stringify(result.errors));
        const pipeline = data<Pipeline>(await engine.dispatch('pipelines:save', result.input));
        const sink = pipeline.sinks.find((s) => s.kind === 'files');
        if (sink?.kind !== 'files' || sink.target.kind !== 'local') throw new Error('the preset has no local file sink');
        const folder = sink.target.folder;
        expect(isAbsolute(folder)).toBe(true);
        expect(folder).toBe(join(dir.path, 'parquet_files'));

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

        const source = issRecords(0, 137);
        await produceIss(bootstrap, topic, source);
        data(await engine.dispatch('pipelines:start', { id: pipeline.id }));
        await waitFor(() => consumed() === 137, 60_000, 'all 137 records consumed');
        // The open file closes once a minute old, even with no new batch (time-based rolling).
        await waitFor(() => count(`state != 'done'`) === 0 && count(`state = 'done'`) >= 1, 100_000, 'the minute file written');
        await engine.dispatch('pipelines:stop', { id: pipeline.id });
        const batches =
          store
            .prepare<[string], { n: number | null }>('SELECT MAX(last_batch) AS n FROM pipeline_files WHERE pipeline_id = ?')
            .get(pipeline.id)?.n ?? 0;
        store.close();

        const names = readdirSync(folder).filter((n) => n.endsWith('.parquet'));
        const { rows } = await readIssParquet(folder);
        expect(compareExactlyOnce(source, rows)).toEqual({ missing: 0, duplicates: 0, unexpected: 0, wrong: [] });
        expect(batches).toBeGreaterThanOrEqual(5);
        expect(names.length).toBeLessThanOrEqual(2);
        console.log(`[S1 preset] ${rows.length} rows from ${batches} batches in ${names.length} file(s) under ${folder}`);
      } finally {
        await engine.dispose();
        dir.remove();
      }
    },
  );
});
