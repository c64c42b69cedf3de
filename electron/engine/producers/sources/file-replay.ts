import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { z } from 'zod';
import type { fileSourceSchema } from '../../../../shared/producers.js';
import { WorkbenchError } from '../../../../shared/errors.js';
import { errorText, withText, type Source, type SourceBatch } from './source.js';

export type FileSettings = z.output<typeof fileSourceSchema>;
type ColumnType = FileSettings['columnTypes'][string];

/** Files larger than this are refused: replay keeps the rows in memory. */
const MAX_FILE_BYTES = 256 * 1024 * 1024;
/** Rows per call when replaying as fast as possible. */
const FAST_CHUNK = 500;

function cast(value: string, type: ColumnType): unknown {
  switch (type) {
    case 'int':
    case 'float': {
      if (value.trim() === '') return null;
      const number = Number(value);
      if (!Number.isFinite(number) || (type === 'int' && !Number.isInteger(number)))
        throw new Error(`"${value}" is not ${type === 'int' ? 'an integer' : 'a number'}`);
      return number;
    }
    case 'boolean':
      if (/^(true|1|yes)$/i.test(value)) return true;
      if (/^(false|0|no)$/i.test(value)) return false;
      throw new Error(`"${value}" is not a boolean`);
    case 'json':
      return JSON.parse(value) as unknown;
    default:
      return value;
  }
}

/** A CSV record's own text: csv-parse's `raw` without the line breaks around it (a quoted cell keeps its inner ones). */
function lineOf(raw: string): string {
  return raw.replace(/^[\r\n]+|[\r\n]+$/g, '');
}

/**
 * Parses CSV text into typed rows (csv-parse); a row with a bad cell becomes an error, not data.
 * Each row also carries the text the String serializer sends (`withText`): for a one-column file the
 * cell as written (no type cast), for several columns the row's original line, quotes and delimiters
 * as in the file. The JSON serializer sends the typed fields.
 */
export function parseCsv(text: string, settings: FileSettings): { rows: Record<string, unknown>[]; errors: string[] } {
  const raw = parse(text, {
    columns: settings.header ? true : false,
    delimiter: settings.delimiter,
    quote: settings.quote === '' ? false : settings.quote,
    skip_empty_lines: true,
    relax_column_count: true,
    bom: true,
    raw: true,
    // csv-parse's sync typings do not model `raw: true`, which wraps each record as { record, raw }.
  }) as unknown as { record: Record<string, string> | string[]; raw: string }[];
  const rows: Record<string, unknown>[] = [];
  const errors: string[] = [];
  raw.forEach(({ record, raw: line }, index) => {
    const named: Record<string, string> = Array.isArray(record) ? Object.fromEntries(record.map((v, i) => [`column_${i + 1}`, v])) : record;
    const cells = Object.values(named);
    try {
      const row = Object.fromEntries(
        Object.entries(named).map(([k, v]) => [k, settings.columnTypes[k] ? cast(v, settings.columnTypes[k]) : v]),
      );
      rows.push(withText(row, cells.length === 1 ? cells[0] : lineOf(line)));
    } catch (error) {
      errors.push(`row ${index + 1}: ${errorText(error)}`);
    }
  });
  return { rows, errors };
}

export function parseJsonl(text: string): { rows: unknown[]; errors: string[] } {
  const rows: unknown[] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      rows.push(JSON.parse(line) as unknown);
    } catch {
      errors.push(`line ${index + 1} is not JSON: ${JSON.stringify(line.slice(0, 60))}`);
    }
  });
  return { rows, errors };
}

function timeOf(row: unknown, column: string): number | null {
  const value = (row as Record<string, unknown> | null)?.[column];
  if (typeof value === 'number') return value > 1e12 ? value : value * 1000; // epoch ms or s
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? null : parsed;
  }
  return null;
}

/**
 * Replays a CSV or JSONL file row by row. Pacing: one row per schedule tick (interval), the gaps
 * of a timestamp column divided by `speed`, or as fast as possible; `loop` starts over at the end.
 */
export class FileReplaySource implements Source {
  readonly selfPaced: boolean;
  private readonly settings: FileSettings;
  private rows: unknown[] | null = null;
  private pendingErrors: string[] = [];
  private position = 0;

  constructor(settings: FileSettings) {
    this.settings = settings;
    this.selfPaced = settings.pacing !== 'interval';
  }

  /**
   * Rows are records one for one (rows that do not parse are errors, never records), so the rows
   * already delivered are the first `delivered` ones, counted around the file when it loops. A
   * record that failed to encode or deliver in the session is not in the count: the resume point
   * is then that many rows early and those rows are sent again; none is skipped.
   */
  resumeAfter(delivered: number): void {
    this.position = delivered;
  }

  private async load(): Promise<unknown[]> {
    if (this.rows) return this.rows;
    let text: string;
    try {
      text = await readFile(this.settings.path, 'utf8');
    } catch (error) {
      throw new WorkbenchError('NOT_FOUND', `Cannot read ${this.settings.path}: ${errorText(error)}`);
    }
    if (text.length > MAX_FILE_BYTES)
      throw new WorkbenchError('VALIDATION', `${this.settings.path} is larger than ${MAX_FILE_BYTES} bytes`);
    const parsed = this.settings.format === 'csv' ? parseCsv(text, this.settings) : parseJsonl(text);
    this.pendingErrors = parsed.errors;
    this.rows = parsed.rows;
    return this.rows;
  }

  async next(): Promise<SourceBatch> {
    const rows = await this.load();
    const errors = this.pendingErrors;
    this.pendingErrors = [];
    if (this.position >= rows.length) {
      if (!this.settings.loop || rows.length === 0) return { records: [], errors, done: true };
      this.position %= rows.length;
    }
    if (this.settings.pacing === 'fast') {
      const records = rows.slice(this.position, this.position + FAST_CHUNK);
      this.position += records.length;
      return { records, errors, waitMs: 0 };
    }
    const row = rows[this.position++];
    let waitMs = 0;
    if (this.settings.pacing === 'timestamp' && this.position < rows.length) {
      const here = timeOf(row, this.settings.timestampColumn);
      const next = timeOf(rows[this.position], this.settings.timestampColumn);
      if (here !== null && next !== null) waitMs = Math.max(0, (next - here) / this.settings.speed);
    }
    return { records: [row], errors, waitMs };
  }
}
