import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DecodedChunk, DecodeSpec, PackedValues } from './decode-chunk.js';

/** The worker's entry: the bundled `decode-worker.mjs` beside the app's main bundle, or the source under tsx/vitest. */
function workerEntry(): { url: URL; execArgv: string[] | undefined } {
  const bundled = new URL('./decode-worker.mjs', import.meta.url);
  if (existsSync(fileURLToPath(bundled))) return { url: bundled, execArgv: undefined };
  // From source the worker is TypeScript: it needs tsx's loader, which the parent may not have (vitest).
  const loaded = process.execArgv.some((arg) => arg.includes('tsx'));
  return { url: new URL('./decode-worker.ts', import.meta.url), execArgv: loaded ? undefined : [...process.execArgv, '--import', 'tsx'] };
}

/** A chunk for a worker: the spec travels with the first chunk of it each worker sees. */
export interface DecodeRequest {
  id: number;
  specId: number;
  spec?: DecodeSpec;
  packed: PackedValues;
  /** A chunk decoded ahead: who decodes it (CLAIM_*), on shared memory; whoever swaps CLAIM_FREE out first. */
  claim?: Int32Array;
}

/** A chunk decoded ahead (`decodeAhead`) is free, being decoded by the worker, or taken back by the main thread. */
export const CLAIM_FREE = 0;
export const CLAIM_WORKER = 1;
export const CLAIM_MAIN = 2;

interface Pending {
  resolve: (chunk: DecodedChunk | null) => void;
  reject: (error: Error) => void;
}

class DecodeWorker {
  readonly worker: Worker;
  readonly pending = new Map<number, Pending>();
  /** The specs this worker holds (by id). */
  readonly specs = new Set<number>();
  dead = false;
  /** True once the worker answered a chunk: a worker that dies before it ever answered could not start. */
  answered = false;

  constructor(onGone: (worker: DecodeWorker, error: Error) => void, url?: URL) {
    const entry = url ? { url, execArgv: undefined } : workerEntry();
    this.worker = new Worker(entry.url, entry.execArgv ? { execArgv: entry.execArgv } : {});
    // An idle worker does not keep the process alive; one holding a chunk does (ref in `post`).
    this.worker.unref();
    this.worker.on('message', (message: { id: number; chunk: DecodedChunk | null }) => {
      const pending = this.pending.get(message.id);
      this.pending.delete(message.id);
      this.answered = true;
      if (this.pending.size === 0) this.worker.unref();
      pending?.resolve(message.chunk);
    });
    const gone = (error: Error) => {
      if (this.dead) return;
      this.dead = true;
      onGone(this, error);
      for (const pending of this.pending.values()) pending.reject(error);
      this.pending.clear();
    };
    this.worker.on('error', (error) => gone(new Error(`The decode worker failed: ${error.message}`)));
    this.worker.on('exit', (code) => gone(new Error(`The decode worker stopped (exit code ${code}) before it decoded the batch`)));
  }

  post(request: DecodeRequest, pending: Pending): void {
    this.pending.set(request.id, pending);
    this.worker.ref();
    const { packed } = request;
    this.worker.postMessage(request, [
      packed.bytes.buffer as ArrayBuffer,
      packed.starts.buffer as ArrayBuffer,
      packed.ends.buffer as ArrayBuffer,
      packed.nulls.buffer as ArrayBuffer,
    ]);
  }
}

/** Worker threads beside the main thread, which keeps fetching, aggregating and committing. */
export function defaultPoolSize(): number {
  return Math.max(1, availableParallelism() - 1);
}

let nextSpecId = 0;

/** A pipeline's spec as the pool knows it: the id its chunks name, sent to each worker once. */
export function registerSpec(spec: DecodeSpec): { specId: number; spec: DecodeSpec } {
  return { specId: nextSpecId++, spec };
}

/**
 * Worker threads that decode and project micro-batches' records (`ChunkDecoder`), so the main
 * thread reads the next fetch off its socket meanwhile. One pool serves every pipeline of the
 * process (`sharedDecodePool`): a worker starts once (about a second when it loads TypeScript
 * through tsx), not per pipeline run. A chunk goes to one worker, round robin; a worker that dies
 * (an error, `terminate()`) rejects the chunks it holds — the batch fails and is retried from the
 * checkpoint — and is replaced at the next chunk.
 */
export class DecodePool {
  readonly size: number;
  private readonly workers: (DecodeWorker | undefined)[] = [];
  /** Called once a chunk is posted (tests: a worker terminated while it holds a chunk). */
  private readonly onPosted: ((worker: Worker) => void) | undefined;
  private next = 0;
  private seq = 0;
  /**
   * Why workers cannot run here (one died before it answered anything: its file could not be
   * loaded, say), or null. Batches are then decoded on the main thread, as small ones are.
   */
  unavailable: string | null = null;

  /** The worker's module (tests: one that cannot load); default: `workerEntry()`. */
  private readonly entry: URL | undefined;

  constructor(options: { size?: number; onPosted?: (worker: Worker) => void; entry?: URL } = {}) {
    this.size = options.size ?? defaultPoolSize();
    this.onPosted = options.onPosted;
    this.entry = options.entry;
  }

  /** Starts the workers that are not running (ahead of the first batch). */
  warm(): void {
    for (let slot = 0; slot < this.size; slot++) this.worker(slot);
  }

  /** Decodes one chunk with `spec` on the next worker; the buffers of `packed` are transferred. */
  async decode(registered: { specId: number; spec: DecodeSpec }, packed: PackedValues): Promise<DecodedChunk> {
    const chunk = await this.post(registered, packed);
    if (!chunk) throw new Error('The decode worker skipped a chunk nobody took back');
    return chunk;
  }

  /**
   * A chunk to decode before anyone waits for it: the worker decodes it when it gets to it, unless
   * the main thread took it back first (`takeBack`), so a main thread that would otherwise wait
   * decodes what the worker has not started, and neither core idles. Resolves null when taken back.
   */
  decodeAhead(registered: { specId: number; spec: DecodeSpec }, packed: PackedValues): AheadRequest {
    const claim = new Int32Array(new SharedArrayBuffer(4));
    const decoded = this.post(registered, packed, claim);
    return { decoded, takeBack: () => Atomics.compareExchange(claim, 0, CLAIM_FREE, CLAIM_MAIN) === CLAIM_FREE };
  }

  private post(registered: { specId: number; spec: DecodeSpec }, packed: PackedValues, claim?: Int32Array): Promise<DecodedChunk | null> {
    const target = this.worker(this.next++ % this.size);
    const { specId, spec } = registered;
    const request: DecodeRequest = {
      id: this.seq++,
      specId,
      packed,
      ...(claim ? { claim } : {}),
      ...(target.specs.has(specId) ? {} : { spec }),
    };
    target.specs.add(specId);
    return new Promise<DecodedChunk | null>((resolve, reject) => {
      target.post(request, { resolve, reject });
      this.onPosted?.(target.worker);
    });
  }

  /** The workers drop a spec no pipeline uses any more. */
  forget(specId: number): void {
    for (const w of this.workers) {
      if (!w || w.dead || !w.specs.delete(specId)) continue;
      w.worker.postMessage({ forget: specId });
    }
  }

  /** The live workers. */
  threads(): Worker[] {
    return this.workers.flatMap((w) => (w && !w.dead ? [w.worker] : []));
  }

  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    await Promise.all(workers.flatMap((w) => (w && !w.dead ? [w.worker.terminate()] : [])));
  }

  private worker(slot: number): DecodeWorker {
    const current = this.workers[slot];
    if (current && !current.dead) return current;
    const started = new DecodeWorker((gone, error) => {
      if (this.workers[slot] === gone) this.workers[slot] = undefined;
      if (!gone.answered && gone.pending.size > 0) this.unavailable = error.message;
    }, this.entry);
    this.workers[slot] = started;
    return started;
  }
}

/** A chunk posted by `decodeAhead`. */
export interface AheadRequest {
  /** The worker's rows; null when the main thread took the chunk back. Rejects when the worker died. */
  decoded: Promise<DecodedChunk | null>;
  /** True when the worker had not started the chunk: it will not, and the caller decodes it. */
  takeBack: () => boolean;
}

let shared: DecodePool | null = null;

/** The process's decode pool, sized to the cores (workers start on first use and idle unreferenced). */
export function sharedDecodePool(): DecodePool {
  return (shared ??= new DecodePool());
}
