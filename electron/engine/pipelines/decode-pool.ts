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

interface Pending {
  resolve: (chunk: DecodedChunk) => void;
  reject: (error: Error) => void;
}

class DecodeWorker {
  readonly worker: Worker;
  readonly pending = new Map<number, Pending>();
  dead = false;

  constructor(spec: DecodeSpec, onGone: (worker: DecodeWorker) => void) {
    const entry = workerEntry();
    this.worker = new Worker(entry.url, { workerData: spec, ...(entry.execArgv ? { execArgv: entry.execArgv } : {}) });
    this.worker.on('message', (message: { id: number; chunk: DecodedChunk }) => {
      const pending = this.pending.get(message.id);
      this.pending.delete(message.id);
      pending?.resolve(message.chunk);
    });
    const gone = (error: Error) => {
      if (this.dead) return;
      this.dead = true;
      onGone(this);
      for (const pending of this.pending.values()) pending.reject(error);
      this.pending.clear();
    };
    this.worker.on('error', (error) => gone(new Error(`The decode worker failed: ${error.message}`)));
    this.worker.on('exit', (code) => gone(new Error(`The decode worker stopped (exit code ${code}) before it decoded the batch`)));
  }
}

/** Worker threads beside the main thread, which keeps fetching, aggregating and committing. */
export function defaultPoolSize(): number {
  return Math.max(1, availableParallelism() - 1);
}

/**
 * Worker threads that decode and project a micro-batch's records (`ChunkDecoder`), so the main
 * thread reads the next fetch off its socket meanwhile. A chunk goes to one worker; a worker that
 * dies (an error, `terminate()`) rejects its chunks — the batch fails and is retried from the
 * checkpoint — and is replaced at the next chunk.
 */
export class DecodePool {
  private readonly spec: DecodeSpec;
  readonly size: number;
  private readonly workers: (DecodeWorker | undefined)[] = [];
  private next = 0;
  private seq = 0;

  /** Called once a chunk is posted (tests: a worker terminated while it holds a chunk). */
  private readonly onPosted: ((worker: Worker) => void) | undefined;

  constructor(spec: DecodeSpec, options: { size?: number; onPosted?: (worker: Worker) => void } = {}) {
    this.spec = spec;
    this.size = options.size ?? defaultPoolSize();
    this.onPosted = options.onPosted;
  }

  /** Decodes one chunk on the next worker (round robin); the buffers of `packed` are transferred. */
  decode(packed: PackedValues): Promise<DecodedChunk> {
    const slot = this.next++ % this.size;
    let worker = this.workers[slot];
    if (!worker || worker.dead) {
      worker = new DecodeWorker(this.spec, (gone) => {
        if (this.workers[slot] === gone) this.workers[slot] = undefined;
      });
      this.workers[slot] = worker;
    }
    const id = this.seq++;
    const target = worker;
    return new Promise<DecodedChunk>((resolve, reject) => {
      target.pending.set(id, { resolve, reject });
      target.worker.postMessage({ id, packed }, [
        packed.bytes.buffer as ArrayBuffer,
        packed.offsets.buffer as ArrayBuffer,
        packed.nulls.buffer as ArrayBuffer,
      ]);
      this.onPosted?.(target.worker);
    });
  }

  /** The live workers (tests terminate one mid-batch). */
  threads(): Worker[] {
    return this.workers.flatMap((w) => (w && !w.dead ? [w.worker] : []));
  }

  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    await Promise.all(workers.flatMap((w) => (w && !w.dead ? [w.worker.terminate()] : [])));
  }
}
