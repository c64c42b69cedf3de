import type { Worker } from 'node:worker_threads';
import { WorkbenchError } from '../../../shared/errors.js';
import type { BadReason, BadRecord, PipelineSpec } from '../../../shared/pipelines.js';
import { compileFilter, isTooCostly, type RawRecord } from '../topics/filter.js';
import type { ConsumedRecord } from '../kafka/records.js';
import { ChunkDecoder, chunkColumns, chunkRows, packValues, type DecodedChunk, type DecodeSpec } from './decode-chunk.js';
import { sinkTableOf } from './database-output.js';
import { registerSpec, sharedDecodePool, type AheadRequest, type DecodePool } from './decode-pool.js';
import { countBelow } from './message-offsets.js';
import { partitionId } from './partition-queues.js';
import type { RegistryValueDecoder } from '../schema-registry/avro-resolver.js';
import { compileProjection, decode, splitWords, type Projection } from './projection.js';
import type { Row } from './row.js';

export interface ProcessedBatch {
  rows: Row[];
  /** Rows with their record id, for the table sink (projection-only pipelines). */
  tableRows: { id: string; row: Row }[];
  bad: (BadRecord & { message: ConsumedRecord })[];
}

/** The records of one partition in a micro-batch. */
export interface PartRecords {
  topic: string;
  partition: number;
  messages: readonly ConsumedRecord[];
}

/**
 * Where decode + projection run: `auto` in worker threads from `WORKER_THRESHOLD` records per
 * micro-batch, `always` / `never` (tests); `pool` defaults to the process's shared pool.
 */
export interface DecodeWorkers {
  mode: 'auto' | 'always' | 'never';
  pool?: DecodePool;
}

/**
 * Worker threads for a pipeline whose batches wait on a database (PostgreSQL, Cassandra): while the
 * main thread waits for batch N's transaction, the worker decodes the fetches of batch N + 1 as
 * they arrive (`decodeAhead`), and at the batch both threads decode what is left. Measured on the
 * idle 2-core machine, 5 runs each after a warm-up, the same session: `npm run bench --
 * postgres-sink` 70,215–74,605 rows/s against 54,783 inline (0.34–0.36× against 0.27× of `psql
 * \copy`, the worker sending S2 rows as COPY text); Cassandra 2,887 against 2,862 (its node is the
 * bound). Inline for the others: their batches never wait (SQLite commits on the main thread) —
 * `npm run bench -- pipeline` (sensor windows into SQLite), two pairs of runs: 0.42× (0.39–0.44)
 * and 0.41× (0.38–0.44) of the Fetch loop with workers against 0.38× (0.36–0.41) and 0.40×
 * (0.38–0.44) inline, within each other's spread, for ~50 MiB more RSS. `KWB_PIPELINE_DECODE_WORKERS`
 * (`auto` or `never`) overrides this for measurements.
 */
export function defaultDecodeWorkers(spec: Pick<PipelineSpec, 'sinks'>): DecodeWorkers {
  const forced = process.env.KWB_PIPELINE_DECODE_WORKERS;
  if (forced === 'auto' || forced === 'never') return { mode: forced };
  return { mode: spec.sinks.some((sink) => sink.kind === 'database') ? 'auto' : 'never' };
}

/**
 * A projection-only pipeline whose one sink is PostgreSQL: its decode workers encode the rows as
 * COPY text for that table (`DecodeSpec.copy`), since nothing else reads their values. Measured
 * (`npm run bench -- postgres-sink`): docs/ARCHITECTURE.md, "Path 2".
 */
function copyRowsOf(spec: PipelineSpec): DecodeSpec['copy'] {
  const [sink, ...others] = spec.sinks;
  if (spec.aggregation || spec.wordSplit || others.length > 0 || sink?.kind !== 'database' || sink.engine !== 'postgres') return undefined;
  try {
    const table = sinkTableOf(spec, sink);
    return { columns: table.columns, key: table.key };
  } catch {
    // No valid primary key: the runner's own sinkTableOf fails the pipeline at start and says why.
    return undefined;
  }
}

export const REGISTRY_NEEDED =
  'The Schema Registry decoder needs a schema registry URL on the pipeline’s connection (edit the connection in Settings)';

/**
 * Records per micro-batch from which decoding goes to the worker pool. Below it the hop (packing
 * the values, posting, rebuilding rows) costs more than it frees the main thread for (measured with
 * the bench's sensor records: docs/ARCHITECTURE.md, "Path 2").
 */
export const WORKER_THRESHOLD = 2000;

/**
 * Kafka records → rows: decode, filter (the topic browser's CEL gate, one gate for every path),
 * project or split into words. A bad record is returned with its reason; it never throws.
 */
export class RecordProcessor {
  private readonly spec: PipelineSpec;
  private readonly filter: ((partition: number, message: ConsumedRecord) => boolean) | null;
  private readonly project: Projection;
  /** Only a projection-only pipeline with a table sink writes rows by record id; other sinks take `rows`. */
  private readonly keepsTableRows: boolean;
  private readonly workers: DecodeWorkers;
  /** This pipeline's spec as the decode pool knows it (null: never posted). */
  private registered: { pool: DecodePool; specId: number; spec: DecodeSpec } | null = null;
  /** What the decode workers are told (their rows' columns, COPY text or not). */
  private readonly decodeSpec: DecodeSpec;
  /** The row keys a worker's chunk holds (`chunkColumns`). */
  private readonly columns: readonly string[];
  /** The `registry` decoder's schemas (null for `json` / `string`). */
  private readonly registry: RegistryValueDecoder | null;
  /** `json` or `string`: how values are decoded when no registry decoder is set. */
  private readonly textDecoder: DecodeSpec['decoder'];
  /** Chunks handed to `decodeAhead`, per partition (`topic:partition`), in offset order. */
  private readonly ahead = new Map<string, AheadChunk[]>();
  /** Chunks posted so far (a chunk's place in the worker's queue). */
  private posted = 0;
  /** This thread's decoder of a PostgreSQL-only pipeline's chunks (`decodeInline`). */
  private copyDecoder: ChunkDecoder | null = null;

  constructor(spec: PipelineSpec, workers: DecodeWorkers = defaultDecodeWorkers(spec), registry: RegistryValueDecoder | null = null) {
    this.spec = spec;
    if (spec.decoder === 'registry' && registry === null) throw new WorkbenchError('VALIDATION', REGISTRY_NEEDED);
    this.registry = spec.decoder === 'registry' ? registry : null;
    this.textDecoder = spec.decoder === 'string' ? 'string' : 'json';
    // A filter reads keys, headers and timestamps and a word split makes many rows per record:
    // those stay on the main thread (the worker gets values only), as do registry values (their
    // schemas are fetched by this thread). A pipeline whose batches never reach the threshold starts no workers.
    const small = workers.mode === 'auto' && 'maxRecordsPerBatch' in spec && Number(spec.maxRecordsPerBatch) < WORKER_THRESHOLD;
    this.workers = spec.filter || spec.wordSplit || small || spec.decoder === 'registry' ? { mode: 'never' } : workers;
    const copy = copyRowsOf(spec);
    this.decodeSpec = { decoder: this.textDecoder, projection: spec.projection, ...(copy ? { copy } : {}) };
    this.columns = chunkColumns(this.decodeSpec);
    this.project = compileProjection(spec.projection);
    this.keepsTableRows = !spec.aggregation && spec.sinks.some((sink) => sink.kind === 'sqlite-table');
    const predicate = spec.filter ? compileFilter(spec.filter) : null;
    this.filter = predicate ? (partition, message) => predicate(toRaw(partition, message)) : null;
  }

  /**
   * A micro-batch's parts, in order. In worker threads when the batch is large enough: the same
   * decode and projection, so the rows, bad records and their order are those of `process`.
   */
  async processParts(parts: readonly PartRecords[]): Promise<ProcessedBatch[]> {
    const records = parts.reduce((n, part) => n + part.messages.length, 0);
    // The schemas of the batch's ids first (a registry that cannot be reached fails the batch, to be retried).
    if (this.registry) await this.registry.prepare(parts.flatMap((part) => part.messages.map((m) => m.value)));
    if (this.workers.mode !== 'never' && parts.some((part) => this.chunksOf(part).length > 0)) {
      this.shareAhead(parts);
      return Promise.all(parts.map((part) => this.fromAhead(part)));
    }
    const { mode } = this.workers;
    if (mode === 'never' || records === 0 || (mode === 'auto' && records < WORKER_THRESHOLD))
      return parts.map((part) => this.process(part.topic, part.partition, part.messages));
    if ((this.workers.pool ?? sharedDecodePool()).unavailable !== null)
      return parts.map((part) => this.process(part.topic, part.partition, part.messages));
    const registered = this.register(this.workers.pool ?? sharedDecodePool());
    const { pool } = registered;
    // Slices of at most records / workers each, so every worker gets a share.
    const most = Math.max(1, Math.ceil(records / pool.size));
    return Promise.all(
      parts.map(async (part) => {
        const slices: Promise<DecodedChunk>[] = [];
        for (let at = 0; at < part.messages.length; at += most)
          slices.push(pool.decode(registered, packValues(part.messages.slice(at, at + most))));
        const chunks = await Promise.all(slices);
        const out: ProcessedBatch = { rows: [], tableRows: [], bad: [] };
        chunks.forEach((chunk, s) =>
          DecodedRecords.fromChunk(chunk, this.columns).collect(part, s * most, 0, chunk.ok.length, this.keepsTableRows, out),
        );
        return out;
      }),
    );
  }

  /**
   * Records just fetched go to the decode workers at once (only when this pipeline uses them), so
   * that they are decoded while the main thread is waiting for the batch before them to be
   * committed (a database's transaction): `processParts` then takes their rows from here.
   * Pure work: records a rewind drops are never asked for, and the WeakMap lets them go.
   */
  decodeAhead(fetched: readonly PartRecords[]): void {
    if (this.workers.mode === 'never') return;
    const pool = this.workers.pool ?? sharedDecodePool();
    if (pool.unavailable !== null) return;
    for (const part of fetched) {
      const { messages } = part;
      const first = messages[0];
      if (!first || messages.length < AHEAD_CHUNK_RECORDS / 2) continue;
      const id = partitionId(part.topic, part.partition);
      let chunks = this.ahead.get(id) ?? [];
      const last = chunks.at(-1);
      if (last && last.lastOffset >= first.offset) {
        // Posted already; or the partition was read again from an earlier offset (a failed batch, a
        // new assignment): then its records are new objects, and the chunks ahead of them are stale.
        if (chunks.some((chunk) => chunk.indexOf(first) >= 0)) continue;
        chunks = [];
      }
      const registered = this.register(pool);
      for (let at = 0; at < messages.length; at += AHEAD_CHUNK_RECORDS) {
        const slice = messages.slice(at, at + AHEAD_CHUNK_RECORDS);
        chunks.push(new AheadChunk(part, slice, this.posted++, pool.decodeAhead(registered, packValues(slice))));
      }
      this.ahead.set(id, chunks);
    }
  }

  /** The chunks decoded ahead that hold records of `part`, those before it dropped (the batches took them). */
  private chunksOf(part: PartRecords): AheadChunk[] {
    const first = part.messages[0];
    const id = partitionId(part.topic, part.partition);
    const chunks = this.ahead.get(id);
    if (!first || !chunks) return [];
    const used = chunkReaching(chunks, 0, first.offset);
    if (used > 0) chunks.splice(0, used);
    if (chunks.length === 0) this.ahead.delete(id);
    const last = part.messages.at(-1)?.offset ?? first.offset;
    let end = 0;
    while (end < chunks.length && (chunks[end]?.firstOffset ?? Infinity) <= last) end++;
    return chunks.slice(0, end);
  }

  /**
   * Both threads decode the batch: the worker takes its chunks in the order they were posted, and
   * this thread takes back the last ones it has not started and decodes them here meanwhile, from
   * the end, until it meets one the worker has (the worker has all before it too).
   */
  private shareAhead(parts: readonly PartRecords[]): void {
    const chunks = parts.flatMap((part) => this.chunksOf(part)).sort((a, b) => b.seq - a.seq);
    for (const chunk of chunks) if (!chunk.decodeHere(this.decodeInline)) return;
  }

  /**
   * A chunk decoded on this thread: `process`; for a PostgreSQL-only pipeline, as its worker decodes
   * it (COPY lines and key values, `DecodeSpec.copy`).
   */
  private readonly decodeInline = (chunk: AheadChunk): DecodedRecords => {
    if (this.decodeSpec.copy) {
      this.copyDecoder ??= new ChunkDecoder(this.decodeSpec);
      return DecodedRecords.fromChunk(this.copyDecoder.decodeRecords(chunk.messages), this.columns);
    }
    return DecodedRecords.fromProcessed(chunk.messages, this.process(chunk.topic, chunk.partition, chunk.messages));
  };

  /** A part whose records were (partly) handed to `decodeAhead`: their rows from the chunks, the rest decoded here. */
  private async fromAhead(part: PartRecords): Promise<ProcessedBatch> {
    const { messages } = part;
    const chunks = this.chunksOf(part);
    const out: ProcessedBatch = { rows: [], tableRows: [], bad: [] };
    let i = 0;
    let c = 0;
    while (i < messages.length) {
      const message = messages[i];
      if (!message) break;
      // The chunks are in offset order, as are the part's records.
      c = chunkReaching(chunks, c, message.offset);
      const entry = chunks[c];
      const from = entry ? entry.indexOf(message) : -1;
      let end = i + 1;
      let decoded: DecodedRecords | null = null;
      if (entry && from >= 0) {
        while (end < messages.length && entry.messages[from + end - i] === messages[end]) end++;
        decoded = await entry.result(this.columns, this.decodeInline);
        decoded?.collect(part, i, from, end - i, this.keepsTableRows, out);
      } else {
        // Records no chunk holds (a fetch too small to be decoded ahead), up to the next one a chunk holds.
        for (; end < messages.length; end++) {
          const next = messages[end];
          if (!next) break;
          c = chunkReaching(chunks, c, next.offset);
          if ((chunks[c]?.indexOf(next) ?? -1) >= 0) break;
        }
      }
      if (!decoded) {
        const inline = this.process(part.topic, part.partition, messages.slice(i, end));
        out.rows.push(...inline.rows);
        out.tableRows.push(...inline.tableRows);
        out.bad.push(...inline.bad);
      }
      i = end;
    }
    return out;
  }

  private register(pool: DecodePool): { pool: DecodePool; specId: number; spec: DecodeSpec } {
    return (this.registered ??= { pool, ...registerSpec(this.decodeSpec) });
  }

  /** Starts the decode workers ahead of the first batch, if this pipeline may use them. */
  warm(): void {
    if (this.workers.mode !== 'never') (this.workers.pool ?? sharedDecodePool()).warm();
  }

  /** The decode pool's live workers (tests). */
  workerThreads(): Worker[] {
    return this.registered?.pool.threads() ?? [];
  }

  /** The pool forgets this pipeline's spec (its workers stay for the others). */
  close(): void {
    const registered = this.registered;
    this.registered = null;
    this.ahead.clear();
    registered?.pool.forget(registered.specId);
  }

  process(topic: string, partition: number, messages: readonly ConsumedRecord[]): ProcessedBatch {
    const out: ProcessedBatch = { rows: [], tableRows: [], bad: [] };
    const bad = (message: ConsumedRecord, reason: BadReason, error: string) =>
      out.bad.push({ topic, partition, offset: String(message.offset), reason, error, message });
    for (const message of messages) {
      if (this.filter) {
        try {
          if (!this.filter(partition, message)) continue;
        } catch (error) {
          bad(message, isTooCostly(error) ? 'filter-too-costly' : 'filter', error instanceof Error ? error.message : String(error));
          continue;
        }
      }
      const decoded = this.registry ? this.registry.decode(message.value) : decode(message.value, this.textDecoder);
      if (!decoded.ok) {
        bad(message, 'decode', decoded.error);
        continue;
      }
      if (this.spec.wordSplit) {
        // One by one: spreading a record of a million words into push() overflows the stack.
        for (const word of splitWords(
          typeof decoded.value === 'string' ? decoded.value : JSON.stringify(decoded.value),
          this.spec.wordSplit.separator,
        ))
          out.rows.push(word);
        continue;
      }
      const projected = this.project(decoded.value);
      if (!projected.ok) {
        bad(message, projected.reason, projected.error);
        continue;
      }
      out.rows.push(projected.row);
      if (this.keepsTableRows) out.tableRows.push({ id: `${topic}/${partition}/${message.offset}`, row: projected.row });
    }
    return out;
  }
}

/**
 * Records per chunk decoded ahead: small enough that the main thread, at the batch, takes back
 * what the worker has not started (and neither waits), large enough that posting costs little.
 */
const AHEAD_CHUNK_RECORDS = 512;

/** A fetch's records of a partition posted to a decode worker as they arrived (`decodeAhead`). */
class AheadChunk {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly ConsumedRecord[];
  /** Its place in the worker's queue (the worker takes chunks in this order). */
  readonly seq: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  private readonly request: AheadRequest;
  /** Whether the main thread took the chunk back (decided once, at the first batch that needs it). */
  private takenBack: boolean | undefined;
  private decoded: DecodedRecords | null = null;

  constructor(part: PartRecords, messages: readonly ConsumedRecord[], seq: number, request: AheadRequest) {
    this.topic = part.topic;
    this.partition = part.partition;
    this.messages = messages;
    this.seq = seq;
    this.firstOffset = messages[0]?.offset ?? 0;
    this.lastOffset = messages.at(-1)?.offset ?? -1;
    // A worker that died: the records are decoded at the batch, here.
    this.request = { ...request, decoded: request.decoded.catch(() => null) };
  }

  /** Takes the chunk back and decodes it here if the worker has not started it; false when the worker has it. */
  decodeHere(inline: (chunk: AheadChunk) => DecodedRecords): boolean {
    this.takenBack ??= this.request.takeBack();
    if (this.takenBack) this.decoded ??= inline(this);
    return this.takenBack;
  }

  /** The chunk's rows, from the worker or decoded here; null when the worker failed (the caller decodes them). */
  async result(columns: readonly string[], inline: (chunk: AheadChunk) => DecodedRecords): Promise<DecodedRecords | null> {
    if (this.decodeHere(inline)) return this.decoded;
    const chunk = await this.request.decoded;
    if (chunk) this.decoded ??= DecodedRecords.fromChunk(chunk, columns);
    return this.decoded;
  }

  /** A record's place in the chunk, or -1 (records are in offset order; another object at that offset was read again). */
  indexOf(message: ConsumedRecord): number {
    const at = countBelow(this.messages, BigInt(message.offset));
    return this.messages[at] === message ? at : -1;
  }
}

/** The first of `chunks` from index `at` on whose records reach `offset` (the chunks are in offset order). */
function chunkReaching(chunks: readonly AheadChunk[], at: number, offset: number): number {
  let c = at;
  while (c < chunks.length && (chunks[c]?.lastOffset ?? Infinity) < offset) c++;
  return c;
}

/** A chunk's records decoded: per record, its row or why it is bad. */
class DecodedRecords {
  private readonly rows: Row[];
  /** Per record of the chunk: its row's index in `rows`, or -1 (a bad record). */
  private readonly rowAt: Int32Array;
  private readonly badAt: Map<number, { reason: BadReason; error: string }>;

  private constructor(rows: Row[], rowAt: Int32Array, badAt: Map<number, { reason: BadReason; error: string }>) {
    this.rows = rows;
    this.rowAt = rowAt;
    this.badAt = badAt;
  }

  /** A worker's chunk, its rows rebuilt. */
  static fromChunk(chunk: DecodedChunk, columns: readonly string[]): DecodedRecords {
    const rowAt = new Int32Array(chunk.ok.length);
    let r = 0;
    for (let k = 0; k < chunk.ok.length; k++) rowAt[k] = chunk.ok[k] === 1 ? r++ : -1;
    return new DecodedRecords(chunkRows(chunk, columns), rowAt, new Map(chunk.bad.map((bad) => [bad.index, bad])));
  }

  /** `process` of the chunk's records on this thread (no filter, no word split: each record is a row or bad). */
  static fromProcessed(messages: readonly ConsumedRecord[], processed: ProcessedBatch): DecodedRecords {
    const rowAt = new Int32Array(messages.length);
    const badAt = new Map<number, { reason: BadReason; error: string }>();
    let r = 0;
    let b = 0;
    for (let k = 0; k < messages.length; k++) {
      const bad = processed.bad[b];
      if (bad && bad.message === messages[k]) {
        badAt.set(k, bad);
        rowAt[k] = -1;
        b++;
      } else rowAt[k] = r++;
    }
    return new DecodedRecords(processed.rows, rowAt, badAt);
  }

  /** Records `from`…`from + n` of the chunk, which are records `at`… of `part`, into `out` as `process` builds them. */
  collect(part: PartRecords, at: number, from: number, n: number, keepsTableRows: boolean, out: ProcessedBatch): void {
    const { topic, partition } = part;
    for (let k = 0; k < n; k++) {
      const message = part.messages[at + k];
      if (!message) continue;
      const r = this.rowAt[from + k] ?? -1;
      const row = r >= 0 ? this.rows[r] : undefined;
      if (row) {
        out.rows.push(row);
        if (keepsTableRows) out.tableRows.push({ id: `${topic}/${partition}/${message.offset}`, row });
        continue;
      }
      const bad = this.badAt.get(from + k);
      if (bad) out.bad.push({ topic, partition, offset: String(message.offset), reason: bad.reason, error: bad.error, message });
    }
  }
}

/** The filter's view of a record: the same fields (the gate is shared with the topic browser). */
function toRaw(partition: number, record: ConsumedRecord): RawRecord {
  return { partition, offset: record.offset, timestamp: record.timestamp, key: record.key, value: record.value, headers: record.headers };
}
