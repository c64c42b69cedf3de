import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { WorkbenchError } from '../../../shared/errors.js';

// Checked downloads of pinned artefacts (the broker jars, the Java runtime): every byte is hashed
// while it streams and the file gets its final name only when size and SHA-256 are the pinned ones.

export interface Pinned {
  /** File name shown in messages. */
  name: string;
  size: number;
  sha256: string;
  /** Added to the message when the server answers 404 (where the URL came from). */
  notFoundHint?: string;
}

/** Streams a file through SHA-256. */
export async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

const ATTEMPTS = 3;
const sleep = (ms: number): Promise<void> => new Promise((resolvePromise) => setTimeout(resolvePromise, ms));

/**
 * Downloads `url` to a temporary name beside `file`, hashing while it streams, and renames it only
 * when size and SHA-256 are the pinned ones: a killed download or a tampered mirror never leaves a
 * file behind that would be used. Network errors are retried; a 404 or a wrong checksum is not.
 */
export async function downloadChecked(
  url: string,
  file: string,
  pinned: Pinned,
  onBytes: (n: number) => void = () => undefined,
): Promise<void> {
  const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.part`;
  let lastError: unknown;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    let counted = 0;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(600_000) });
      if (response.status === 404) {
        throw new WorkbenchError(
          'LOCAL_CLUSTER',
          `${url} does not exist (HTTP 404)${pinned.notFoundHint ? `; ${pinned.notFoundHint}` : ''}`,
        );
      }
      if (!response.ok || response.body === null) throw new Error(`HTTP ${response.status} from ${url}`);
      const hash = createHash('sha256');
      const tap = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          hash.update(chunk);
          counted += chunk.length;
          onBytes(chunk.length);
          callback(null, chunk);
        },
      });
      await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), tap, createWriteStream(temp));
      const actual = hash.digest('hex');
      if (counted !== pinned.size || actual !== pinned.sha256) {
        throw new WorkbenchError(
          'LOCAL_CLUSTER',
          `${url} is not the pinned ${pinned.name} (${counted} bytes, SHA-256 ${actual}; expected ${pinned.size} bytes, ${pinned.sha256}); refusing it`,
        );
      }
      await rename(temp, file);
      return;
    } catch (error) {
      await rm(temp, { force: true });
      onBytes(-counted);
      // A missing file or a wrong checksum will not change on retry; a network error may.
      if (error instanceof WorkbenchError) throw error;
      lastError = error;
      if (attempt < ATTEMPTS) await sleep(1_000 * attempt);
    }
  }
  const reason =
    lastError instanceof Error ? (lastError.cause instanceof Error ? lastError.cause.message : lastError.message) : String(lastError);
  throw new WorkbenchError('LOCAL_CLUSTER', `Could not download ${url}: ${reason}`);
}

/** Runs `work` over `items`, at most `limit` at a time. */
export async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
