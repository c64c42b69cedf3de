import type { Worker } from 'node:worker_threads';
import { WorkbenchError } from '../../../shared/errors.js';
import type { BadReason, BadRecord, PipelineSpec } from '../../../shared/pipelines.js';
import { compileFilter, isTooCostly, type RawRecord } from '../topics/filter.js';
import type { ConsumedRecord } from '../kafka/records.js';
import { chunkRows, packValues, rowColumns, type DecodedChunk, type DecodeSpec } from './decode-chunk.js';
import { registerSpec, sharedDecodePool, type DecodePool } from './decode-pool.js';
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
 * Inline unless `KWB_PIPELINE_DECODE_WORKERS=auto`. On the shared 2-core machine (load average
 * 17–24) the worker path lost: `npm run bench -- pipeline` 0.31× (0.22–0.36) of the Fetch loop
 * against 0.40× (0.30–0.47) inline, and 300,000 records through the engine ran at 35–73k msg/s
 * against 55–82k inline, run for run. Decoding a batch in a worker only overlaps the main thread's
 * reading of the next fetch; with no idle core that is all overhead. The variable lets a quieter
 * machine measure it; the default changes when a measurement shows a gain.
 */
export function defaultDecodeWorkers(): DecodeWorkers {
  return { mode: process.env.KWB_PIPELINE_DECODE_WORKERS === 'auto' ? 'auto' : 'never' };
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
  /** Only a projection-only pipeline writes rows to a table sink; an aggregating one needs no record ids. */
  private readonly keepsTableRows: boolean;
  private readonly workers: DecodeWorkers;
  /** This pipeline's spec as the decode pool knows it (null: never posted). */
  private registered: { pool: DecodePool; specId: number; spec: DecodeSpec } | null = null;
  private readonly columns: string[];
  /** The `registry` decoder's schemas (null for `json` / `string`). */
  private readonly registry: RegistryValueDecoder | null;
  /** `json` or `string`: how values are decoded when no registry decoder is set. */
  private readonly textDecoder: DecodeSpec['decoder'];

  constructor(spec: PipelineSpec, workers: DecodeWorkers = defaultDecodeWorkers(), registry: RegistryValueDecoder | null = null) {
    this.spec = spec;
    if (spec.decoder === 'registry' && registry === null) throw new WorkbenchError('VALIDATION', REGISTRY_NEEDED);
    this.registry = spec.decoder === 'registry' ? registry : null;
    this.textDecoder = spec.decoder === 'string' ? 'string' : 'json';
    // A filter reads keys, headers and timestamps and a word split makes many rows per record:
    // those stay on the main thread (the worker gets values only), as do registry values (their
    // schemas are fetched by this thread). A pipeline whose batches never reach the threshold starts no workers.
    const small = workers.mode === 'auto' && 'maxRecordsPerBatch' in spec && Number(spec.maxRecordsPerBatch) < WORKER_THRESHOLD;
    this.workers = spec.filter || spec.wordSplit || small || spec.decoder === 'registry' ? { mode: 'never' } : workers;
    this.columns = rowColumns(spec);
    this.project = compileProjection(spec.projection);
    this.keepsTableRows = !spec.aggregation;
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
    const { mode } = this.workers;
    if (mode === 'never' || records === 0 || (mode === 'auto' && records < WORKER_THRESHOLD))
      return parts.map((part) => this.process(part.topic, part.partition, part.messages));
    if ((this.workers.pool ?? sharedDecodePool()).unavailable !== null)
      return parts.map((part) => this.process(part.topic, part.partition, part.messages));
    const registered = (this.registered ??= {
      pool: this.workers.pool ?? sharedDecodePool(),
      ...registerSpec({ decoder: this.textDecoder, projection: this.spec.projection }),
    });
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
        chunks.forEach((chunk, s) => this.collect(part, s * most, chunk, out));
        return out;
      }),
    );
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
    registered?.pool.forget(registered.specId);
  }

  /** A worker's chunk (records `from`… of the part) into the part's output, as `process` builds it. */
  private collect(part: PartRecords, from: number, chunk: DecodedChunk, out: ProcessedBatch): void {
    const { topic, partition, messages } = part;
    const rows = chunkRows(chunk, this.columns);
    let r = 0;
    let b = 0;
    for (let i = 0; i < chunk.ok.length; i++) {
      const message = messages[from + i];
      if (!message) continue;
      if (chunk.ok[i] === 1) {
        const row = rows[r++];
        out.rows.push(row);
        if (this.keepsTableRows) out.tableRows.push({ id: `${topic}/${partition}/${message.offset}`, row });
        continue;
      }
      const bad = chunk.bad[b];
      if (bad?.index !== i) continue;
      b++;
      out.bad.push({ topic, partition, offset: String(message.offset), reason: bad.reason, error: bad.error, message });
    }
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

/** The filter's view of a record: the same fields (the gate is shared with the topic browser). */
function toRaw(partition: number, record: ConsumedRecord): RawRecord {
  return { partition, offset: record.offset, timestamp: record.timestamp, key: record.key, value: record.value, headers: record.headers };
}
