import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Connection } from '../../shared/connection.js';
import type { Pipeline, PipelineStatus, ResultsPage } from '../../shared/pipelines.js';
import type { Engine } from '../../electron/engine/engine.js';
import { data, tempDir, testEngine, uniqueName } from '../helpers.js';
import { readAll as readRecords, withAdmin } from '../kafka.js';
import { inputProducer } from './pipelines-helpers.js';

// docs/GUARANTEES.md, bad input: malformed records in a pipeline's topic are counted per reason,
// dead-lettered with the error in headers, and the good records' results stay right while the
// pipeline keeps running.
const bootstrap = inject('kafkaBootstrap');
const dir = tempDir('malformed');
let engine: Engine;
let connectionId = '';
const MB = 1024 * 1024;

beforeAll(async () => {
  engine = testEngine(dir.path);
  connectionId = data<Connection>(await engine.dispatch('connections:save', { name: 'suite', bootstrapServers: bootstrap.split(',') })).id;
});
afterAll(async () => {
  await engine.dispose();
  dir.remove();
});

interface Reading {
  sensor: string;
  temp: number;
}

async function pollStatus(
  read: () => Promise<PipelineStatus>,
  check: (s: PipelineStatus) => boolean,
  timeoutMs: number,
): Promise<PipelineStatus> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const status = await read();
    if (check(status)) return status;
    if (Date.now() > until) throw new Error(`pipeline status never matched: ${JSON.stringify({ ...status, lag: status.lag.length })}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function produce(topic: string, values: (string | Buffer)[]): Promise<void> {
  const producer = inputProducer(bootstrap);
  try {
    // One record per request: a 5 MB record must not share a request with others.
    for (const value of values) await producer.send([{ topic, key: null, value }]);
  } finally {
    await producer.close();
  }
}

/** Every record of the topic, headers as an object (the last value of a repeated key). */
async function readAll(bootstrap: string, topic: string) {
  return (await readRecords(bootstrap, topic)).map((r) => ({
    ...r,
    headers: Object.fromEntries(r.headers.map((h) => [h.key, h.value?.toString() ?? ''])),
  }));
}

describe('malformed records in a pipeline topic', () => {
  it('are counted per reason and dead-lettered with the error in headers, while good records are aggregated right', async () => {
    const input = uniqueName('malformed-in');
    const dlq = uniqueName('malformed-dlq');
    // The broker's default max message size is 1 MB: both topics take the 5 MB records.
    const big = [{ name: 'max.message.bytes', value: String(8 * MB) }];
    await withAdmin(bootstrap, (admin) =>
      admin.createTopicsAndWait([
        { topic: input, numPartitions: 1, configEntries: big },
        { topic: dlq, numPartitions: 1, configEntries: big },
      ]),
    );

    const good = (i: number): Reading => ({ sensor: `s${i % 3}`, temp: i });
    const goods: Reading[] = [];
    const values: (string | Buffer)[] = [];
    const bad: { value: Buffer; reason: string; error: RegExp }[] = [];
    const addBad = (value: string | Buffer, reason: string, error: RegExp) => {
      const buffer = Buffer.isBuffer(value) ? value : Buffer.from(value);
      bad.push({ value: buffer, reason, error });
      values.push(buffer);
    };
    for (let i = 0; i < 60; i++) {
      const reading = good(i);
      goods.push(reading);
      values.push(JSON.stringify(reading));
      switch (i % 10) {
        case 1:
          // Random bytes: 0xff never occurs in UTF-8, so these are never text.
          addBad(Buffer.concat([Buffer.from([0xff]), randomBytes(200)]), 'decode', /not valid UTF-8/);
          break;
        case 3:
          addBad(JSON.stringify(good(i)).slice(0, 12), 'decode', /invalid JSON/);
          break;
        case 5:
          addBad(JSON.stringify({ sensor: 's1', temp: 'hot' }), 'wrong-type', /temp: expected a number/);
          break;
        case 7:
          addBad(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), 'decode', /not valid UTF-8/);
          break;
        case 9:
          addBad(JSON.stringify({ temp: 1 }), 'missing-field', /missing sensor/);
          break;
      }
    }
    // 5 MB values: one well-formed reading with a large field (good), one cut short (bad).
    const large = { sensor: 's0', temp: 1000, pad: 'x'.repeat(5 * MB) };
    goods.push({ sensor: large.sensor, temp: large.temp });
    values.push(JSON.stringify(large));
    addBad(JSON.stringify(large).slice(0, 5 * MB), 'decode', /invalid JSON/);
    await produce(input, values);

    const pipeline = data<Pipeline>(
      await engine.dispatch('pipelines:save', {
        name: uniqueName('malformed'),
        connectionId,
        topics: [input],
        groupId: uniqueName('malformed-group'),
        maxRecordsPerBatch: 50,
        triggerIntervalMs: 100,
        projection: [
          { column: 'sensor', path: 'sensor', type: 'string' },
          { column: 'temp', path: 'temp', type: 'double' },
        ],
        aggregation: {
          groupBy: ['sensor'],
          aggregates: [
            { fn: 'count', as: 'n' },
            { fn: 'sum', column: 'temp', as: 'total' },
          ],
        },
        outputMode: 'update',
        deadLetterTopic: dlq,
      }),
    );
    const status = async () => data<PipelineStatus>(await engine.dispatch('pipelines:status', { id: pipeline.id }));
    data(await engine.dispatch('pipelines:start', { id: pipeline.id }));
    const started = Date.now();
    const inAll = await pollStatus(status, (s) => s.recordsIn === values.length, 60_000);
    const firstPassMs = Date.now() - started;

    const counts: Record<string, number> = {};
    for (const b of bad) counts[b.reason] = (counts[b.reason] ?? 0) + 1;
    expect(inAll.state).toBe('running');
    expect(inAll.badRecords).toEqual(counts);
    expect(inAll.lastBad.map((b) => b.reason)).toEqual(bad.slice(-20).map((b) => b.reason));

    // The good records' results: count and sum per sensor, the 5 MB reading included.
    const expected = (readings: Reading[]) => {
      const groups = new Map<string, { n: number; total: number }>();
      for (const r of readings) {
        const g = groups.get(r.sensor) ?? { n: 0, total: 0 };
        g.n += 1;
        g.total += r.temp;
        groups.set(r.sensor, g);
      }
      return [...groups.entries()].map(([sensor, g]) => [sensor, g.n, g.total]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    };
    const results = async () => {
      const page = data<ResultsPage>(await engine.dispatch('pipelines:results', { id: pipeline.id, offset: 0, limit: 100 }));
      expect(page.columns).toEqual(['sensor', 'n', 'total']);
      return [...page.rows].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    };
    expect(await results()).toEqual(expected(goods));

    // Dead letters: each bad record once, the original bytes, the reason and error in headers.
    const letters = await readAll(bootstrap, dlq);
    expect(letters).toHaveLength(bad.length);
    letters.sort((a, b) => a.offset - b.offset);
    bad.forEach((b, i) => {
      const letter = letters[i];
      expect(letter?.value?.equals(b.value), `dead letter ${i} (${b.reason}) keeps the original bytes`).toBe(true);
      expect(letter?.headers['x-error-reason']).toBe(b.reason);
      expect(letter?.headers['x-error']).toMatch(b.error);
      expect(letter?.headers['x-source']).toMatch(new RegExp(`^${input}/0/\\d+$`));
    });

    // It keeps running: a second wave of good records after all that is aggregated too.
    const more = Array.from({ length: 30 }, (_, i) => good(100 + i));
    await produce(
      input,
      more.map((r) => JSON.stringify(r)),
    );
    const after = await pollStatus(status, (s) => s.recordsIn === values.length + more.length, 30_000);
    expect(after.state).toBe('running');
    expect(after.badRecords).toEqual(counts);
    expect(await results()).toEqual(expected([...goods, ...more]));
    console.log(
      `[reliability] malformed: ${JSON.stringify({ records: values.length + more.length, good: goods.length + more.length, bad: bad.length, perReason: counts, deadLetters: letters.length, firstPassMs })}`,
    );
    data(await engine.dispatch('pipelines:stop', { id: pipeline.id }));
  });

  it('does not stall on a dead letter larger than the dead-letter topic takes', async () => {
    const input = uniqueName('malformed-big-in');
    const dlq = uniqueName('malformed-small-dlq');
    // The input takes 5 MB records; the dead-letter topic keeps the broker's 1 MB default.
    await withAdmin(bootstrap, (admin) =>
      admin.createTopicsAndWait([
        { topic: input, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: String(8 * MB) }] },
        { topic: dlq, numPartitions: 1 },
      ]),
    );
    const huge = Buffer.from(`{"sensor":"s1","temp":${'9'.repeat(5 * MB)}`);
    const values = [JSON.stringify({ sensor: 's1', temp: 1 }), huge, 'not json', JSON.stringify({ sensor: 's1', temp: 2 })];
    await produce(input, values);
    const pipeline = data<Pipeline>(
      await engine.dispatch('pipelines:save', {
        name: uniqueName('malformed-big'),
        connectionId,
        topics: [input],
        groupId: uniqueName('malformed-big-group'),
        triggerIntervalMs: 100,
        projection: [
          { column: 'sensor', path: 'sensor', type: 'string' },
          { column: 'temp', path: 'temp', type: 'double' },
        ],
        aggregation: {
          groupBy: ['sensor'],
          aggregates: [
            { fn: 'count', as: 'n' },
            { fn: 'sum', column: 'temp', as: 'total' },
          ],
        },
        deadLetterTopic: dlq,
      }),
    );
    const status = async () => data<PipelineStatus>(await engine.dispatch('pipelines:status', { id: pipeline.id }));
    data(await engine.dispatch('pipelines:start', { id: pipeline.id }));
    const done = await pollStatus(status, (s) => s.recordsIn === values.length, 60_000);
    expect(done.state).toBe('running');
    expect(done.badRecords).toEqual({ decode: 2 });
    const page = data<ResultsPage>(await engine.dispatch('pipelines:results', { id: pipeline.id, offset: 0, limit: 10 }));
    expect(page.rows).toEqual([['s1', 2, 3]]);
    // Both dead letters are there; the one too large for the topic without its value, saying why.
    const letters = (await readAll(bootstrap, dlq)).sort((a, b) => a.offset - b.offset);
    expect(letters.map((l) => l.headers['x-error-reason'])).toEqual(['decode', 'decode']);
    expect(letters[0]?.value).toBeNull();
    expect(letters[0]?.headers['x-value-dropped']).toMatch(new RegExp(`^${huge.length} bytes`));
    expect(letters[1]?.value?.toString()).toBe('not json');
    data(await engine.dispatch('pipelines:stop', { id: pipeline.id }));
  });
});
