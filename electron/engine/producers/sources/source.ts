/** What a source hands the runner on each call: records to send, and problems that are counted, never sent. */
export interface SourceBatch {
  records: unknown[];
  errors: string[];
  /** The source has nothing more (a file replay without loop). */
  done?: boolean;
  /** For a self-paced source: wait this long before the next call. */
  waitMs?: number;
}

/**
 * The text a record stands for when the String serializer sends it (a CSV row's cell or line).
 * A symbol key: JSON.stringify, object spreads of the fields and JSON paths never see it.
 */
const RECORD_TEXT = Symbol('record text');

/** Gives `record` the text the String serializer sends for it; the JSON serializer still sends its fields. */
export function withText<T extends object>(record: T, text: string): T {
  Object.defineProperty(record, RECORD_TEXT, { value: text, enumerable: false });
  return record;
}

export function textOf(record: unknown): string | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const text = (record as { [RECORD_TEXT]?: unknown })[RECORD_TEXT];
  return typeof text === 'string' ? text : undefined;
}

/** A producer's source. `next` is called once per run of the schedule (perRun times per trigger). */
export interface Source {
  next(): Promise<SourceBatch>;
  /** True when the source decides its own pacing (file replay by timestamp or as fast as possible). */
  readonly selfPaced: boolean;
  /**
   * A replayable source (a file) goes on after the first `delivered` records instead of from its
   * start: the engine resumes a producer that was running when it stopped with the count its
   * session had acknowledged.
   */
  resumeAfter?(delivered: number): void;
  dispose?(): void;
}

/** A small seedable PRNG (mulberry32) so tests can pin generated data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
