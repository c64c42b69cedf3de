import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { S3Server } from '../s3-server.js';
import { duckdb, plain } from './exports-readers.js';
import { produceInput } from './pipelines-helpers.js';

export const BUCKET = 'streaming-bucket-1';
export const PREFIX = 'parquet_files/';
const EPOCH = 1_700_000_000;

/** An Open Notify record as the ISS poller produces it: latitude/longitude are strings, timestamp epoch seconds. */
export interface IssRecord {
  message: 'success';
  timestamp: number;
  iss_position: { latitude: string; longitude: string };
}

/** `count` records from `from`, one every 5 s, with positions along a made-up ground track (4 decimals, as the API gives). */
export function issRecords(from: number, count: number): IssRecord[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const latitude = (51.6 * Math.sin(i / 37)).toFixed(4);
    const longitude = (((((i * 1.37 + 180) % 360) + 360) % 360) - 180).toFixed(4);
    return { message: 'success', timestamp: EPOCH + i * 5, iss_position: { latitude, longitude } };
  });
}

export async function produceIss(bootstrap: string, topic: string, records: IssRecord[]): Promise<void> {
  await produceInput(
    bootstrap,
    records.map((r) => ({ topic, value: JSON.stringify(r) })),
    500,
  );
}

export function s3Admin(s3: S3Server): S3Client {
  return new S3Client({
    region: s3.region,
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** Downloads every object under `prefix` whose name contains `tag` into `folder`; returns the keys. */
export async function downloadAll(client: S3Client, prefix: string, tag: string, folder: string): Promise<string[]> {
  mkdirSync(folder, { recursive: true });
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key?.includes(tag)) keys.push(o.Key);
    token = page.NextContinuationToken;
  } while (token);
  for (const key of keys) {
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    writeFileSync(join(folder, key.slice(prefix.length)), await (got.Body?.transformToByteArray() ?? Promise.resolve(new Uint8Array())));
  }
  return keys.sort();
}

export interface IssRow {
  timestamp: string | null;
  latitude: string | null;
  longitude: string | null;
}

/** Every row of every Parquet file in `folder`, read by DuckDB (an independent reader); timestamps as epoch ms. */
export async function readIssParquet(folder: string): Promise<{ rows: IssRow[]; types: Record<string, string> }> {
  const files = readdirSync(folder).filter((f) => f.endsWith('.parquet') && !f.startsWith('.'));
  if (files.length === 0) return { rows: [], types: {} };
  const glob = `'${join(folder, '*.parquet').replaceAll("'", "''")}'`;
  const described = await duckdb(`DESCRIBE SELECT * FROM read_parquet(${glob})`);
  const types = Object.fromEntries(described.map((d) => [String(d.column_name), String(d.column_type)]));
  const rows = await duckdb(`SELECT epoch_ms("timestamp") AS ts, latitude, longitude FROM read_parquet(${glob})`);
  return { rows: rows.map((r) => ({ timestamp: plain(r.ts), latitude: plain(r.latitude), longitude: plain(r.longitude) })), types };
}

/**
 * Exactly once: every source record appears once (keyed by its unique timestamp), with latitude and
 * longitude equal to the doubles of the source strings and the timestamp equal to the epoch seconds.
 */
export function compareExactlyOnce(
  source: IssRecord[],
  rows: IssRow[],
): { missing: number; duplicates: number; unexpected: number; wrong: string[] } {
  const seen = new Map<string, number>();
  for (const r of rows) seen.set(r.timestamp ?? 'null', (seen.get(r.timestamp ?? 'null') ?? 0) + 1);
  const byTs = new Map(rows.map((r) => [r.timestamp, r]));
  let missing = 0;
  const wrong: string[] = [];
  for (const s of source) {
    const key = String(s.timestamp * 1000);
    const row = byTs.get(key);
    if (!row) {
      missing++;
      continue;
    }
    if (Number(row.latitude) !== Number(s.iss_position.latitude) || Number(row.longitude) !== Number(s.iss_position.longitude)) {
      wrong.push(`${key}: ${row.latitude},${row.longitude} vs ${s.iss_position.latitude},${s.iss_position.longitude}`);
    }
  }
  const expected = new Set(source.map((s) => String(s.timestamp * 1000)));
  const unexpected = [...seen.keys()].filter((k) => !expected.has(k)).length;
  return { missing, duplicates: rows.length - seen.size, unexpected, wrong: wrong.slice(0, 5) };
}
