import { afterEach, describe, expect, it } from 'vitest';
import { pipelineSchema, type Pipeline } from '../../../shared/pipelines.js';
import type { ConsumedRecord } from '../kafka/records.js';
import { AggregationOperator } from './aggregation.js';
import { packValues } from './decode-chunk.js';
import { copyChunks } from '../sinks/postgres/copy-text.js';
import { sinkTableOf } from './database-output.js';
import { DecodePool, registerSpec } from './decode-pool.js';
import { RecordProcessor, type PartRecords } from './record-processor.js';

// The worker path (decode + projection in worker threads, DecodePool) against the inline path on
// the same records: the same rows (values and key order), the same bad records in the same order,
// and so the same aggregation, watermarks, late rows and emitted results batch by batch.

const MIN = 60_000;
const BASE = Date.UTC(2024, 4, 1, 12, 0, 0);

function pipeline(overrides: Record<string, unknown> = {}): Pipeline {
  return pipelineSchema.parse({
    id: 'p-workers',
    name: 'workers',
    connectionId: 'c',
    topics: ['in'],
    groupId: 'g',
    projection: [
      { column: 'ts', path: 'ts', type: 'timestamp', timestampFormat: 'iso' },
      { column: 'sensor', path: 'sensor', type: 'string' },
      { column: 'v', path: 'v', type: 'double' },
      { column: 'n', path: 'n', type: 'int', required: false },
      { column: 'ok', path: 'ok', type: 'boolean', required: false },
      { column: 'domain', path: 'email', type: 'string', derive: { kind: 'email-domain', from: 'email' } },
      { column: 'email', path: 'email', type: 'string', required: false },
    ],
    // Hopping windows: a record falls in two windows.
    aggregation: {
      groupBy: ['sensor'],
      window: { column: 'ts', durationMs: 10 * MIN, slideMs: 5 * MIN },
      watermarkDelayMs: 5 * MIN,
      aggregates: [
        { fn: 'count', as: 'rows' },
        { fn: 'sum', column: 'v', as: 'sum_v' },
        { fn: 'avg', column: 'v', as: 'avg_v' },
        { fn: 'min', column: 'v', as: 'min_v' },
        { fn: 'max', column: 'n', as: 'max_n' },
        { fn: 'count', column: 'email', as: 'emails' },
      ],
    },
    outputMode: 'update',
    createdAt: 0,
    updatedAt: 0,
    ...overrides,
  });
}

/** Record `i` of a partition: mostly good readings moving forward in time, some late, some bad. */
function value(i: number, partition: number, batch: number): Buffer | null {
  const minute = batch * 20 + (i % 20);
  const reading = {
    // Every 13th reading is 40 minutes behind: late once the watermark passed its windows.
    ts: new Date(BASE + (i % 13 === 0 ? minute - 40 : minute) * MIN + partition * 1000).toISOString(),
    sensor: `s${(i + partition) % 4}`,
    v: ((i * 7919) % 1000) / 7 - 50,
    ...(i % 3 === 0 ? { n: i } : {}),
    ...(i % 5 === 0 ? { ok: i % 2 === 0 } : {}),
    ...(i % 4 === 0 ? { email: `user${i}@Example${i % 3}.org` } : {}),
  };
  switch (i % 41) {
    case 7:
      return Buffer.from('{"ts": "2024-05-01T12:00:00.000Z", truncated');
    case 11:
      return Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    case 17:
      return null;
    case 23:
      return Buffer.from(JSON.stringify({ ...reading, sensor: undefined }));
    case 29:
      return Buffer.from(JSON.stringify({ ...reading, v: 'warm' }));
    case 31:
      return Buffer.from(JSON.stringify({ ...reading, ts: 'yesterday' }));
    default:
      return Buffer.from(JSON.stringify(reading));
  }
}

function parts(batch: number, perPartition: number): PartRecords[] {
  return [0, 1, 2].map((partition) => ({
    topic: 'in',
    partition,
    messages: Array.from({ length: perPartition }, (_, i): ConsumedRecord => ({
      topic: 'in',
      partition,
      offset: batch * perPartition + i,
      timestamp: 0,
      timestampType: 'CreateTime',
      key: null,
      value: value(batch * perPartition + i, partition, batch),
      headers: [],
    })),
  }));
}

/** Records `from`…`to` of each partition (a batch that cuts fetches). */
function slice(input: readonly PartRecords[], from: number, to: number): PartRecords[] {
  return input.map((part) => ({ ...part, messages: part.messages.slice(from, to) }));
}

let pools: DecodePool[] = [];
afterEach(async () => {
  await Promise.all(pools.map((p) => p.close()));
  pools = [];
});

function pool(size: number): DecodePool {
  const made = new DecodePool({ size });
  pools.push(made);
  return made;
}

/**
 * Keeps a one-worker pool busy with a large chunk (some hundreds of milliseconds), so the chunks
 * decoded ahead behind it wait in its queue; `finished()` says whether the worker is done with it.
 */
function occupy(busyPool: DecodePool, spec: Pipeline): { finished: () => boolean; settled: Promise<unknown> } {
  let done = false;
  const settled = busyPool
    .decode(registerSpec({ decoder: 'json', projection: spec.projection }), packValues(parts(5, 60_000)[0]?.messages ?? []))
    .then(() => (done = true));
  return { finished: () => done, settled };
}

describe('decode + projection in worker threads', () => {
  it('gives the inline path’s rows, bad records and window results on the same records, malformed and late ones included', async () => {
    const spec = pipeline();
    const inline = new RecordProcessor(spec, { mode: 'never' });
    // Two workers: each partition is cut into slices that come back and are put together in order.
    const workers = new RecordProcessor(spec, { mode: 'always', pool: pool(2) });
    const inlineOperator = new AggregationOperator(spec.aggregation ?? expect.fail(), spec.outputMode);
    const workerOperator = new AggregationOperator(spec.aggregation ?? expect.fail(), spec.outputMode);
    let late = 0;
    let bad = 0;
    for (let batch = 0; batch < 4; batch++) {
      const input = parts(batch, 401);
      const a = await inline.processParts(input);
      const b = await workers.processParts(input);
      expect(b).toEqual(a);
      // Same key order (a row rebuilt from columns), and the dead letters carry the record itself.
      expect(b.flatMap((p) => p.rows.map((row) => Object.keys(row).join()))).toEqual(
        a.flatMap((p) => p.rows.map((row) => Object.keys(row).join())),
      );
      b.forEach((part, i) => part.bad.forEach((letter, j) => expect(letter.message).toBe(a[i]?.bad[j]?.message)));
      const ra = inlineOperator.processBatch(a.flatMap((p) => p.rows));
      const rb = workerOperator.processBatch(b.flatMap((p) => p.rows));
      expect(rb).toEqual(ra);
      late += ra.lateRows;
      bad += a.reduce((n, p) => n + p.bad.length, 0);
    }
    // The records did exercise what they were meant to.
    expect(late).toBeGreaterThan(0);
    expect(bad).toBeGreaterThan(6 * 4);
    const reasons = new Set((await inline.processParts(parts(0, 401))).flatMap((p) => p.bad.map((x) => x.reason)));
    expect([...reasons].sort()).toEqual(['decode', 'missing-field', 'wrong-type']);
  });

  it('gives a projection-only pipeline the same table rows and record ids', async () => {
    const spec = pipeline({ aggregation: undefined, sinks: [{ kind: 'sqlite-table', table: 't' }] });
    const inline = new RecordProcessor(spec, { mode: 'never' });
    const workers = new RecordProcessor(spec, { mode: 'always', pool: pool(1) });
    const input = parts(1, 300);
    const a = await inline.processParts(input);
    expect(a[0]?.tableRows.length).toBeGreaterThan(0);
    expect(await workers.processParts(input)).toEqual(a);
    // Without a table sink no record ids are made; the rows are the same.
    const noTable = await new RecordProcessor(pipeline({ aggregation: undefined }), { mode: 'never' }).processParts(input);
    expect(noTable.map((p) => p.tableRows.length)).toEqual([0, 0, 0]);
    expect(noTable.map((p) => p.rows)).toEqual(a.map((p) => p.rows));
  });

  it('decodes fetches ahead: the batches get the inline rows, also when they cut a fetch anywhere or hold records fetched later', async () => {
    const spec = pipeline();
    const inline = new RecordProcessor(spec, { mode: 'never' });
    const workers = new RecordProcessor(spec, { mode: 'always', pool: pool(1) });
    // One fetch of 1,500 records per partition (three chunks each) decoded ahead, then batches that
    // start and end inside chunks, the last one with records of a fetch that was not (too small).
    const fetched = parts(0, 1500);
    workers.decodeAhead(fetched);
    const later = slice(parts(1, 1500), 0, 100);
    const cuts = [0, 700, 1100, 1500];
    for (let b = 0; b < cuts.length - 1; b++) {
      const batch = fetched.map((part, p) => ({
        ...part,
        messages: [...part.messages.slice(cuts[b], cuts[b + 1]), ...(b === cuts.length - 2 ? (later[p]?.messages ?? []) : [])],
      }));
      const a = await inline.processParts(batch);
      const w = await workers.processParts(batch);
      expect(w).toEqual(a);
      w.forEach((part, i) => part.bad.forEach((letter, j) => expect(letter.message).toBe(a[i]?.bad[j]?.message)));
    }
  });

  it('packs values as the fetch holds them (runs of one buffer, headers between, other buffers, out of order, tombstones) into the same bytes', () => {
    const fetchBuffer = Buffer.from('hdr:AAAA|hdr:BBBBBB|hdr:|hdr:CC' + '.'.repeat(5000) + 'DDD');
    const other = Buffer.from('xxEEEEyy');
    const values: (Buffer | null)[] = [
      fetchBuffer.subarray(4, 8),
      fetchBuffer.subarray(13, 19),
      fetchBuffer.subarray(24, 24),
      null,
      fetchBuffer.subarray(29, 31),
      fetchBuffer.subarray(fetchBuffer.length - 3),
      other.subarray(2, 6),
      fetchBuffer.subarray(4, 8),
      Buffer.from('own'),
    ];
    const packed = packValues(values.map((value) => ({ value }) as ConsumedRecord));
    const read = values.map((_, i) =>
      packed.nulls[i] === 1 ? null : Buffer.from(packed.bytes.subarray(packed.starts[i], packed.ends[i])).toString(),
    );
    expect(read).toEqual(values.map((v) => v?.toString() ?? null));
    // The first run is copied once, headers and all; the gap of 5,000 bytes starts a new one.
    expect(packed.bytes.length).toBeLessThan(fetchBuffer.length);
  });

  it('gives a pipeline whose one sink is PostgreSQL its rows as the inline rows’ COPY text, with their key values and bad records', async () => {
    const sink = { kind: 'database', engine: 'postgres', databaseConnectionId: 'd', table: 't', primaryKey: ['sensor', 'ts'] };
    const spec = pipeline({ aggregation: undefined, sinks: [sink] });
    const table = sinkTableOf(spec, spec.sinks[0]?.kind === 'database' ? spec.sinks[0] : expect.fail());
    const inline = new RecordProcessor(spec, { mode: 'never' });
    const workers = new RecordProcessor(spec, { mode: 'always', pool: pool(1) });
    const copy = (batch: { rows: readonly Record<string, unknown>[] }[]) =>
      Buffer.concat([...copyChunks(batch.flatMap((p) => p.rows) as never, table.columns)]).toString('utf8');
    const keys = (batch: { rows: readonly Record<string, unknown>[] }[]) => batch.flatMap((p) => p.rows.map((row) => [row.sensor, row.ts]));
    // The batch path, then fetches decoded ahead and cut by the batches.
    const input = parts(0, 1200);
    const a = await inline.processParts(input);
    const w = await workers.processParts(input);
    expect(copy(w)).toBe(copy(a));
    expect(keys(w)).toEqual(keys(a));
    // The worker's rows carry only the key's values: the others travel as COPY text.
    expect(Object.keys(w[0]?.rows[0] ?? {})).toEqual(['sensor', 'ts']);
    expect(w.map((p) => p.bad)).toEqual(a.map((p) => p.bad));
    const fetched = parts(1, 1500);
    workers.decodeAhead(fetched);
    for (const [from, to] of [
      [0, 333],
      [333, 1500],
    ]) {
      const batch = slice(fetched, from, to);
      const inlineRows = await inline.processParts(batch);
      const workerRows = await workers.processParts(batch);
      expect(copy(workerRows)).toBe(copy(inlineRows));
      expect(keys(workerRows)).toEqual(keys(inlineRows));
      expect(workerRows.map((p) => p.bad)).toEqual(inlineRows.map((p) => p.bad));
    }
    // Chunks the busy worker has not started, decoded on this thread as the worker decodes them.
    const busyPool = pool(1);
    const shared = new RecordProcessor(spec, { mode: 'always', pool: busyPool });
    const busy = occupy(busyPool, spec);
    const later = parts(2, 1500);
    shared.decodeAhead(later);
    const here = await shared.processParts(later);
    expect(busy.finished()).toBe(false);
    const inlineLater = await inline.processParts(later);
    expect(copy(here)).toBe(copy(inlineLater));
    expect(keys(here)).toEqual(keys(inlineLater));
    expect(here.map((p) => p.bad)).toEqual(inlineLater.map((p) => p.bad));
    expect(Object.keys(here[0]?.rows[0] ?? {})).toEqual(['sensor', 'ts']);
    await busy.settled;
    // The rows are those of the default path (no COPY text) too.
    expect(a.map((p) => p.rows)).toEqual(
      (await new RecordProcessor(pipeline({ aggregation: undefined }), { mode: 'never' }).processParts(input)).map((p) => p.rows),
    );
  });

  it('decodes a batch on both threads: the main thread takes back the chunks the busy worker has not started', async () => {
    const spec = pipeline();
    const inline = new RecordProcessor(spec, { mode: 'never' });
    const workersPool = pool(1);
    const workers = new RecordProcessor(spec, { mode: 'always', pool: workersPool });
    // The nine chunks decoded ahead wait behind the busy worker's chunk; the batch does not wait for them.
    const busy = occupy(workersPool, spec);
    const fetched = parts(0, 1500);
    workers.decodeAhead(fetched);
    const w = await workers.processParts(fetched);
    expect(busy.finished()).toBe(false);
    expect(w).toEqual(await inline.processParts(fetched));
    await busy.settled;
  });

  it('decodes a partition read again from an earlier offset from its new records, not from the chunks decoded ahead before', async () => {
    const spec = pipeline();
    const inline = new RecordProcessor(spec, { mode: 'never' });
    const workers = new RecordProcessor(spec, { mode: 'always', pool: pool(1) });
    const first = parts(0, 1500);
    workers.decodeAhead(first);
    await workers.processParts(slice(first, 0, 700));
    // The batch failed and the partitions are read again from offset 0: new records (other values
    // here, so that rows of the stale chunks would show), once decoded ahead and once not.
    const again = (batch: number) =>
      parts(batch, 1500).map((part) => ({ ...part, messages: part.messages.map((m, offset) => ({ ...m, offset })) }));
    const notAhead = slice(again(2), 0, 900);
    expect(await workers.processParts(notAhead)).toEqual(await inline.processParts(notAhead));
    const ahead = again(3);
    workers.decodeAhead(ahead);
    for (const [from, to] of [
      [0, 900],
      [900, 1500],
    ]) {
      const batch = slice(ahead, from, to);
      expect(await workers.processParts(batch)).toEqual(await inline.processParts(batch));
    }
  });

  it('lets the main thread take back a chunk decoded ahead that the worker has not started, and not one it has', async () => {
    const spec = pipeline();
    const workers = pool(1);
    const registered = registerSpec({ decoder: 'json', projection: spec.projection });
    // The worker is busy with a large chunk first: the chunk behind it waits in its queue.
    const busy = workers.decode(registered, packValues(parts(0, 20_000)[0]?.messages ?? []));
    const waiting = workers.decodeAhead(registered, packValues(parts(1, 100)[0]?.messages ?? []));
    expect(waiting.takeBack()).toBe(true);
    expect(waiting.takeBack()).toBe(false);
    expect((await busy).ok.length).toBe(20_000);
    expect(await waiting.decoded).toBeNull();
    const decoded = workers.decodeAhead(registered, packValues(parts(2, 100)[0]?.messages ?? []));
    expect((await decoded.decoded)?.ok.length).toBe(100);
    expect(decoded.takeBack()).toBe(false);
  });

  it('decodes on the main thread from the next batch on when a worker cannot start, having failed the batch it held', async () => {
    const spec = pipeline();
    const broken = new DecodePool({ size: 1, entry: new URL('./no-such-worker.mjs', import.meta.url) });
    pools.push(broken);
    const workers = new RecordProcessor(spec, { mode: 'always', pool: broken });
    const input = parts(0, 300);
    await expect(workers.processParts(input)).rejects.toThrow(/The decode worker failed: .*no-such-worker/);
    expect(broken.unavailable).toMatch(/no-such-worker/);
    expect(await workers.processParts(input)).toEqual(await new RecordProcessor(spec, { mode: 'never' }).processParts(input));
  });

  it('keeps a small micro-batch and a filter on the main thread, and starts no worker for a pipeline of small batches', async () => {
    const small = new RecordProcessor(pipeline(), { mode: 'auto', pool: pool(1) });
    const filtered = new RecordProcessor(pipeline({ filter: 'partition == 0' }), { mode: 'always', pool: pool(1) });
    await small.processParts(parts(0, 10));
    await filtered.processParts(parts(0, 1000));
    expect(small.workerThreads()).toEqual([]);
    expect(filtered.workerThreads()).toEqual([]);
    const smallBatches = pool(1);
    new RecordProcessor(pipeline({ maxRecordsPerBatch: 500 }), { mode: 'auto', pool: smallBatches }).warm();
    expect(smallBatches.threads()).toEqual([]);
  });
});
