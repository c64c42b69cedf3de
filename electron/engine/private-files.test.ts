import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileLogger } from './logger.js';
import { openDatabase } from './store/db.js';

const mode = (path: string) => statSync(path).mode & 0o777;
const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kwb-private-'));
  made.push(dir);
  return dir;
}

describe.skipIf(process.platform === 'win32')('the data folder is the user’s alone', () => {
  it('creates the folder 0700 and the database, its WAL and the log 0600, whatever the umask', () => {
    const previous = process.umask(0o022);
    try {
      const data = join(scratch(), 'data');
      const db = openDatabase(join(data, 'workbench.sqlite'));
      db.prepare('CREATE TABLE t (x)').run();
      const log = fileLogger(join(data, 'logs', 'engine.log'));
      log('info', 'hello');
      expect(mode(data)).toBe(0o700);
      expect(mode(join(data, 'logs'))).toBe(0o700);
      for (const file of readdirSync(data).filter((f) => f.startsWith('workbench.sqlite')))
        expect([file, mode(join(data, file))]).toEqual([file, 0o600]);
      expect(readdirSync(data)).toContain('workbench.sqlite-wal');
      expect(mode(join(data, 'logs', 'engine.log'))).toBe(0o600);
      db.close();
    } finally {
      process.umask(previous);
    }
  });

  it('makes files an earlier version left world-readable owner-only when it opens them', () => {
    const data = scratch();
    writeFileSync(join(data, 'engine.log'), 'old\n', { mode: 0o644 });
    fileLogger(join(data, 'engine.log'))('info', 'x');
    expect(mode(join(data, 'engine.log'))).toBe(0o600);
  });

  it('rotates the log at its size cap, keeping one previous file', () => {
    const file = join(scratch(), 'engine.log');
    const log = fileLogger(file, false, 1_000);
    for (let i = 0; i < 100; i++) log('info', `line ${i} ${'x'.repeat(50)}`);
    expect(statSync(file).size).toBeLessThanOrEqual(1_000);
    expect(statSync(`${file}.1`).size).toBeLessThanOrEqual(1_000);
    expect(mode(`${file}.1`)).toBe(0o600);
  });
});
