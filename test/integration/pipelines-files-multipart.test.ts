import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Target } from '../../shared/exports.js';
import { fileSinkSchema } from '../../shared/pipelines.js';
import { PendingAborts } from '../../electron/engine/exports/targets/pending-aborts.js';
import { createBucket } from '../../electron/engine/exports/targets/s3-bucket.js';
import { writeS3 } from '../../electron/engine/pipelines/file-sink-writer.js';
import { KeyFileSecretBox } from '../../electron/engine/secrets/key-file-secret-box.js';
import { openDatabase, type Db } from '../../electron/engine/store/db.js';
import { startS3Server, type S3Server } from '../s3-server.js';
import { tempDir } from '../helpers.js';
import { duckdb } from './exports-readers.js';
import { s3Admin } from './pipelines-files-helpers.js';

// A pipeline file above the single-PUT limit (16 MiB) goes up through the exports' S3 writer:
// multipart, tracked by the same PendingAborts, nothing left behind once it completes.
const ROWS = 400_000;
let s3: S3Server;
let admin: S3Client;
let dir: ReturnType<typeof tempDir>;
let db: Db;

beforeAll(async () => {
  s3 = await startS3Server([48_000, 48_500]);
  admin = s3Admin(s3);
  dir = tempDir('file-sink-multipart');
  db = openDatabase(join(dir.path, 'workbench.sqlite'));
}, 120_000);

afterAll(async () => {
  db?.close();
  admin?.destroy();
  await s3?.stop();
  dir?.remove();
});

describe('pipeline file sink, multipart upload to S3', () => {
  it('writes a file above 16 MiB whole, readable by DuckDB, and leaves no upload or tracked abort', async () => {
    const target: S3Target = {
      kind: 's3',
      bucket: 'multipart-sink',
      prefix: 'csv/',
      region: s3.region,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { mode: 'keys', accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    };
    await createBucket(target);
    const spec = fileSinkSchema.parse({ kind: 'files', format: { kind: 'csv' }, target: { kind: 'local', folder: dir.path } });
    // The tracker is the exports' one; the upload must have been told to it (started, then settled).
    const told: string[] = [];
    class WatchedAborts extends PendingAborts {
      override trackerFor(t: S3Target, k: string, jobId: string | null) {
        const tracker = super.trackerFor(t, k, jobId);
        return {
          ...tracker,
          started: (id: string) => (told.push(`started ${id}`), tracker.started(id)),
          settled: (id: string) => (told.push(`settled ${id}`), tracker.settled(id)),
        };
      }
    }
    const aborts = new WatchedAborts(db, new KeyFileSecretBox(join(dir.path, 'secret.key')), () => undefined);
    const filler = 'x'.repeat(40);
    const columns = [
      { name: 'i', type: 'int64' as const, nullable: false },
      { name: 's', type: 'string' as const, nullable: false },
    ];
    function* pages() {
      for (let from = 0; from < ROWS; from += 10_000) {
        yield Array.from({ length: 10_000 }, (_, k) => ({ i: from + k, s: `${filler}${from + k}` }));
      }
    }
    const key = 'csv/part-0.csv';
    const written = await writeS3(spec, target, key, columns, pages, aborts);
    expect(written.existed).toBe(false);
    expect(written.bytes).toBeGreaterThan(16 * 1024 * 1024);

    const file = join(dir.path, 'downloaded.csv');
    const object = await admin.send(new GetObjectCommand({ Bucket: target.bucket, Key: key }));
    await pipeline(object.Body as NodeJS.ReadableStream, createWriteStream(file));
    const [stats] = await duckdb(`SELECT count(*) AS n, count(DISTINCT i) AS d, max(i) AS top FROM read_csv('${file}', header = true)`);
    expect(stats).toEqual({ n: BigInt(ROWS), d: BigInt(ROWS), top: BigInt(ROWS - 1) });

    expect(told.map((t) => t.split(' ')[0])).toEqual(['started', 'settled']);
    const uploads = await admin.send(new ListMultipartUploadsCommand({ Bucket: target.bucket }));
    expect(uploads.Uploads ?? []).toEqual([]);
    const check = new Database(join(dir.path, 'workbench.sqlite'), { readonly: true });
    try {
      expect(check.prepare('SELECT count(*) AS n FROM s3_pending_aborts').get()).toEqual({ n: 0 });
    } finally {
      check.close();
    }
    await aborts.dispose();
  }, 180_000);
});
