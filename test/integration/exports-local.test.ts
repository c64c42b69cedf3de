import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createWriter, writeAll } from '../../electron/engine/exports/writers/create-writer.js';
import { openLocalOutput } from '../../electron/engine/exports/targets/local-folder.js';
import type { Row } from '../../electron/engine/exports/writers/types.js';
import { tempDir } from '../helpers.js';
import { sensorColumns, sensorRows } from './exports-fixtures.js';
import { duckdb } from './exports-readers.js';

const dir = tempDir('exports-local');
afterAll(() => dir.remove());

describe('local folder target', () => {
  it('leaves no file under the final name when the exporting process is killed midway', async () => {
    const name = 'killed.parquet';
    const child = spawn(process.execPath, ['--import', 'tsx', resolve('test/integration/exports-kill-child.ts'), dir.path, name], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const bytesSeen = await new Promise<number>((done, fail) => {
      child.on('exit', (code) => fail(new Error(`child exited early with ${String(code)}`)));
      child.stdout.on('data', (chunk: Buffer) => {
        const last = /progress (\d+)\n$/.exec(chunk.toString());
        if (last && Number(last[1]) > 200_000) done(Number(last[1]));
      });
    });
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGKILL');
    await exited;

    expect(bytesSeen).toBeGreaterThan(200_000);
    expect(existsSync(join(dir.path, name))).toBe(false);
    // What was written went to a dot-prefixed temp file beside it, never to the final name.
    const partial = readdirSync(dir.path).filter((f) => f.startsWith(`.${name}.`) && f.endsWith('.partial'));
    expect(partial).toHaveLength(1);
    expect(statSync(join(dir.path, partial[0] ?? '')).size).toBeGreaterThan(200_000);
  });

  it('shows the file under its final name only after commit, complete', async () => {
    const output = await openLocalOutput(dir.path, 'whole.parquet');
    const writer = createWriter({ kind: 'parquet', codec: 'zstd', timestampUnit: 'ms', rowGroupRows: 5000 }, sensorColumns, output.sink);
    function* rows(): Generator<Row[]> {
      for (let i = 0; i < 4; i++) {
        yield sensorRows(5000, i * 5000);
        expect(existsSync(join(dir.path, 'whole.parquet'))).toBe(false);
      }
    }
    await writeAll(rows(), writer);
    expect(existsSync(output.location)).toBe(false);
    await output.commit();
    const [count] = await duckdb(`SELECT count(*)::INT AS n FROM read_parquet('${output.location}')`);
    expect(count).toEqual({ n: 20_000 });
    expect(readdirSync(dir.path).filter((f) => f.includes('whole'))).toEqual(['whole.parquet']);
  });

  it('removes the temp file when an export is aborted, and says when the folder is missing', async () => {
    const output = await openLocalOutput(dir.path, 'aborted.csv');
    await output.sink.write(Buffer.from('a,b\r\n'));
    await output.abort();
    expect(readdirSync(dir.path).filter((f) => f.includes('aborted'))).toEqual([]);
    await expect(openLocalOutput(join(dir.path, 'nope'), 'x.csv')).rejects.toThrow(/does not exist/);
  });
});
