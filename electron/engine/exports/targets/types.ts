import type { ByteSink } from '../writers/types.js';

/** One file or object being written: bytes go to `sink`; nothing is visible under the final name before `commit`. */
export interface PendingOutput {
  readonly sink: ByteSink;
  /** Where the result lives once committed (a path or an s3:// URL). */
  readonly location: string;
  commit(): Promise<void>;
  /** Removes everything written so far; safe to call after a failure, twice, or after commit failed. */
  abort(): Promise<void>;
  /** After abort: what could not be cleaned up yet and will be later (an S3 abort the endpoint did not answer), else null. */
  leftover?(): string | null;
}
