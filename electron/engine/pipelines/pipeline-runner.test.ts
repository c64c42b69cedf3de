import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { pipelineSchema, type Pipeline, type PipelineStatus } from '../../../shared/pipelines.js';
import type { Assignment, GroupCoordinates } from '../kafka/group-member.js';
import type { ConsumedRecord } from '../kafka/records.js';
import { openDatabase } from '../store/db.js';
import type { Db } from '../store/db.js';
import type { BatchOutput, Checkpoint, Resume } from './checkpoint.js';
import { CheckpointStore } from '../store/checkpoint-store.js';
import { DecodePool } from './decode-pool.js';
import type { CommitOffset } from './lag-commits.js';
import { partitionId, type FetchedBatch, type Queued } from './partition-queues.js';
import { PipelineRunner, type CheckpointParts, type RunnerDeps } from './pipeline-runner.js';
import type { PipelineSource } from './pipeline-source.js';
import type { FetchPosition } from './source-fetch.js';
import { SqliteCheckpoint } from './sqlite-checkpoint.js';
import { MAX_STATE_ENTRIES } from './state-limit.js';
import type { StartingOffsets } from './source-offsets.js';

// The runner against the Checkpoint interface, on an in-memory source (the cluster side is the
// integration suite's, against a real broker): one consume loop, whatever the checkpoint is.

const TOPIC = 'words';

/** Partitions as arrays of records; fetches return at most `perFetch` records from the position. */
class MemorySource implements PipelineSource {
  readonly logs = new Map<number, ConsumedRecord[]>();
  readonly lagCommits: CommitOffset[][] = [];
  private onAssignment: ((assignment: Assignment) => void) | null = null;
  constructor(
    partitions: number,
    private readonly perFetch = 7,
  ) {
    for (let p = 0; p < partitions; p++) this.logs.set(p, []);
  }

  append(partition: number, values: string[]): void {
    const log = this.logs.get(partition) ?? [];
    for (const value of values) {
      log.push({
        topic: TOPIC,
        partition,
        offset: log.length,
        timestamp: 0,
        timestampType: 'CreateTime',
        key: null,
        value: Buffer.from(value),
        headers: [],
      });
    }
    this.logs.set(partition, log);
  }

  /** A rebalance: the group hands this member other partitions. */
  reassign(partitions: number[]): void {
    this.onAssignment?.({ [TOPIC]: partitions });
  }

  startingOffsets(): Promise<StartingOffsets> {
    const marks = [...this.logs].map(([partition, log]) => ({ topic: TOPIC, partition, high: String(log.length) }));
    return Promise.resolve({
      seeds: marks.map((m) => ({ topic: TOPIC, partition: m.partition, offset: '0' })),
      highs: marks,
      partitions: this.logs.size,
    });
  }

  join(_liveness: unknown, onAssignment: (assignment: Assignment) => void): Promise<void> {
    this.onAssignment = onAssignment;
    onAssignment({ [TOPIC]: [...this.logs.keys()] });
    return Promise.resolve();
  }

  async fetch(positions: readonly FetchPosition[]): Promise<FetchedBatch[]> {
    // A broker holds an empty fetch for its max wait: a little here, so the loop does not spin.
    await new Promise((resolve) => setTimeout(resolve, 2));
    return positions.map((p) => {
      const log = this.logs.get(p.partition) ?? [];
      const from = Number(p.offset);
      const records = log.slice(from, from + this.perFetch);
      return { topic: p.topic, partition: p.partition, from, records, nextOffset: from + records.length, highWatermark: log.length };
    });
  }

  isOutOfRange(): boolean {
    return false;
  }

  watermarks(): Promise<{ partition: number; low: number; high: number }[]> {
    return Promise.resolve([...this.logs].map(([partition, log]) => ({ partition, low: 0, high: log.length })));
  }

  lag(): Promise<PipelineStatus['lag']> {
    return Promise.resolve([]);
  }

  commitLag(offsets: CommitOffset[]): Promise<void> {
    this.lagCommits.push(offsets);
    return Promise.resolve();
  }

  group(): GroupCoordinates {
    return { groupId: 'g', coordinatorId: 1, generationId: 1, memberId: 'm' };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function wordCount(maxRecordsPerBatch: number): Pipeline {
  return pipelineSchema.parse({
    id: 'p-words',
    name: 'words',
    connectionId: 'memory',
    topics: [TOPIC],
    groupId: 'g',
    maxRecordsPerBatch,
    triggerIntervalMs: 0,
    decoder: 'string',
    projection: [],
    wordSplit: { separator: ' ' },
    aggregation: { groupBy: ['word'], aggregates: [{ fn: 'count', as: 'n' }] },
    outputMode: 'update',
    sinks: [],
    createdAt: 0,
    updatedAt: 0,
  });
}

function counts(db: Db, pipelineId: string): Record<string, number> {
  const rows = db
    .prepare<[string], { group_json: string; values_json: string }>(
      'SELECT group_json, values_json FROM pipeline_results WHERE pipeline_id = ?',
    )
    .all(pipelineId);
  const entries: [string, number][] = rows.map((r) => [
    (JSON.parse(r.group_json) as string[])[0] ?? '',
    (JSON.parse(r.values_json) as { n: number }).n,
  ]);
  return Object.fromEntries(entries.sort());
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const sqlite = (parts: CheckpointParts) => new SqliteCheckpoint({ ...parts, send: null });

/** A SQLite checkpoint whose commits fail while `failing` is above 0 (a disk error, a broker refusing a sink). */
class FlakyCheckpoint extends SqliteCheckpoint {
  failing = 0;
  override async commit(batch: BatchOutput): Promise<void> {
    if (this.failing > 0) {
      this.failing--;
      throw new Error('disk I/O error');
    }
    await super.commit(batch);
  }
}

/**
 * A checkpoint kept per partition (as the Kafka changelog is): each partition commits on its own,
 * and partition 1's commit can be made to fail, so part of a batch is durable and part is not.
 */
class PerPartitionCheckpoint implements Checkpoint {
  readonly liveness = { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1_000 };
  readonly committed = new Map<number, bigint>();
  readonly words = new Map<string, number>();
  failPartition1 = 0;
  private held: number[] = [];

  initialState() {
    return undefined;
  }
  initialOffsets() {
    return new Map<string, bigint>();
  }
  open(): Promise<void> {
    return Promise.resolve();
  }
  assign(assignment: Record<string, number[]>): Promise<Resume> {
    const now = assignment[TOPIC] ?? [];
    const dropped = this.held.filter((p) => !now.includes(p)).map((p) => partitionId(TOPIC, p));
    const added = now.filter((p) => !this.held.includes(p));
    this.held = [...now];
    return Promise.resolve({
      offsets: new Map(added.map((p) => [partitionId(TOPIC, p), this.committed.get(p) ?? 0n])),
      dropped,
      state: null,
    });
  }
  claim(): void {}
  commit(batch: BatchOutput): Promise<void> {
    let failed = false;
    for (const part of batch.parts) {
      if (part.partition === 1 && this.failPartition1 > 0) {
        this.failPartition1--;
        failed = true;
        continue;
      }
      this.committed.set(part.partition, part.next);
      for (const record of part.messages)
        for (const word of (record.value?.toString() ?? '').split(' ')) this.words.set(word, (this.words.get(word) ?? 0) + 1);
    }
    return failed ? Promise.reject(Object.assign(new Error('partition 1 failed'), { failed: true })) : Promise.resolve();
  }
  recover(_error: unknown, parts: readonly Queued[]): Promise<{ committed: Queued[]; resume: Resume }> {
    // Partition 1 goes back to what it committed; the others' parts are durable.
    const committed = parts.filter((part) => part.partition !== 1);
    return Promise.resolve({
      committed,
      resume: { offsets: new Map([[partitionId(TOPIC, 1), this.committed.get(1) ?? 0n]]), dropped: [], state: null },
    });
  }
  afterCommit(): void {}
  status() {
    return {};
  }
  settle(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

const words = (n: number, offset = 0) => Array.from({ length: n }, (_, i) => `w${(i + offset) % 5} all`);
const expected = (lines: string[]) => {
  const out: Record<string, number> = {};
  for (const line of lines) for (const w of line.split(' ')) out[w] = (out[w] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort());
};

let runners: PipelineRunner[] = [];
afterEach(async () => {
  await Promise.all(runners.map((r) => r.stop()));
  runners = [];
});

function runner(
  db: Db,
  pipeline: Pipeline,
  source: PipelineSource,
  checkpoint: (parts: CheckpointParts) => Checkpoint,
  extra: Pick<RunnerDeps, 'decodeWorkers' | 'log' | 'onStatus' | 'statusIntervalMs'> = {},
): PipelineRunner {
  const r = new PipelineRunner({
    db,
    kafka: { clientId: 'unused', bootstrapBrokers: ['unused:1'] },
    pipeline,
    source,
    checkpoint,
    statusIntervalMs: 60_000,
    ...extra,
  });
  runners.push(r);
  return r;
}

const consumed = (db: Db, id: string) => [...new CheckpointStore(db, id).offsets().values()].reduce((a, b) => a + b, 0n);

describe('the pipeline runner against the Checkpoint interface', () => {
  it('with the SQLite checkpoint: micro-batches over every partition, exactly once across a restart', async () => {
    const db = openDatabase(':memory:');
    const pipeline = wordCount(10);
    const source = new MemorySource(3);
    const lines = [words(23), words(17, 1), words(31, 2)];
    lines.forEach((l, p) => source.append(p, l));
    const first = runner(db, pipeline, source, sqlite);
    await first.start();
    await until(() => consumed(db, pipeline.id) === 71n, 'all 71 records checkpointed');
    // The rate shows once the second the records came in is over (the meter leaves out the current one).
    await until(() => first.status().recordsPerSecondIn > 0, 'a rate in');
    await first.stop();
    // A stopped pipeline moves nothing: its rates are 0, not the last seconds' before the stop.
    expect(first.status()).toMatchObject({ state: 'stopped', recordsIn: 71, recordsPerSecondIn: 0, rowsPerSecondOut: 0 });
    expect(counts(db, pipeline.id)).toEqual(expected(lines.flat()));
    // At most 10 records per batch (Spark's maxOffsetsPerTrigger, + rounding up per partition).
    expect(new CheckpointStore(db, pipeline.id).progress().batch).toBeGreaterThanOrEqual(8);
    // Lag offsets went to the group (for lag tools only).
    expect(source.lagCommits.length).toBeGreaterThan(0);

    // A restart resumes from the checkpoint: only the new records are counted.
    const more = words(12, 3);
    source.append(1, more);
    const second = runner(db, pipeline, source, sqlite);
    await second.start();
    await until(() => consumed(db, pipeline.id) === 83n, 'the new records checkpointed');
    await second.stop();
    expect(counts(db, pipeline.id)).toEqual(expected([...lines.flat(), ...more]));
  });

  it('pushes no status after the final one of stop(), even when a lag read in flight ends after it', async () => {
    const db = openDatabase(':memory:');
    const pipeline = wordCount(10);
    // A lag read that ends only when the test lets it (a slow broker).
    let release: () => void = () => undefined;
    let lagReads = 0;
    const source = new (class extends MemorySource {
      override lag(): Promise<PipelineStatus['lag']> {
        lagReads++;
        return new Promise((resolve) => (release = () => resolve([])));
      }
    })(2);
    source.append(0, words(5));
    const statuses: PipelineStatus[] = [];
    const r = runner(db, pipeline, source, sqlite, { statusIntervalMs: 10, onStatus: (s) => statuses.push(s) });
    await r.start();
    await until(() => lagReads > 0, 'a lag read in flight');
    await r.stop();
    const pushed = statuses.length;
    expect(statuses.at(-1)?.state).toBe('stopped');
    // The engine closes its database after stopping its pipelines; then the lag read ends.
    db.close();
    release();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(statuses.length).toBe(pushed);
  });

  it('retries a batch whose commit failed from the checkpoint, counting nothing twice', async () => {
    const db = openDatabase(':memory:');
    const pipeline = wordCount(8);
    const source = new MemorySource(2);
    const lines = [words(20), words(20, 2)];
    lines.forEach((l, p) => source.append(p, l));
    let flaky: FlakyCheckpoint | null = null;
    const r = runner(db, pipeline, source, (parts) => {
      flaky = new FlakyCheckpoint({ ...parts, send: null });
      flaky.failing = 3;
      return flaky;
    });
    await r.start();
    await until(() => consumed(db, pipeline.id) === 40n, 'all 40 records checkpointed');
    expect(counts(db, pipeline.id)).toEqual(expected(lines.flat()));
    expect(r.status().state).toBe('running');
    expect((flaky as FlakyCheckpoint | null)?.failing).toBe(0);
  });

  it('with a per-partition checkpoint: a partly durable batch re-reads only the failed partition, and a rebalance drops what it no longer holds', async () => {
    const db = openDatabase(':memory:');
    const pipeline = pipelineSchema.parse({
      ...wordCount(12),
      aggregation: undefined,
      wordSplit: undefined,
      decoder: 'string',
      projection: [],
    });
    const source = new MemorySource(3, 5);
    const lines = [words(15), words(15, 1), words(15, 2)];
    lines.forEach((l, p) => source.append(p, l));
    const checkpoint = new PerPartitionCheckpoint();
    checkpoint.failPartition1 = 2;
    const r = runner(db, pipeline, source, () => checkpoint);
    await r.start();
    await until(() => [0, 1, 2].every((p) => checkpoint.committed.get(p) === 15n), 'every partition committed to its end');
    expect(Object.fromEntries([...checkpoint.words].sort())).toEqual(expected(lines.flat()));

    // Partition 2 moves to another worker: records appended to it are not read here any more.
    source.reassign([0, 1]);
    await until(() => r.status().state === 'running', 'running');
    await new Promise((resolve) => setTimeout(resolve, 50));
    source.append(2, ['elsewhere']);
    source.append(0, ['here']);
    await until(() => checkpoint.committed.get(0) === 16n, 'the new record of partition 0');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(checkpoint.committed.get(2)).toBe(15n);
    expect(checkpoint.words.get('elsewhere')).toBeUndefined();
    expect(checkpoint.words.get('here')).toBe(1);
  });
});

describe('decode in worker threads', () => {
  /** JSON readings over 3 partitions, some undecodable, counted per sensor and 5-minute window. */
  function readings(): { pipeline: Pipeline; fill: (source: MemorySource) => void } {
    const pipeline = pipelineSchema.parse({
      ...wordCount(600),
      wordSplit: undefined,
      decoder: 'json',
      projection: [
        { path: 't', column: 't', type: 'timestamp', timestampFormat: 'epoch-ms' },
        { path: 's', column: 's', type: 'string' },
        { path: 'v', column: 'v', type: 'double' },
      ],
      aggregation: {
        groupBy: ['s'],
        window: { column: 't', durationMs: 300_000 },
        watermarkDelayMs: 60_000,
        aggregates: [
          { fn: 'count', as: 'n' },
          { fn: 'avg', column: 'v', as: 'avg_v' },
        ],
      },
    });
    const fill = (source: MemorySource) => {
      for (let p = 0; p < 3; p++)
        source.append(
          p,
          Array.from({ length: 1000 }, (_, i) =>
            i % 97 === 5 ? '{"t": broken' : JSON.stringify({ t: i * 1000 + p, s: `s${i % 7}`, v: (i * 31) % 17 }),
          ),
        );
    };
    return { pipeline, fill };
  }

  const results = (db: Db, id: string) =>
    db
      .prepare<[string], { result_key: string; values_json: string }>(
        'SELECT result_key, values_json FROM pipeline_results WHERE pipeline_id = ? ORDER BY result_key',
      )
      .all(id);

  /** The readings run inline to the end: the results a worker run must give. */
  async function inlineRun(pipeline: Pipeline, fill: (source: MemorySource) => void): Promise<Db> {
    const db = openDatabase(':memory:');
    const source = new MemorySource(3, 1000);
    fill(source);
    await runner(db, pipeline, source, sqlite, { decodeWorkers: { mode: 'never' } }).start();
    await until(() => consumed(db, pipeline.id) === 3000n, 'the inline run checkpointed');
    return db;
  }

  /** A one-worker pool whose worker is terminated as the `n`th chunk is posted to it. */
  function poolKilledAt(n: number): { pool: DecodePool; posted: () => number } {
    let posted = 0;
    const pool = new DecodePool({
      size: 1,
      onPosted: (worker) => {
        if (++posted === n) void worker.terminate();
      },
    });
    onTestFinished(() => pool.close());
    return { pool, posted: () => posted };
  }

  it('fails a batch whose worker is terminated mid-batch with a clear error and no partial commit, then retries it to the inline results', async () => {
    const { pipeline, fill } = readings();
    // The inline run: what the results must be.
    const inlineDb = await inlineRun(pipeline, fill);
    const db = openDatabase(':memory:');
    // Fetches too small to be decoded ahead: the batches post their records to the worker.
    const source = new MemorySource(3, 100);
    fill(source);
    // The third batch's first chunk: its worker is terminated while it holds the chunk.
    const { pool } = poolKilledAt(7);
    const failures: { message: string; batch: number; offsets: bigint }[] = [];
    const store = new CheckpointStore(db, pipeline.id);
    const r = runner(db, pipeline, source, sqlite, {
      decodeWorkers: { mode: 'always', pool },
      // What the checkpoint holds when the failure is reported.
      log: (level, message) => {
        if (level === 'error') failures.push({ message, batch: store.progress().batch, offsets: consumed(db, pipeline.id) });
      },
    });
    await r.start();
    await until(() => failures.length > 0, 'the failed batch');
    expect(failures[0]?.message).toMatch(
      /A batch failed and is retried from the checkpoint: The decode worker stopped \(exit code 1\) before it decoded the batch/,
    );
    // Two batches were durable, the third left nothing behind.
    expect(failures[0]).toMatchObject({ batch: 2, offsets: 1200n });
    await until(() => consumed(db, pipeline.id) === 3000n, 'all 3000 records checkpointed after the retry');
    expect(r.status()).toMatchObject({ state: 'running', error: null });
    expect(r.workerThreadsForTests().length).toBe(1);
    expect(results(db, pipeline.id)).toEqual(results(inlineDb, pipeline.id));
    expect(store.progress().badCounts).toEqual(new CheckpointStore(inlineDb, pipeline.id).progress().badCounts);
    expect(store.progress().badCounts).toEqual({ decode: 33 });
  });

  it('decodes on the main thread the fetches a worker held when it died decoding them ahead, and nothing fails', async () => {
    const { pipeline, fill } = readings();
    const inlineDb = await inlineRun(pipeline, fill);
    const db = openDatabase(':memory:');
    // One fetch of 1,000 records per partition: each is decoded ahead, in two chunks.
    const source = new MemorySource(3, 1000);
    fill(source);
    const { pool, posted } = poolKilledAt(2);
    const errors: string[] = [];
    const r = runner(db, pipeline, source, sqlite, {
      decodeWorkers: { mode: 'always', pool },
      log: (level, message) => {
        if (level === 'error') errors.push(message);
      },
    });
    await r.start();
    await until(() => consumed(db, pipeline.id) === 3000n, 'all 3000 records checkpointed');
    expect(posted()).toBeGreaterThanOrEqual(6);
    expect(errors).toEqual([]);
    expect(r.status()).toMatchObject({ state: 'running', error: null });
    expect(results(db, pipeline.id)).toEqual(results(inlineDb, pipeline.id));
    expect(new CheckpointStore(db, pipeline.id).progress().badCounts).toEqual({ decode: 33 });
  });
});

describe('limits on what a pipeline may hold', () => {
  it('fails with the reason, before checkpointing, when its state passes the bound, instead of running out of memory', async () => {
    const db = openDatabase(':memory:');
    const pipeline = wordCount(10);
    const source = new MemorySource(1);
    // One record of 1,000,001 distinct words: as many open groups.
    source.append(0, [Array.from({ length: MAX_STATE_ENTRIES + 1 }, (_, i) => `w${i}`).join(' ')]);
    const r = runner(db, pipeline, source, sqlite);
    await r.start();
    await until(() => r.status().state === 'failed', 'failed', 60_000);
    expect(r.status().error).toMatch(/state grew to 1,000,001 open windows \(at most 1,000,000\)/);
    expect(consumed(db, pipeline.id)).toBe(0n);
  }, 120_000);

  it('does not start a pipeline saved before the windows-per-record limit whose windows slide every millisecond', async () => {
    const db = openDatabase(':memory:');
    const valid = pipelineSchema.parse({
      ...wordCount(10),
      wordSplit: undefined,
      decoder: 'json',
      projection: [{ path: 't', column: 't', type: 'timestamp', timestampFormat: 'epoch-ms' }],
      aggregation: { groupBy: [], window: { column: 't', durationMs: 60_000, slideMs: 60_000 }, aggregates: [{ fn: 'count', as: 'n' }] },
    });
    // As stored by an earlier version: 60,000 windows per record.
    const stored: Pipeline = {
      ...valid,
      aggregation: {
        ...valid.aggregation,
        groupBy: [],
        aggregates: valid.aggregation?.aggregates ?? [],
        window: { column: 't', durationMs: 60_000, slideMs: 1, offsetMs: 0 },
      },
    };
    const source = new MemorySource(1);
    source.append(0, ['{"t": 1}', '{"t": 2}', '{"t": 3}']);
    const r = runner(db, stored, source, sqlite);
    await r.start();
    expect(r.status()).toMatchObject({ state: 'failed' });
    expect(r.status().error).toMatch(/puts each record in 60,000 windows; at most 1,000/);
  });
});
