import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseConnectionFields } from '../../shared/databases.js';
import { pipelineSchema } from '../../shared/pipelines.js';
import { DecodePool } from '../../electron/engine/pipelines/decode-pool.js';
import { RecordProcessor } from '../../electron/engine/pipelines/record-processor.js';
import type { Row } from '../../electron/engine/pipelines/row.js';
import type { SinkColumn } from '../../electron/engine/sinks/database-sink.js';
import { PostgresSink } from '../../electron/engine/sinks/postgres/postgres-sink.js';
import { startPostgres, type PostgresServer } from '../postgres-server.js';

// The PostgreSQL sink's writes against a real PostgreSQL (test/postgres-server.ts), read back with
// psql (an independent client): the COPY straight into the table, its fallback to the staging
// table's upsert when a key is there already, and values COPY's text format has to escape.
let pg: PostgresServer;

beforeAll(async () => {
  pg = await startPostgres();
}, 120_000);

afterAll(async () => {
  await pg?.stop();
});

const COLUMNS: SinkColumn[] = [
  { name: 'id', type: 'string' },
  { name: 'note', type: 'string' },
  { name: 'n', type: 'int' },
  { name: 'x', type: 'double' },
  { name: 'ok', type: 'boolean' },
  { name: 'at', type: 'timestamp' },
];

function open(table: string, create = true): PostgresSink {
  const connection = {
    name: 'test',
    engine: 'postgres',
    host: pg.host,
    port: pg.port,
    database: pg.database,
    user: pg.user,
    tls: { enabled: false, rejectUnauthorized: true },
  } as DatabaseConnectionFields;
  return new PostgresSink({ connection, password: pg.password }, { name: table, columns: COLUMNS, key: ['id'], create }, 'p1');
}

/** The table's rows as psql sees them, as JSON (one line whatever the values hold), by id. */
async function stored(table: string): Promise<Row[]> {
  const [json] = await pg.psql(
    `SELECT coalesce(json_agg(json_build_object('id', id, 'note', note, 'n', n, 'x', x, 'ok', ok, 'at', extract(epoch FROM at) * 1000) ORDER BY id), '[]') FROM ${table}`,
  );
  return JSON.parse(json ?? '[]') as Row[];
}

const offsetsOf = async (table: string) =>
  await pg.psql(`SELECT topic, partition, next_offset FROM kafka_workbench_offsets WHERE pipeline_id = 'p1' AND topic = '${table}'`);

/** Values COPY's text format has to escape or keep apart: tabs, newlines, backslashes, a literal \\N, quotes, NULL, non-ASCII. */
const NOTES = ['tab\there', 'line\nbreak\r\n', 'back\\slash \\N \\t', '\\N', '"quoted", \'single\'', '', 'Zürich — 東京 🚀', null];

const row = (id: string, note: string | null, n: number): Row => ({
  id,
  note,
  n,
  x: n / 4,
  ok: n % 2 === 0,
  at: Date.UTC(2024, 0, 1, 0, 0, n),
});

describe('PostgreSQL sink writes', () => {
  it('updates the rows whose key is in the table already, inserts the others, and moves the offsets with them', async () => {
    const sink = open('upserts');
    try {
      await sink.prepare();
      await sink.writeBatch([row('a', 'first', 1), row('b', 'first', 2)], [{ topic: 'upserts', partition: 0, next: 2n }]);
      await sink.writeBatch([row('b', 'second', 3), row('c', 'second', 4)], [{ topic: 'upserts', partition: 0, next: 4n }]);
      await sink.writeBatch([row('d', 'third', 5)], [{ topic: 'upserts', partition: 0, next: 5n }]);
      expect(await stored('upserts')).toEqual([row('a', 'first', 1), row('b', 'second', 3), row('c', 'second', 4), row('d', 'third', 5)]);
      expect(await offsetsOf('upserts')).toEqual(['upserts|0|5']);
    } finally {
      await sink.close();
    }
  });

  it('stores each batch’s offsets as written, whatever the topic’s characters and however large the offset, and reads them back', async () => {
    const sink = open('offsets_odd');
    try {
      await sink.prepare();
      const odd = "offsets_odd 'q' \\ x";
      const big = 2n ** 60n + 7n;
      await sink.writeBatch(
        [row('a', 'one', 1)],
        [
          { topic: odd, partition: 0, next: 1n },
          { topic: odd, partition: 2, next: big },
        ],
      );
      await sink.writeBatch([], [{ topic: odd, partition: 2, next: big + 1n }]);
      expect(await stored('offsets_odd')).toEqual([row('a', 'one', 1)]);
      expect([...(await sink.readOffsets())].filter(([id]) => id.startsWith('offsets_odd')).sort()).toEqual([
        [`${odd}:0`, 1n],
        [`${odd}:2`, big + 1n],
      ]);
    } finally {
      await sink.close();
    }
  });

  it('keeps tabs, newlines, backslashes, a literal \\N, quotes, NULLs and non-ASCII text as they were', async () => {
    const sink = open('escapes');
    try {
      await sink.prepare();
      const rows = NOTES.map((note, i) => row(`k${i}`, note, i));
      await sink.writeBatch(rows, [{ topic: 'escapes', partition: 0, next: BigInt(rows.length) }]);
      expect(await stored('escapes')).toEqual(rows);
    } finally {
      await sink.close();
    }
  });

  it('writes rows a decode worker sent as COPY text (a pipeline whose one sink is PostgreSQL) with the same values', async () => {
    const rows = NOTES.map((note, i) => row(`w${i}`, note, i));
    const spec = pipelineSchema.parse({
      id: 'p-copy',
      name: 'copy',
      connectionId: 'c',
      topics: ['t'],
      groupId: 'g',
      projection: COLUMNS.map((c) => ({
        column: c.name,
        path: c.name,
        type: c.type,
        required: c.name === 'id',
        ...(c.type === 'timestamp' ? { timestampFormat: 'epoch-ms' } : {}),
      })),
      sinks: [{ kind: 'database', engine: 'postgres', databaseConnectionId: 'd', table: 'from_worker', primaryKey: ['id'] }],
      createdAt: 0,
      updatedAt: 0,
    });
    const pool = new DecodePool({ size: 1 });
    const sink = open('from_worker');
    try {
      const processor = new RecordProcessor(spec, { mode: 'always', pool });
      const messages = rows.map((r, offset) => ({
        topic: 't',
        partition: 0,
        offset,
        timestamp: 0,
        timestampType: 'CreateTime' as const,
        key: null,
        value: Buffer.from(JSON.stringify(r)),
        headers: [],
      }));
      const [part] = await processor.processParts([{ topic: 't', partition: 0, messages }]);
      // Only the key's values came back from the worker; the rest is the rows' COPY text.
      expect(part?.rows.map((r) => Object.keys(r))).toEqual(rows.map(() => ['id']));
      await sink.prepare();
      await sink.writeBatch(part?.rows ?? [], [{ topic: 'from_worker', partition: 0, next: BigInt(rows.length) }]);
      expect(await stored('from_worker')).toEqual(rows);
    } finally {
      await sink.close();
      await pool.close();
    }
  });

  it('writes into a table of other accepted types (integer, real, timestamp without time zone) through the staging table', async () => {
    await pg.psql(`CREATE TABLE other_types (id text PRIMARY KEY, note varchar(20), n integer, x real, ok boolean, at timestamp)`);
    const sink = open('other_types', false);
    try {
      await sink.prepare();
      await sink.writeBatch([row('a', 'one', 1), row('b', 'two', 2)], [{ topic: 'other_types', partition: 0, next: 2n }]);
      await sink.writeBatch([row('b', 'three', 3)], [{ topic: 'other_types', partition: 0, next: 3n }]);
      // `at` left out: timestamptz → timestamp is the server's TimeZone's wall time, not a fixed value.
      const withoutAt = (rows: Row[]) => rows.map(({ at: _at, ...rest }) => rest);
      expect(withoutAt(await stored('other_types'))).toEqual(withoutAt([row('a', 'one', 1), row('b', 'three', 3)]));
    } finally {
      await sink.close();
    }
  });

  it('leaves neither rows nor offsets of a batch PostgreSQL refuses, and says which value', async () => {
    const sink = open('refused');
    try {
      await sink.prepare();
      await sink.writeBatch([row('a', 'kept', 1)], [{ topic: 'refused', partition: 0, next: 1n }]);
      const bad: Row = { ...row('b', 'bad', 2), n: 'not a number' };
      await expect(sink.writeBatch([row('c', 'lost', 3), bad], [{ topic: 'refused', partition: 0, next: 3n }])).rejects.toThrow(
        /not a number/,
      );
      expect(await stored('refused')).toEqual([row('a', 'kept', 1)]);
      expect(await offsetsOf('refused')).toEqual(['refused|0|1']);
      // The connection is usable again: the next batch goes in.
      await sink.writeBatch([row('c', 'next', 3)], [{ topic: 'refused', partition: 0, next: 3n }]);
      expect((await stored('refused')).map((r) => r.id)).toEqual(['a', 'c']);
    } finally {
      await sink.close();
    }
  });
});
