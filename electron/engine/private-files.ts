import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';

/**
 * The data folder and what the engine writes in it are the user's alone (0700 / 0600): the
 * database holds sealed secrets and recipes, the log holds topic names and errors. Set explicitly,
 * whatever the umask (a default 022 made them world-readable), and again on every start so a folder
 * made by an earlier version is fixed too. No-ops where POSIX modes do not exist (Windows).
 */
export function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/** Creates the file if missing, owner read/write only; existing files are set to 0600. */
export function privateFile(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
}
