import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileSourceSchema } from '../../../../shared/producers.js';
import { tempDir } from '../../../../test/helpers.js';
import { encodeRecord } from '../record-encoding.js';
import { FileReplaySource } from './file-replay.js';

const dir = tempDir('replay');
afterAll(() => dir.remove());

function file(name: string, text: string): string {
  const path = join(dir.path, name);
  writeFileSync(path, text);
  return path;
}

describe('file replay', () => {
  it('parses quoted CSV with a delimiter and typed columns, one row per call', async () => {
    const path = file(
      'a.csv',
      'ts;device;temp;ok;note\n2026-01-01T00:00:00Z;d1;21.5;true;"a; b"\n2026-01-01T00:00:02Z;d2;x;false;"say ""hi"""\n2026-01-01T00:00:05Z;d3;19;no;\n',
    );
    const source = new FileReplaySource(
      fileSourceSchema.parse({ kind: 'file', path, delimiter: ';', columnTypes: { temp: 'float', ok: 'boolean' } }),
    );
    const first = await source.next();
    expect(first.records).toEqual([{ ts: '2026-01-01T00:00:00Z', device: 'd1', temp: 21.5, ok: true, note: 'a; b' }]);
    expect(first.errors).toEqual(['row 2: "x" is not a number']);
    expect((await source.next()).records).toEqual([{ ts: '2026-01-01T00:00:05Z', device: 'd3', temp: 19, ok: false, note: '' }]);
    expect(await source.next()).toMatchObject({ records: [], done: true });
  });

  it('paces by a timestamp column divided by the speed factor', async () => {
    const path = file('b.csv', 'ts,v\n2026-01-01T00:00:00Z,1\n2026-01-01T00:00:10Z,2\n2026-01-01T00:00:40Z,3\n');
    const source = new FileReplaySource(
      fileSourceSchema.parse({ kind: 'file', path, pacing: 'timestamp', timestampColumn: 'ts', speed: 10 }),
    );
    expect(source.selfPaced).toBe(true);
    expect((await source.next()).waitMs).toBe(1000);
    expect((await source.next()).waitMs).toBe(3000);
  });

  it('loops JSONL and reports lines that are not JSON', async () => {
    const path = file('c.jsonl', '{"a":1}\nnot json\n{"a":2}\n');
    const source = new FileReplaySource(fileSourceSchema.parse({ kind: 'file', path, format: 'jsonl', loop: true, pacing: 'fast' }));
    const batch = await source.next();
    expect(batch.records).toEqual([{ a: 1 }, { a: 2 }]);
    expect(batch.errors).toEqual(['line 2 is not JSON: "not json"']);
    expect((await source.next()).records).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('sends a CSV row with the String serializer as its text: the cell of a one-column file, else the line as written', async () => {
    const send = async (settings: Record<string, unknown>, serializer: 'json' | 'string') => {
      const { records } = await new FileReplaySource(fileSourceSchema.parse({ kind: 'file', pacing: 'fast', ...settings })).next();
      return records
        .map((r) => encodeRecord(r, { key: { kind: 'field', path: 'id' }, serializer, headers: [] }))
        .map((e) => [e.key, e.value]);
    };
    const one = { path: file('one.csv', 'line\r\nhello world again\r\n"kafka: ""streams"""\r\n') };
    expect(await send(one, 'string')).toEqual([
      [null, 'hello world again'],
      [null, 'kafka: "streams"'],
    ]);
    expect(await send(one, 'json')).toEqual([
      [null, '{"line":"hello world again"}'],
      [null, '{"line":"kafka: \\"streams\\""}'],
    ]);
    const two = { path: file('two.csv', 'id,text\n7,"a, b"\n\n8,c\n'), columnTypes: { id: 'int' } };
    expect(await send(two, 'string')).toEqual([
      ['7', '7,"a, b"'],
      ['8', '8,c'],
    ]);
    expect(await send(two, 'json')).toEqual([
      ['7', '{"id":7,"text":"a, b"}'],
      ['8', '{"id":8,"text":"c"}'],
    ]);
    expect(await send({ path: file('bare.csv', '42\n'), header: false, columnTypes: { column_1: 'int' } }, 'string')).toEqual([
      [null, '42'],
    ]);
  });

  it('resumes after the rows a session delivered, around the file when it loops', async () => {
    const path = file('d.csv', 'n\n1\n2\n3\n');
    const once = new FileReplaySource(fileSourceSchema.parse({ kind: 'file', path }));
    once.resumeAfter(2);
    expect((await once.next()).records).toEqual([{ n: '3' }]);
    expect(await once.next()).toMatchObject({ records: [], done: true });
    const looping = new FileReplaySource(fileSourceSchema.parse({ kind: 'file', path, loop: true }));
    looping.resumeAfter(7);
    expect((await looping.next()).records).toEqual([{ n: '2' }]);
    expect((await looping.next()).records).toEqual([{ n: '3' }]);
    expect((await looping.next()).records).toEqual([{ n: '1' }]);
  });

  it('says which file it cannot read', async () => {
    const source = new FileReplaySource(fileSourceSchema.parse({ kind: 'file', path: join(dir.path, 'missing.csv') }));
    await expect(source.next()).rejects.toThrow(/Cannot read .*missing\.csv/);
  });
});
