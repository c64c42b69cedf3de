import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type Level = 'error' | 'warn' | 'info';
export type Logger = (level: Level, message: string) => void;

/** Appends timestamped lines to a log file (and errors to stderr). Secrets must never be passed here. */
export function fileLogger(file: string, alsoConsole = false): Logger {
  mkdirSync(dirname(file), { recursive: true });
  return (level, message) => {
    const line = `${new Date().toISOString()} ${level.toUpperCase()} ${message}\n`;
    try {
      appendFileSync(file, line);
    } catch {
      // A full or read-only disk must not take the engine down; the console still gets errors.
    }
    if (alsoConsole || level === 'error') process.stderr.write(line);
  };
}
