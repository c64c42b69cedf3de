import type { Db } from './db.js';

const cache = new WeakMap<Db, Map<unknown, unknown>>();

/**
 * The repository of a kind for this database, made once: its statements are prepared once per
 * database, not on every call (better-sqlite3 statements are reusable and cheap to run, not to make).
 */
export function repoOf<T>(db: Db, make: new (db: Db) => T): T {
  let repos = cache.get(db);
  if (!repos) cache.set(db, (repos = new Map()));
  let repo = repos.get(make) as T | undefined;
  if (!repo) repos.set(make, (repo = new make(db)));
  return repo;
}
