import { appendFileSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { privateDir, privateFile } from './private-files.js';

export type Level = 'error' | 'warn' | 'info';
export type Logger = (level: Level, message: string) => void;

/** A log file past this size is renamed to `<file>.1` (replacing the previous one) and started anew. */
export const LOG_MAX_BYTES = 5 * 1024 * 1024;

/**
 * Appends timestamped lines to a log file (and errors to stderr), owner-only (0600), rotated at
 * LOG_MAX_BYTES so at most twice that stays on disk. Secrets must never be passed here.
 */
export function fileLogger(file: string, alsoConsole = false, maxBytes = LOG_MAX_BYTES): Logger {
  privateDir(dirname(file));
  privateFile(file);
  let size = statSync(file).size;
  return (level, message) => {
    const line = `${new Date().toISOString()} ${level.toUpperCase()} ${message}\n`;
    try {
      if (size + line.length > maxBytes) {
        renameSync(file, `${file}.1`);
        privateFile(file);
        size = 0;
      }
      appendFileSync(file, line);
      size += Buffer.byteLength(line);
    } catch {
      // A full or read-only disk must not take the engine down; the console still gets errors.
    }
    if (alsoConsole || level === 'error') process.stderr.write(line);
  };
}
