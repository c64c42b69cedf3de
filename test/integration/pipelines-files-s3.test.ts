import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Connection } from '../../shared/connection.js';
import type { S3Target } from '../../shared/exports.js';
import { issS1Projection, shownState, type Pipeline, type PipelineInput, type PipelineStatus } from '../../shared/pipelines.js';
import { createBucket } from '../../electron/engine/exports/targets/s3-bucket.js';
import { shortId } from '../../electron/engine/pipelines/file-sink-columns.js';
import { FileSinks } from '../../electron/engine/pipelines/file-sink.js';
import { openDatabase } from '../../electron/engine/store/db.js';
import { startS3Server, type S3Server } from '../s3-server.js';
import { data, tempDir, testEngine, uniqueName } from '../helpers.js';
import {
  BUCKET,
  PREFIX,
  compareExactlyOnce,
  downloadAll,
  issRecords,
  produceIss,
  readIssParquet,
  s3Admin,
} from './pipelines-files-helpers.js';
import { duckdb } from './exports-readers.js';
import { createTopic, pipelineOf, waitFor } from './pipelines-helpers.js';

const bootstrap = inject('kafkaBootstrap');
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
let s3: S3Server;
let admin: S3Client;

/** The S1 target; a pipeline stores no keys, so the default AWS chain finds them in the environment. */
function s1Target(): S3Target {
  return {
    kind: 's3',
    bucket: BUCKET,
    prefix: PREFIX,
    region: s3.region,
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { mode: 'default-chain' },
  };
}

function s1Pipeline(connectionId: string | undefined, topic: string, batch: number, triggerMs: number): PipelineInput {
  return {
    name: uniqueName('ISS → Parquet'),
    connectionId: connectionId ?? '',
    topics: [topic],
    groupId: uniqueName('s1-group'),
    maxRecordsPerBatch: batch,
    triggerIntervalMs: triggerMs,
    projection: issS1Projection,
    sinks: [
      {
        kind: 'files',
        format: { kind: 'parquet', codec: 'snappy', timestampUnit: 'ms', rowGroupRows: 100_000 },
        target: s1Target(),
        rolling: {},
      },
    ],
  };
}

interface FileFigures {
  done: number;
  waiting: number;
  consumed: number;
  avgWriteMs: number | null;
  bytes: number;
}

function figures(store: Database.Database, pipelineId: string): FileFigures {
  const f = store
    .prepare<[string], { done: number; waiting: number; avg_ms: number | null; bytes: number | null }>(
      `SELECT SUM(state = 'done') AS done, SUM(state != 'done') AS waiting, AVG(write_ms) AS avg_ms, SUM(bytes) AS bytes FROM pipeline_files WHERE pipeline_id = ?`,
    )
    .get(pipelineId);
  const consumed =
    store
      .prepare<[string], { n: number | null }>('SELECT SUM(CAST(next_offset AS INTEGER)) AS n FROM pipeline_offsets WHERE pipeline_id = ?')
      .get(pipelineId)?.n ?? 0;
  return { done: f?.done ?? 0, waiting: f?.waiting ?? 0, consumed, avgWriteMs: f?.avg_ms ?? null, bytes: f?.bytes ?? 0 };
}

beforeAll(async () => {
  s3 = await startS3Server();
  admin = s3Admin(s3);
  // The default AWS chain of the in-process engine (and of the CLI children, which inherit it).
  process.env.AWS_ACCESS_KEY_ID = s3.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = s3.secretAccessKey;
  process.env.AWS_REGION = s3.region;
});
afterAll(async () => {
  admin.destroy();
  await s3.stop();
});

describe('S1: ISS records → Parquet on s3://streaming-bucket-1/parquet_files/', () => {
  it(
    'stalls while the bucket is missing (files pending, error in status), then writes every record exactly once across a stop and restart',
    { timeout: 180_000 },
    async () => {
      const dir = tempDir('pipelines-files-s3');
      const engine = testEngine(dir.path);
      try {
        const topic = uniqueName('project_topic');
        await createTopic(bootstrap, topic, 2);
        const connectionId = data<Connection>(
          await engine.dispatch('connections:save', { name: 'suite', bootstrapServers: bootstrap.split(',') }),
        ).id;
        const pipeline = data<Pipeline>(await engine.dispatch('pipelines:save', s1Pipeline(connectionId, topic, 20, 100)));
        const batchMs: number[] = [];
        engine.events.on('pipelines:status', (s) => {
          if (s.pipelineId === pipeline.id && s.lastBatchMs !== null) batchMs.push(s.lastBatchMs);
        });
        const first = issRecords(0, 2000);
        await produceIss(bootstrap, topic, first);
        const store = new Database(join(dir.path, 'workbench.sqlite'), { readonly: true });
        const status = async () => data<PipelineStatus>(await engine.dispatch('pipelines:status', { id: pipeline.id }));

        // The bucket does not exist yet: uploads fail, the pipeline stalls (no new batch) with the error and what waits shown.
        data(await engine.dispatch('pipelines:start', { id: pipeline.id }));
        const failed = () =>
          store
            .prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM pipeline_files WHERE pipeline_id = ? AND error IS NOT NULL')
            .get(pipeline.id)?.n ?? 0;
        await waitFor(() => figures(store, pipeline.id).waiting >= 1 && failed() > 0, 30_000, 'pending files with an error');
        const failing = await status();
        expect(failing.state).toBe('running');
        expect(shownState(failing)).toBe('stalled');
        expect(failing.error).toContain(`The bucket "${BUCKET}" does not exist`);
        expect(failing.files?.lastError).toContain(`The bucket "${BUCKET}" does not exist`);
        expect(failing.files).toMatchObject({ done: 0, rowsWritten: 0 });

        await createBucket({
          ...s1Target(),
          credentials: { mode: 'keys', accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
        });
        await waitFor(() => figures(store, pipeline.id).done >= 5, 60_000, 'files written once the bucket exists');
        // Stop mid-run: some records are still unread.
        await engine.dispatch('pipelines:stop', { id: pipeline.id });
        const atStop = figures(store, pipeline.id);
        expect(atStop.consumed).toBeLessThan(first.length);

        const second = issRecords(2000, 500);
        await produceIss(bootstrap, topic, second);
        data(await engine.dispatch('pipelines:start', { id: pipeline.id }));
        await waitFor(
          () => {
            const f = figures(store, pipeline.id);
            return f.consumed === 2500 && f.waiting === 0;
          },
          120_000,
          'all 2500 records consumed and every file written',
        );
        const final = await status();
        expect(final.files).toMatchObject({ pending: 0, rowsWaiting: 0, lastError: null });
        await engine.dispatch('pipelines:stop', { id: pipeline.id });

        const tag = `part-${shortId(pipeline.id)}-`;
        const keys = await downloadAll(admin, PREFIX, tag, join(dir.path, 'download'));
        const end = figures(store, pipeline.id);
        expect(keys.length).toBe(end.done);
        const { rows, types } = await readIssParquet(join(dir.path, 'download'));
        expect(types).toEqual({ timestamp: 'TIMESTAMP WITH TIME ZONE', latitude: 'DOUBLE', longitude: 'DOUBLE' });
        expect(rows.length).toBe(2500);
        expect(compareExactlyOnce([...first, ...second], rows)).toEqual({ missing: 0, duplicates: 0, unexpected: 0, wrong: [] });
        const sorted = [...batchMs].sort((a, b) => a - b);
        console.log(
          `[S1 s3] ${end.done} files, ${end.bytes} bytes, avg upload ${end.avgWriteMs?.toFixed(1)} ms/file; ` +
            `batch time p50 ${sorted[Math.floor(sorted.length / 2)]?.toFixed(1)} ms, max ${sorted.at(-1)?.toFixed(1)} ms; stopped at ${atStop.consumed} of 2000`,
        );
        store.close();
      } finally {
        await engine.dispose();
        dir.remove();
      }
    },
  );

  it(
    'survives kill -9 of the headless worker (npm run cli -- pipeline run file.json): every record exactly once on S3',
    { timeout: 240_000 },
    async () => {
      const dir = tempDir('pipelines-files-cli');
      try {
        await createBucket({
          ...s1Target(),
          credentials: { mode: 'keys', accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
        });
        const topic = uniqueName('project_topic');
        await createTopic(bootstrap, topic, 1);
        // Saved once through the engine, then run from a file naming it: `pipelines:save` refuses an id it
        // does not know yet, so a brand-new file cannot be run directly (reported to the pipelines owner).
        const engine = testEngine(dir.path);
        const connectionId = data<Connection>(
          await engine.dispatch('connections:save', { name: 'suite', bootstrapServers: bootstrap.split(',') }),
        ).id;
        // 25 records per batch, one batch per 100 ms: reading the first 2,000 takes about 8 s, so the kill
        // lands mid-run even when uploads are slow (a loaded CI machine once read everything before the
        // tenth file at 20 ms per batch).
        const saved = data<Pipeline>(await engine.dispatch('pipelines:save', s1Pipeline(connectionId, topic, 25, 100)));
        await engine.dispose();
        const file = join(dir.path, 'iss-s1.json');
        // createdAt / updatedAt are dropped by the CLI's input schema.
        writeFileSync(file, JSON.stringify(saved, null, 2));
        const store = new Database(join(dir.path, 'workbench.sqlite'), { readonly: true });
        const pipelineId = () => saved.id;

        const worker = (): { child: ChildProcess; output: () => string; exited: Promise<number | null> } => {
          // `node --import tsx`, one process: through tsx's own CLI, SIGKILL would hit only its wrapper and leave the worker running.
          const child = spawn(
            process.execPath,
            ['--import', TSX_LOADER, resolve('electron/cli/cli.ts'), 'pipeline', 'run', file, '--data-dir', dir.path],
            {
              stdio: ['ignore', 'pipe', 'pipe'],
              env: process.env,
            },
          );
          let output = '';
          child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
          child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
          return { child, output: () => output, exited: new Promise((done) => child.once('exit', (code) => done(code))) };
        };

        const records = issRecords(10_000, 3000);
        await produceIss(bootstrap, topic, records.slice(0, 2000));
        const first = worker();
        await waitFor(
          () => pipelineId() !== '' && figures(store, pipelineId()).done >= 5,
          60_000,
          `five files before the kill (worker said: ${first.output().slice(-400)})`,
        );
        first.child.kill('SIGKILL');
        expect(await first.exited).toBeNull();
        const atKill = figures(store, pipelineId());
        // Mid-run: records still unread, or files still to upload.
        expect(atKill.consumed < 2000 || atKill.waiting > 0, JSON.stringify(atKill)).toBe(true);

        await produceIss(bootstrap, topic, records.slice(2000));
        const second = worker();
        await waitFor(
          () => {
            const f = figures(store, pipelineId());
            return f.consumed === 3000 && f.waiting === 0;
          },
          150_000,
          `all records consumed and written (worker said: ${second.output().slice(-400)})`,
        );
        second.child.kill('SIGTERM');
        expect(await second.exited).toBe(0);
        expect(store.pragma('integrity_check', { simple: true })).toBe('ok');

        const id = pipelineId();
        const keys = await downloadAll(admin, PREFIX, `part-${shortId(id)}-`, join(dir.path, 'download'));
        const end = figures(store, id);
        expect(keys.length).toBe(end.done);
        const { rows } = await readIssParquet(join(dir.path, 'download'));
        if (rows.length !== 3000) {
          const perFile = await duckdb(
            `SELECT filename, COUNT(*) AS n FROM read_parquet('${join(dir.path, 'download')}/*.parquet', filename = true) GROUP BY filename ORDER BY filename`,
          );
          const stored = store
            .prepare(
              'SELECT name, rows, state, etag, bytes, attempts, error FROM pipeline_files WHERE pipeline_id = ? ORDER BY first_batch',
            )
            .all(id);
          console.log(JSON.stringify({ perFile: perFile.map((r) => [String(r.filename).split('/').pop(), Number(r.n)]), stored }, null, 0));
          console.log(first.output().slice(-3000), second.output().slice(-3000));
        }
        expect(rows.length).toBe(3000);
        expect(compareExactlyOnce(records, rows)).toEqual({ missing: 0, duplicates: 0, unexpected: 0, wrong: [] });
        console.log(
          `[S1 cli kill -9] killed at ${atKill.consumed}/2000 consumed, ${atKill.done} files done, ${atKill.waiting} waiting; end: ${end.done} files, avg upload ${end.avgWriteMs?.toFixed(1)} ms`,
        );
        store.close();
      } finally {
        dir.remove();
      }
    },
  );

  it('a crash between the upload and the done mark: the restart finds the object (HEAD) and marks it done without a second upload', async () => {
    const dir = tempDir('pipelines-files-s3-crash');
    try {
      await createBucket({
        ...s1Target(),
        credentials: { mode: 'keys', accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      });
      const pipeline = pipelineOf({ ...s1Pipeline('none', 'project_topic', 50, 0), id: uniqueName('s3-crash') });
      const source = issRecords(500, 40);
      const rows = source.map((r) => ({
        timestamp: r.timestamp * 1000,
        latitude: Number(r.iss_position.latitude),
        longitude: Number(r.iss_position.longitude),
      }));
      const db = openDatabase(join(dir.path, 'a.sqlite'));
      const sinks = new FileSinks({ db, pipeline, tickMs: 50 });
      db.transaction(() => {
        db.prepare(
          `INSERT INTO pipeline_progress (pipeline_id, batch, watermark, late_rows, bad_json) VALUES (?, 7, NULL, 0, '{"counts":{},"last":[]}')`,
        ).run(pipeline.id);
        sinks.stage(7, rows, { 'project_topic:0': ['100', '140'] }, Date.now());
      })();
      db.exec(`VACUUM INTO '${join(dir.path, 'crashed.sqlite')}'`);
      await sinks.start();
      await waitFor(() => sinks.status().done === 1, 20_000, 'the object uploaded');
      await sinks.stop();
      const tag = `part-${shortId(pipeline.id)}-0000000007-0000000007-`;
      const before = await admin.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: PREFIX }));
      const object = before.Contents?.find((o) => o.Key?.includes(tag));
      expect(object?.Key).toMatch(new RegExp(`^${PREFIX}${tag}[0-9a-f]{6}\\.parquet$`));

      const crashed = openDatabase(join(dir.path, 'crashed.sqlite'));
      const logged: string[] = [];
      const again = new FileSinks({ db: crashed, pipeline, tickMs: 50, log: (_level, message) => logged.push(message) });
      await again.start();
      await waitFor(() => again.status().done === 1, 20_000, 'the pending file resolved after the crash');
      // The same bytes would give the same ETag, so the proof of "no second upload" is the HEAD hit itself.
      expect(logged.filter((m) => m.includes('was already written'))).toHaveLength(1);
      await again.stop();
      const after = await admin.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: PREFIX }));
      const same = after.Contents?.filter((o) => o.Key?.includes(tag)) ?? [];
      expect(same).toHaveLength(1);
      // Unchanged: same ETag and modification time as the first upload.
      expect(same[0]?.ETag).toBe(object?.ETag);
      expect(same[0]?.LastModified?.getTime()).toBe(object?.LastModified?.getTime());
      expect(
        crashed.prepare<[string], { etag: string }>('SELECT etag FROM pipeline_files WHERE pipeline_id = ?').get(pipeline.id)?.etag,
      ).toBe(object?.ETag);
      const keys = await downloadAll(admin, PREFIX, tag, join(dir.path, 'download'));
      expect(keys).toHaveLength(1);
      expect(compareExactlyOnce(source, (await readIssParquet(join(dir.path, 'download'))).rows)).toEqual({
        missing: 0,
        duplicates: 0,
        unexpected: 0,
        wrong: [],
      });
      db.close();
      crashed.close();
    } finally {
      dir.remove();
    }
  });
});

describe('a file sink with saved S3 credentials', () => {
  it(
    'writes with the keys saved under Exports (the spec holds only their id), refuses keys in the spec and an unknown id',
    { timeout: 120_000 },
    async () => {
      const dir = tempDir('pipelines-files-saved');
      const engine = testEngine(dir.path);
      // The default chain now holds wrong keys: only the saved ones can write.
      const env = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
      process.env.AWS_ACCESS_KEY_ID = 'wrong-key-id';
      process.env.AWS_SECRET_ACCESS_KEY = 'wrong-secret';
      try {
        await createBucket({
          ...s1Target(),
          credentials: { mode: 'keys', accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
        });
        const topic = uniqueName('saved_creds_topic');
        await createTopic(bootstrap, topic, 1);
        const connectionId = data<Connection>(
          await engine.dispatch('connections:save', { name: 'suite', bootstrapServers: bootstrap.split(',') }),
        ).id;
        const saved = data<{ id: string }>(
          await engine.dispatch('exports:saveCredentials', {
            name: 's3proxy',
            accessKeyId: s3.accessKeyId,
            secretAccessKey: s3.secretAccessKey,
          }),
        );
        const prefix = `saved_creds_${shortId(saved.id)}/`;
        const withCredentials = (credentials: S3Target['credentials']): PipelineInput => {
          const input = s1Pipeline(connectionId, topic, 50, 50);
          return {
            ...input,
            sinks: [
              {
                kind: 'files',
                format: { kind: 'parquet', codec: 'zstd', timestampUnit: 'ms', rowGroupRows: 100_000 },
                target: { ...s1Target(), prefix, credentials },
                rolling: {},
              },
            ],
          };
        };

        const keys = await engine.dispatch(
          'pipelines:save',
          withCredentials({ mode: 'keys', accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }),
        );
        expect(keys).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
        expect(JSON.stringify(keys)).toMatch(/does not store S3 keys.*save the keys under Exports → S3 credentials/);
        expect(JSON.stringify(keys)).not.toContain(s3.secretAccessKey);
        const unknown = await engine.dispatch('pipelines:save', withCredentials({ mode: 'saved', id: 'no-such-id' }));
        expect(unknown).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
        expect(JSON.stringify(unknown)).toMatch(/saved S3 credentials no longer exist/);

        const pipeline = data<Pipeline>(await engine.dispatch('pipelines:save', withCredentials({ mode: 'saved', id: saved.id })));
        const store = new Database(join(dir.path, 'workbench.sqlite'), { readonly: true });
        const specJson =
          store.prepare<[string], { spec_json: string }>('SELECT spec_json FROM pipelines WHERE id = ?').get(pipeline.id)?.spec_json ?? '';
        expect(JSON.parse(specJson)).toMatchObject({ sinks: [{ target: { credentials: { mode: 'saved', id: saved.id } } }] });
        expect(specJson).not.toContain(s3.secretAccessKey);
        expect(specJson).not.toContain(s3.accessKeyId);

        const records = issRecords(50_000, 400);
        await produceIss(bootstrap, topic, records);
        data(await engine.dispatch('pipelines:start', { id: pipeline.id }));
        await waitFor(
          () => {
            const f = figures(store, pipeline.id);
            return f.consumed === records.length && f.waiting === 0 && f.done > 0;
          },
          90_000,
          'every record consumed and written with the saved keys',
        );
        const status = data<PipelineStatus>(await engine.dispatch('pipelines:status', { id: pipeline.id }));
        expect(status.files?.lastError ?? null).toBeNull();
        await engine.dispatch('pipelines:stop', { id: pipeline.id });
        store.close();

        const keysWritten = await downloadAll(admin, prefix, `part-${shortId(pipeline.id)}-`, join(dir.path, 'download'));
        expect(keysWritten.length).toBeGreaterThan(0);
        expect(compareExactlyOnce(records, (await readIssParquet(join(dir.path, 'download'))).rows)).toEqual({
          missing: 0,
          duplicates: 0,
          unexpected: 0,
          wrong: [],
        });
        console.log(
          `[files saved credentials] ${records.length} records → ${keysWritten.length} files under ${prefix} with saved keys (default chain held wrong keys)`,
        );
      } finally {
        process.env.AWS_ACCESS_KEY_ID = env.id;
        process.env.AWS_SECRET_ACCESS_KEY = env.secret;
        await engine.dispose();
        dir.remove();
      }
    },
  );
});

describe('a file sink that cannot write is a visible, self-healing stall', () => {
  /** The last status the engine pushed for `id` (every second while it runs). */
  function latestStatus(engine: ReturnType<typeof testEngine>, id: string): () => PipelineStatus | null {
    let latest: PipelineStatus | null = null;
    engine.events.on('pipelines:status', (s) => {
      if (s.pipelineId === id) latest = s;
    });
    return () => latest;
  }

  it(
    'with the default chain and no credentials: stalled within seconds saying it found no AWS credentials, no rows written, offsets held',
    { timeout: 120_000 },
    async () => {
      const dir = tempDir('pipelines-files-nocreds');
      const engine = testEngine(dir.path);
      const env = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
      // The default chain finds nothing: no keys in the environment (and no ~/.aws on the test machines).
      delete process.env.AWS_ACCESS_KEY_ID;
      delete process.env.AWS_SECRET_ACCESS_KEY;
      try {
        await createBucket({
          ...s1Target(),
          credentials: { mode: 'keys', accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
        });
        const topic = uniqueName('nocreds_topic');
        await createTopic(bootstrap, topic, 1);
        const connectionId = data<Connection>(
          await engine.dispatch('connections:save', { name: 'suite', bootstrapServers: bootstrap.split(',') }),
        ).id;
        const pipeline = data<Pipeline>(await engine.dispatch('pipelines:save', s1Pipeline(connectionId, topic, 20, 100)));
        const latest = latestStatus(engine, pipeline.id);
        const records = issRecords(70_000, 1000);
        await produceIss(bootstrap, topic, records);
        const store = new Database(join(dir.path, 'workbench.sqlite'), { readonly: true });
        const attempts = () =>
          store
            .prepare<[string], { n: number | null }>('SELECT MAX(attempts) AS n FROM pipeline_files WHERE pipeline_id = ?')
            .get(pipeline.id)?.n ?? 0;

        const started = Date.now();
        data(await engine.dispatch('pipelines:start', { id: pipeline.id }));
        await waitFor(() => latest()?.stalledSince != null, 20_000, 'the pipeline shown stalled');
        const saidMs = Date.now() - started;
        const stalled = data<PipelineStatus>(await engine.dispatch('pipelines:status', { id: pipeline.id }));
        expect(shownState(stalled)).toBe('stalled');
        expect(stalled.error).toMatch(
          /Files cannot be written \(since \d\d:\d\d:\d\d UTC\): Found no AWS credentials in the default chain .*nothing was sent to http:\/\/127\.0\.0\.1:\d+: choose saved credentials/,
        );
        expect(stalled.error).toMatch(/\d+ files? \(\d+ rows\) waiting; no new batch until they are written, retrying/);
        expect(stalled.error).not.toMatch(/refused/);
        expect(stalled.files).toMatchObject({ done: 0, rowsWritten: 0 });
        expect(stalled.files?.rowsWaiting).toBeGreaterThan(0);

        // Retried (with back-off) without running batches: the checkpoint's offsets stay where the waiting rows end.
        const held = figures(store, pipeline.id).consumed;
        const waitingRows = stalled.files?.rowsWaiting ?? 0;
        await waitFor(() => attempts() >= 3, 30_000, 'three failed attempts');
        const later = data<PipelineStatus>(await engine.dispatch('pipelines:status', { id: pipeline.id }));
        expect(figures(store, pipeline.id).consumed).toBe(held);
        expect(held).toBeLessThan(records.length);
        expect(later.files).toMatchObject({ done: 0, rowsWritten: 0, rowsWaiting: waitingRows });
        await engine.dispatch('pipelines:stop', { id: pipeline.id });
        store.close();
        console.log(
          `[files no credentials] stalled shown after ${saidMs} ms; offsets held at ${held} of ${records.length}, ${waitingRows} rows waiting: ${String(stalled.error)}`,
        );
      } finally {
        process.env.AWS_ACCESS_KEY_ID = env.id;
        process.env.AWS_SECRET_ACCESS_KEY = env.secret;
        await engine.dispose();
        dir.remove();
      }
    },
  );

  it(
    'with saved credentials, the S3 server killed mid-run: stalled with the reason, then recovers by itself, every record once',
    { timeout: 240_000 },
    async () => {
      const dir = tempDir('pipelines-files-s3-outage');
      const engine = testEngine(dir.path);
      try {
        await createBucket({
          ...s1Target(),
          credentials: { mode: 'keys', accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
        });
        const topic = uniqueName('outage_topic');
        await createTopic(bootstrap, topic, 2);
        const connectionId = data<Connection>(
          await engine.dispatch('connections:save', { name: 'suite', bootstrapServers: bootstrap.split(',') }),
        ).id;
        const saved = data<{ id: string }>(
          await engine.dispatch('exports:saveCredentials', {
            name: 's3proxy-outage',
            accessKeyId: s3.accessKeyId,
            secretAccessKey: s3.secretAccessKey,
          }),
        );
        const prefix = `outage_${shortId(saved.id)}/`;
        const input = s1Pipeline(connectionId, topic, 20, 100);
        const pipeline = data<Pipeline>(
          await engine.dispatch('pipelines:save', {
            ...input,
            sinks: [
              {
                kind: 'files',
                format: { kind: 'parquet', codec: 'snappy', timestampUnit: 'ms', rowGroupRows: 100_000 },
                target: { ...s1Target(), prefix, credentials: { mode: 'saved', id: saved.id } },
                rolling: {},
              },
            ],
          }),
        );
        const latest = latestStatus(engine, pipeline.id);
        const records = issRecords(80_000, 2000);
        await produceIss(bootstrap, topic, records);
        const store = new Database(join(dir.path, 'workbench.sqlite'), { readonly: true });

        data(await engine.dispatch('pipelines:start', { id: pipeline.id }));
        await waitFor(() => figures(store, pipeline.id).done >= 3, 60_000, 'three files written');
        await s3.kill();
        const killedAt = Date.now();
        await waitFor(() => latest()?.stalledSince != null, 30_000, 'the pipeline shown stalled');
        const stalledMs = Date.now() - killedAt;
        const during = data<PipelineStatus>(await engine.dispatch('pipelines:status', { id: pipeline.id }));
        expect(shownState(during)).toBe('stalled');
        expect(during.error).toMatch(
          new RegExp(
            `^Files cannot be written \\(since \\d\\d:\\d\\d:\\d\\d UTC\\): http://127\\.0\\.0\\.1:${s3.port} refused the connection \\(is the S3 server running\\?\\); no object was written\\. The pipeline retries it\\. \\d+ files? \\(\\d+ rows\\) waiting`,
          ),
        );
        const held = figures(store, pipeline.id).consumed;
        expect(held).toBeLessThan(records.length);

        await s3.restart();
        const restartedAt = Date.now();
        await waitFor(
          () => {
            const f = figures(store, pipeline.id);
            return f.consumed === records.length && f.waiting === 0 && latest()?.stalledSince === null;
          },
          120_000,
          'every record consumed and written after the S3 server came back',
        );
        const recoveredMs = Date.now() - restartedAt;
        const after = data<PipelineStatus>(await engine.dispatch('pipelines:status', { id: pipeline.id }));
        expect(shownState(after)).toBe('running');
        expect(after.error).toBeNull();
        expect(after.files).toMatchObject({ pending: 0, rowsWaiting: 0, rowsWritten: records.length, lastError: null });
        await engine.dispatch('pipelines:stop', { id: pipeline.id });
        store.close();

        const keys = await downloadAll(admin, prefix, `part-${shortId(pipeline.id)}-`, join(dir.path, 'download'));
        expect(keys.length).toBeGreaterThan(3);
        expect(compareExactlyOnce(records, (await readIssParquet(join(dir.path, 'download'))).rows)).toEqual({
          missing: 0,
          duplicates: 0,
          unexpected: 0,
          wrong: [],
        });
        console.log(
          `[files S3 outage] stalled shown ${stalledMs} ms after the kill (offsets held at ${held} of ${records.length}); recovered ${recoveredMs} ms after the restart; ${keys.length} files, ${records.length} rows once each`,
        );
      } finally {
        await engine.dispose();
        dir.remove();
      }
    },
  );
});
