import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers.js';
import { openDatabase } from './db.js';
import { migrations } from './migrations.js';

const dirs: { remove(): void }[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));
function file(): string {
  const d = tempDir('db');
  dirs.push(d);
  return join(d.path, 'workbench.sqlite');
}

describe('openDatabase', () => {
  it('opens in WAL mode and records applied migrations', () => {
    const db = openDatabase(file());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('SELECT id FROM _migrations ORDER BY id').all()).toEqual(migrations.map((m) => ({ id: m.id })));
    db.close();
  });

  it('applies a new migration once, on the next open', () => {
    const path = file();
    openDatabase(path, [{ id: 1, name: 'a', sql: 'CREATE TABLE a (x INTEGER)' }]).close();
    const next = [
      { id: 1, name: 'a', sql: 'CREATE TABLE a (x INTEGER)' },
      { id: 2, name: 'b', sql: 'CREATE TABLE b (y INTEGER)' },
    ];
    openDatabase(path, next).close();
    const db = openDatabase(path, next);
    expect(db.prepare('SELECT id FROM _migrations ORDER BY id').all()).toEqual([{ id: 1 }, { id: 2 }]);
    db.close();
  });

  it('refuses to open when an applied migration was edited', () => {
    const path = file();
    openDatabase(path, [{ id: 1, name: 'a', sql: 'CREATE TABLE a (x INTEGER)' }]).close();
    expect(() => openDatabase(path, [{ id: 1, name: 'a', sql: 'CREATE TABLE a (x TEXT)' }])).toThrow(/was changed after it was applied/);
  });

  it('rolls back a failing migration entirely', () => {
    const path = file();
    expect(() => openDatabase(path, [{ id: 1, name: 'bad', sql: 'CREATE TABLE ok (x INTEGER); CREATE TABLE broken (' }])).toThrow();
    const db = openDatabase(path, []);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'ok'").all()).toEqual([]);
    db.close();
  });
});
